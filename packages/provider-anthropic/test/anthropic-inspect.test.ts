import { inspect } from "node:util";
import { Message } from "@ratatoskr/core";
import {
  chatRequestFor,
  type ExchangeRecorder,
  exchangeRecorder,
  expectNoSecret,
} from "@ratatoskr/testing";
import { drain } from "@ratatoskr/testing/conformance";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAnthropic } from "../src/anthropic-provider.ts";
import { type AnthropicMock, fixture, startAnthropicMock } from "./anthropic-mock-server.ts";

/** Key-shaped, built at run time (no key literal in the source). */
const CANARY = ["sk", "ant", "api03", "inspectcanary0123456789"].join("-");
const model = "claude-sonnet-4-6";
const messages = [Message.user("Hi")];

let mock: AnthropicMock;
beforeAll(async () => {
  mock = await startAnthropicMock();
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

let recorder: ExchangeRecorder;
beforeEach(() => {
  recorder = exchangeRecorder();
});
const provider = () => createAnthropic({ apiKey: CANARY, baseURL: mock.url });
const request = () => ({ ...chatRequestFor(messages, { model }), inspect: recorder.record });

describe("the call's inspector", () => {
  it("gets the unary exchange: the body as the server received it, the answer as sent, no key", async () => {
    const answer = fixture("message-text.json");
    mock.enqueue({ json: answer });
    await provider().chat.complete(request());
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange).toMatchObject({
      method: "POST",
      url: `${mock.url}/v1/messages`,
      requestBody: mock.requests.at(-1)!.body,
      status: 200,
      responseBody: answer,
      truncated: false,
    });
    // Each header that carried the key reached the server whole and the inspector redacted.
    const keyHeaders = Object.entries(mock.requests.at(-1)!.headers).filter(([, value]) =>
      String(value).includes(CANARY),
    );
    expect(keyHeaders.length).toBeGreaterThan(0);
    for (const [name] of keyHeaders) expect(exchange!.requestHeaders[name]).toBe("[REDACTED]");
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
    expect(inspect(exchanges, { depth: null })).not.toContain(CANARY);
  });

  it("gets the stream's raw SSE text", async () => {
    const sse = fixture("text.sse");
    mock.enqueue({ sse, chunkSize: 50 });
    await drain(provider().chat.stream(request()));
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({
      requestBody: mock.requests.at(-1)!.body,
      status: 200,
      responseBody: sse,
    });
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
  });

  it("does not hold a stream back: the first event arrives while the server keeps the response open", async () => {
    const sse = fixture("text.sse");
    const head = sse.slice(0, sse.indexOf("event: content_block_delta"));
    mock.enqueue({ sseThenHang: head });
    const parts = provider().chat.stream(request())[Symbol.asyncIterator]();
    expect((await parts.next()).done).toBe(false);
    expect(recorder.exchanges).toHaveLength(0);
    await parts.return?.();
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]!.error).toMatch(/^cancelled|AbortError/);
  });

  it("gets an error response and a token count", async () => {
    mock.enqueue({ json: fixture("error-429.json"), status: 429 });
    await expect(provider().chat.complete(request())).rejects.toMatchObject({
      code: "rate_limited",
    });
    mock.enqueue({ json: fixture("count-tokens.json") });
    await provider().tokenCounting.countTokens({
      model,
      text: "Hi",
      providerOptions: {},
      signal: new AbortController().signal,
      inspect: recorder.record,
    });
    const exchanges = await recorder.settled(2);
    expect(exchanges.map((exchange) => exchange.status)).toEqual([429, 200]);
    expect(exchanges[0]!.responseBody).toContain("rate_limit_error");
    expect(exchanges[1]!.url).toBe(`${mock.url}/v1/messages/count_tokens`);
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
  });

  it("is not called for a call without one", async () => {
    mock.enqueue({ json: fixture("message-text.json") });
    await provider().chat.complete(chatRequestFor(messages, { model }));
    expect(recorder.exchanges).toHaveLength(0);
  });
});
