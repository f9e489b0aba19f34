import { inspect } from "node:util";
import { Message } from "@ratatoskr/core";
import {
  chatRequestFor,
  type ExchangeRecorder,
  exchangeRecorder,
  expectNoSecret,
  jsonReply,
  sseReply,
} from "@ratatoskr/testing";
import { drain, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { beforeEach, describe, expect, it } from "vitest";
import { createOpenAICompatible } from "./openai-compatible-provider.ts";
import { fixture } from "./openai-fixtures.test-helpers.ts";
import { createOpenAI } from "./openai-provider.ts";

/** Key-shaped, built at run time (no key literal in the source). */
const CANARY = ["sk", "proj", "inspectcanary", "0123456789abcdef"].join("-");
const messages = [Message.user("Hi")];
const server = useOpenAIWireMockServer();

let recorder: ExchangeRecorder;
beforeEach(() => {
  recorder = exchangeRecorder();
});
const request = () => ({
  ...chatRequestFor(messages, { model: "gpt-4o-mini" }),
  inspect: recorder.record,
});

describe.each([
  [
    "openai-compatible",
    () => createOpenAICompatible({ id: "compat", baseURL: `${server.url}/v1`, apiKey: CANARY }),
  ],
  ["openai", () => createOpenAI({ apiKey: CANARY, baseURL: `${server.url}/v1` })],
])("%s: the call's inspector", (_name, create) => {
  it("gets the unary exchange: the body as the server received it, the answer as sent, no key", async () => {
    const answer = fixture("openai-chat-completion-text.json");
    server.reply(jsonReply(200, answer));
    const result = await create().chat.complete(request());
    expect(result.content).not.toBe("");
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange).toMatchObject({
      method: "POST",
      url: `${server.url}/v1/chat/completions`,
      status: 200,
      responseBody: answer,
      truncated: false,
    });
    expect(JSON.parse(exchange!.requestBody!)).toEqual(server.requests[0]!.body);
    expect(exchange!.requestHeaders.authorization).toBe("[REDACTED]");
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
    expect(inspect(exchanges, { depth: null })).not.toContain(CANARY);
  });

  it("gets the stream's raw SSE text once the stream has ended", async () => {
    const sse = fixture("openai-chat-stream-text.sse");
    server.reply(sseReply(sse, { chunkSize: 64 }));
    await drain(create().chat.stream(request()));
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ status: 200, responseBody: sse, truncated: false });
    expect(JSON.parse(exchanges[0]!.requestBody!)).toMatchObject({ stream: true });
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
  });

  it("does not hold a stream back: the first event arrives while the server keeps the response open", async () => {
    const sse = fixture("openai-chat-stream-text.sse");
    server.reply(sseReply(sse.slice(0, sse.indexOf("\n\n") + 2), { hang: true }));
    const parts = create().chat.stream(request())[Symbol.asyncIterator]();
    const first = await parts.next();
    expect(first.done).toBe(false);
    expect(recorder.exchanges).toHaveLength(0); // the exchange is still open
    await parts.return?.();
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]!.responseBody).toBe(sse.slice(0, sse.indexOf("\n\n") + 2));
    expect(exchanges[0]!.error).toMatch(/^cancelled|AbortError/);
  });

  it("gets an error response with its status and body", async () => {
    server.reply(jsonReply(429, { error: { message: "Rate limit reached", type: "requests" } }));
    await expect(create().chat.complete(request())).rejects.toMatchObject({ code: "rate_limited" });
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ status: 429 });
    expect(exchanges[0]!.responseBody).toContain("Rate limit reached");
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
  });

  it("is not called, and nothing is captured, for a call without one", async () => {
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    await create().chat.complete(chatRequestFor(messages, { model: "gpt-4o-mini" }));
    expect(recorder.exchanges).toHaveLength(0);
  });
});
