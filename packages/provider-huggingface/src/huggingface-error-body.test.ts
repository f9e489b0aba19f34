/**
 * A huge error body (100 MiB) is read only up to a bound and cancelled on
 * every Hugging Face path (HF Inference, the OpenAI-compatible chat router,
 * the Hub's inference-provider mapping); the typed error keeps a short
 * message and a bounded body.
 */
import { Message, type RatatoskrError } from "@ratatoskr/core";
import { MAX_ERROR_BODY_BYTES } from "@ratatoskr/provider-utils";
import {
  chatRequestFor,
  type HugeResponseServer,
  LOOPBACK_BUFFER_BYTES,
  startHugeResponseServer,
} from "@ratatoskr/testing";
import { failure } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hf } from "./huggingface-calls.test-helpers.ts";
import { EMBEDDING_MODEL, NLI_MODEL, TEST_KEY } from "./huggingface-fixtures.test-helpers.ts";

let server: HugeResponseServer;
beforeAll(async () => {
  server = await startHugeResponseServer({ head: '{"error":"', tail: '"}' });
});
afterAll(async () => {
  await server.close();
});

async function expectCancelledEarly(): Promise<void> {
  const outcome = await server.outcomes.at(-1)!;
  expect(outcome.complete).toBe(false);
  expect(outcome.bytesWritten).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES + LOOPBACK_BUFFER_BYTES);
}

async function expectBounded(error: RatatoskrError): Promise<void> {
  await expectCancelledEarly();
  expect(error.code).toBe("provider");
  expect(error.status).toBe(500);
  expect(error.message.length).toBeLessThan(1_000);
  expect(error.message).toMatch(/^huggingface returned HTTP 500: \{"error":"x+…?$/);
  expect(error.body!.length).toBeLessThanOrEqual(4096);
}

const plugin = () =>
  hf({
    apiKey: TEST_KEY,
    baseURL: `${server.url}/hf-inference`,
    chatBaseURL: `${server.url}/v1`,
  });

describe("a 100 MiB error body", () => {
  it("embeddings (HF Inference): read up to the bound, the rest cancelled", async () => {
    await expectBounded(await failure(plugin().embedBatch(["a", "b"], EMBEDDING_MODEL)));
  });

  it("NLI (HF Inference): read up to the bound, the rest cancelled", async () => {
    await expectBounded(await failure(plugin().inferNli("a", "b", NLI_MODEL)));
  });

  it("chat (the OpenAI-compatible router): read up to the bound, the rest cancelled", async () => {
    await expectBounded(
      await failure(
        plugin().provider.chat!.complete(
          chatRequestFor([Message.user("Hi")], { model: "meta-llama/Llama-3.1-8B" }),
        ),
      ),
    );
  });

  it("a third-party provider's mapping lookup on the Hub: read up to the bound", async () => {
    const toServer: typeof globalThis.fetch = (_input, init) => fetch(server.url, init);
    const error = await failure(
      hf({
        apiKey: "hf_bounded0body0test0token",
        inferenceProvider: "together",
        fetch: toServer,
      }).embed("a", "org/bounded-body-mapping-model"),
    );
    await expectBounded(error);
  });
});
