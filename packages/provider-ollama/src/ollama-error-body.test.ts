/**
 * A huge error body (100 MiB) is read only up to a bound and cancelled, on
 * every Ollama path (native /api/chat and /api/embed through the `ollama`
 * client, chat on /v1); the typed error keeps a short message and a bounded body.
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
import { embedRequest } from "./ollama-fixtures.test-helpers.ts";
import { createOllama } from "./ollama-provider.ts";

let server: HugeResponseServer;
beforeAll(async () => {
  server = await startHugeResponseServer({ head: '{"error":"', tail: '"}' });
});
afterAll(async () => {
  await server.close();
});

async function expectBounded(error: RatatoskrError): Promise<void> {
  const outcome = await server.outcomes.at(-1)!;
  expect(outcome.complete).toBe(false);
  expect(outcome.bytesWritten).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES + LOOPBACK_BUFFER_BYTES);
  expect(error.code).toBe("provider");
  expect(error.status).toBe(500);
  expect(error.message.length).toBeLessThan(1_000);
  expect(error.message).toMatch(/^ollama returned HTTP 500: \{"error":"x+…?$/);
  expect(error.body!.length).toBeLessThanOrEqual(4096);
}

describe("a 100 MiB error body", () => {
  it("embeddings (/api/embed): read up to the bound, the rest cancelled", async () => {
    const ollama = createOllama({ baseURL: server.url });
    await expectBounded(
      await failure(ollama.embedding.embed(embedRequest(["a", "b"], "all-minilm"))),
    );
  });

  it("chat (native /api/chat): read up to the bound, the rest cancelled", async () => {
    const ollama = createOllama({ baseURL: server.url });
    await expectBounded(
      await failure(
        ollama.chat.complete(chatRequestFor([Message.user("Hi")], { model: "llama3.2" })),
      ),
    );
  });

  it("chat (/v1): read up to the bound, the rest cancelled", async () => {
    const ollama = createOllama({ baseURL: server.url, transport: "openai" });
    await expectBounded(
      await failure(
        ollama.chat.complete(chatRequestFor([Message.user("Hi")], { model: "llama3.2" })),
      ),
    );
  });
});
