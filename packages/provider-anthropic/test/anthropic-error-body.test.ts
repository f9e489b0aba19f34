/**
 * A huge error body (100 MiB) is read only up to a bound and cancelled; the
 * typed error keeps a short message and a bounded body.
 */
import { Message, type RatatoskrError } from "@ratatoskr/core";
import { MAX_ERROR_BODY_BYTES } from "@ratatoskr/provider-utils";
import {
  chatRequestFor,
  type HugeResponseServer,
  LOOPBACK_BUFFER_BYTES,
  startHugeResponseServer,
} from "@ratatoskr/testing";
import { drain, failure } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnthropic } from "../src/index.ts";
import { MODEL } from "./anthropic-requests.ts";

const KEY = "test-key-canary-123456";
let server: HugeResponseServer;
beforeAll(async () => {
  server = await startHugeResponseServer({
    status: 529,
    head: '{"type":"error","error":{"type":"overloaded_error","message":"',
    tail: '"}}',
  });
});
afterAll(async () => {
  await server.close();
});

const messages = [Message.user("Hi")];
const provider = () => createAnthropic({ apiKey: KEY, baseURL: server.url });

async function expectBounded(error: RatatoskrError): Promise<void> {
  const outcome = await server.outcomes.at(-1)!;
  expect(outcome.complete).toBe(false);
  expect(outcome.bytesWritten).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES + LOOPBACK_BUFFER_BYTES);
  expect(error.code).toBe("provider");
  expect(error.status).toBe(529);
  expect(error.isRetryable).toBe(true);
  expect(error.message.length).toBeLessThan(1_000);
  // The cut body is not JSON any more: the message is an excerpt of its text.
  expect(error.message).toMatch(/^anthropic returned HTTP 529: \{"type":"error".*x+…$/);
  expect(error.body).toMatch(/^\{"type":"error",.*x+$/);
  expect(error.body!.length).toBeLessThanOrEqual(4096);
}

describe("a 100 MiB error body", () => {
  it("chat: read up to the bound, the rest cancelled", async () => {
    await expectBounded(
      await failure(
        provider().chat.complete(chatRequestFor(messages, { model: MODEL, maxTokens: 10 })),
      ),
    );
  });

  it("chatStream: read up to the bound, the rest cancelled", async () => {
    await expectBounded(
      await failure(
        drain(provider().chat.stream(chatRequestFor(messages, { model: MODEL, maxTokens: 10 }))),
      ),
    );
  });
});
