import { inspect } from "node:util";
import { Message, type ProviderExchangeV1 } from "@ratatoskr/core";
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
import { embedRequest, fixture, ndjsonReply } from "./ollama-fixtures.test-helpers.ts";
import { createOllama } from "./ollama-provider.ts";

/** Key-shaped, built at run time (no key literal in the source): a key for an Ollama behind a proxy. */
const CANARY = ["sk", "ollama", "inspectcanary", "0123456789abcdef"].join("-");
const hi = [Message.user("Hi")];
const server = useOpenAIWireMockServer();

let recorder: ExchangeRecorder;
beforeEach(() => {
  recorder = exchangeRecorder();
});
const chat = () => ({ ...chatRequestFor(hi, { model: "llama3.2" }), inspect: recorder.record });

/** The exchange was captured whole and holds no key; the server did get it. */
function expectCaptured(exchange: ProviderExchangeV1 | undefined, path: string, body: string) {
  expect(exchange).toMatchObject({
    method: "POST",
    url: `${server.url}${path}`,
    status: 200,
    responseBody: body,
    truncated: false,
  });
  expect(JSON.parse(exchange!.requestBody!)).toEqual(server.requests.at(-1)!.body);
  expect(exchange!.requestHeaders.authorization).toBe("[REDACTED]");
  expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);
  expectNoSecret(undefined, CANARY, { hookEvents: recorder.exchanges });
  expect(inspect(recorder.exchanges, { depth: null })).not.toContain(CANARY);
}

describe("native transport: the call's inspector", () => {
  const ollama = () => createOllama({ baseURL: server.url, apiKey: CANARY });

  it("gets the stream's raw NDJSON and the request as the server received it", async () => {
    const ndjson = fixture("ollama-chat-stream-text.ndjson");
    server.reply(ndjsonReply(ndjson, { chunkSize: 40 }));
    await drain(ollama().chat.stream(chat()));
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    expectCaptured(exchanges[0], "/api/chat", ndjson);
  });

  it("gets a unary chat and an embedding", async () => {
    const ndjson = fixture("ollama-chat-stream-text.ndjson");
    server.reply(ndjsonReply(ndjson));
    await ollama().chat.complete(chat());
    expectCaptured((await recorder.settled(1))[0], "/api/chat", ndjson);
    const embed = fixture("ollama-embed-single.json");
    server.reply(jsonReply(200, embed));
    await ollama().embedding.embed({
      ...embedRequest(["Hi"], "nomic-embed-text"),
      inspect: recorder.record,
    });
    const exchanges = await recorder.settled(2);
    expect(exchanges).toHaveLength(2);
    expectCaptured(exchanges[1], "/api/embed", embed);
  });

  it("does not hold a stream back: the first event arrives while the server keeps the response open", async () => {
    const ndjson = fixture("ollama-chat-stream-text.ndjson");
    const firstLine = ndjson.slice(0, ndjson.indexOf("\n") + 1);
    server.reply(ndjsonReply(firstLine, { hang: true }));
    const parts = ollama().chat.stream(chat())[Symbol.asyncIterator]();
    expect((await parts.next()).done).toBe(false);
    expect(recorder.exchanges).toHaveLength(0); // the response is still open
    await parts.return?.();
    const [exchange] = await recorder.settled(1);
    expect(exchange!.responseBody).toBe(firstLine);
    expect(exchange!.error).toMatch(/^cancelled|AbortError/);
  });

  it("gets an error response with its status and body", async () => {
    server.reply(jsonReply(404, fixture("ollama-error-404-chat-model.json")));
    await expect(ollama().chat.complete(chat())).rejects.toMatchObject({ status: 404 });
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ status: 404 });
    expect(exchanges[0]!.responseBody).toContain("not found");
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
  });

  it("is not called for a call without one", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
    await drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" })));
    expect(recorder.exchanges).toHaveLength(0);
  });
});

describe("openai transport: the call's inspector", () => {
  it("gets the stream's raw SSE text", async () => {
    const sse = fixture("ollama-openai-chat-stream-text.sse");
    server.reply(sseReply(sse));
    await drain(
      createOllama({ baseURL: server.url, apiKey: CANARY, transport: "openai" }).chat.stream(
        chat(),
      ),
    );
    const exchanges = await recorder.settled(1);
    expect(exchanges).toHaveLength(1);
    expectCaptured(exchanges[0], "/v1/chat/completions", sse);
  });
});
