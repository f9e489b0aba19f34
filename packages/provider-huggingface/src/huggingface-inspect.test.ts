import { inspect } from "node:util";
import { Message } from "@ratatoskr/core";
import {
  chatRequestFor,
  type ExchangeRecorder,
  exchangeRecorder,
  expectNoSecret,
  type LoopbackServer,
  startLoopbackServer,
  writeSse,
} from "@ratatoskr/testing";
import { drain } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EMBEDDING_MODEL, fixture } from "./huggingface-fixtures.test-helpers.ts";
import { createHuggingFace } from "./huggingface-provider.ts";

/** Token-shaped, built at run time (no token literal in the source). */
const CANARY = ["hf", "InspectCanary0123456789abcdef"].join("_");
const EMBEDDING = fixture("feature-extraction-single.json");
const SSE = fixture("hf-router-chat-stream-text.sse");
const RATE_LIMITED = fixture("error-429.json");

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((request, response, body) => {
    if (request.url?.endsWith("/chat/completions")) {
      writeSse(response, [SSE]);
    } else if (body.includes("rate me")) {
      response.writeHead(429, { "content-type": "application/json" });
      response.end(RATE_LIMITED);
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(EMBEDDING);
    }
  });
});
afterAll(() => server.close());

let recorder: ExchangeRecorder;
beforeEach(() => {
  recorder = exchangeRecorder();
});
const provider = () =>
  createHuggingFace({
    apiKey: CANARY,
    baseURL: `${server.url}/hf-inference`,
    chatBaseURL: `${server.url}/v1`,
  });
const embed = (text: string) =>
  provider().embedding.embed({
    model: EMBEDDING_MODEL,
    values: [text],
    providerOptions: {},
    signal: new AbortController().signal,
    inspect: recorder.record,
  });

/** No rendering of the exchanges holds the token, while the server did get it. */
function expectNoToken() {
  expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);
  expectNoSecret(undefined, CANARY, { hookEvents: recorder.exchanges });
  expect(inspect(recorder.exchanges, { depth: null })).not.toContain(CANARY);
}

describe("the call's inspector", () => {
  it("gets a task exchange: the body as the server received it, the answer as sent, no token", async () => {
    await embed("Hi");
    const [exchange] = await recorder.settled(1);
    expect(recorder.exchanges).toHaveLength(1);
    expect(exchange).toMatchObject({
      method: "POST",
      requestBody: server.requests.at(-1)!.body,
      status: 200,
      responseBody: EMBEDDING,
      truncated: false,
    });
    expect(exchange!.url).toMatch(new RegExp(`^${server.url}/hf-inference/models/`));
    expect(exchange!.requestHeaders.authorization).toBe("[REDACTED]");
    expectNoToken();
  });

  it("gets an error response with its status and body", async () => {
    await expect(embed("rate me")).rejects.toMatchObject({ code: "rate_limited" });
    const [exchange] = await recorder.settled(1);
    expect(exchange).toMatchObject({ status: 429 });
    expect(exchange!.responseBody.length).toBeGreaterThan(0);
    expectNoToken();
  });

  it("gets the chat stream's raw SSE text (through the OpenAI-compatible router)", async () => {
    await drain(
      provider().chat!.stream({
        ...chatRequestFor([Message.user("Hi")], { model: "meta-llama/Llama-3.1-8B-Instruct" }),
        inspect: recorder.record,
      }),
    );
    const [exchange] = await recorder.settled(1);
    expect(exchange).toMatchObject({
      url: `${server.url}/v1/chat/completions`,
      requestBody: server.requests.at(-1)!.body,
      responseBody: SSE,
    });
    expectNoToken();
  });

  it("redacts a key carried in the URL's query (an endpoint URL with one)", async () => {
    const endpoint = createHuggingFace({
      apiKey: CANARY,
      endpointUrl: `${server.url}/endpoint?api_key=${CANARY}`,
    });
    await endpoint.embedding.embed({
      model: EMBEDDING_MODEL,
      values: ["Hi"],
      providerOptions: {},
      signal: new AbortController().signal,
      inspect: recorder.record,
    });
    const [exchange] = await recorder.settled(1);
    expect(server.requests.at(-1)!.url).toContain(`api_key=${CANARY}`);
    expect(exchange!.url).toContain("api_key=[REDACTED]");
    expectNoToken();
  });
});
