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
import { fixture } from "./openrouter-fixtures.test-helpers.ts";
import { createOpenRouter } from "./openrouter-provider.ts";

/** Key-shaped, built at run time (no key literal in the source). */
const CANARY = ["sk", "or", "v1", "inspectcanary".repeat(3)].join("-");
const server = useOpenAIWireMockServer();

let recorder: ExchangeRecorder;
beforeEach(() => {
  recorder = exchangeRecorder();
});
const openrouter = () => createOpenRouter({ apiKey: CANARY, baseURL: `${server.url}/api/v1` });
const request = () => ({
  ...chatRequestFor([Message.user("Hi")], { model: "openai/gpt-4o-mini" }),
  inspect: recorder.record,
});

/** No rendering of the exchanges holds the key, while the server did get it. */
function expectNoKey() {
  expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);
  expectNoSecret(undefined, CANARY, { hookEvents: recorder.exchanges });
  expect(inspect(recorder.exchanges, { depth: null })).not.toContain(CANARY);
}

describe("the call's inspector", () => {
  it("gets the stream's raw SSE text and the request as the server received it", async () => {
    const sse = fixture("openrouter-chat-stream-reasoning.sse");
    server.reply(sseReply(sse, { chunkSize: 100 }));
    await drain(openrouter().chat.stream(request()));
    const [exchange] = await recorder.settled(1);
    expect(recorder.exchanges).toHaveLength(1);
    expect(exchange).toMatchObject({
      method: "POST",
      url: `${server.url}/api/v1/chat/completions`,
      status: 200,
      responseBody: sse,
      truncated: false,
    });
    expect(JSON.parse(exchange!.requestBody!)).toEqual(server.requests.at(-1)!.body);
    expect(exchange!.requestHeaders.authorization).toBe("[REDACTED]");
    expectNoKey();
  });

  it("gets a unary answer and an error response", async () => {
    const answer = fixture("openrouter-chat-completion-reasoning.json");
    server.reply(jsonReply(200, answer), jsonReply(429, fixture("openrouter-error-429.json")));
    await openrouter().chat.complete(request());
    await expect(openrouter().chat.complete(request())).rejects.toMatchObject({
      code: "rate_limited",
    });
    const exchanges = await recorder.settled(2);
    expect(exchanges.map((exchange) => exchange.status)).toEqual([200, 429]);
    expect(exchanges[0]!.responseBody).toBe(answer);
    expectNoKey();
  });
});
