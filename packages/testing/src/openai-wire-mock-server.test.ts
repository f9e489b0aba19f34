import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  jsonReply,
  type OpenAIWireMockServer,
  sseReply,
  startOpenAIWireMockServer,
} from "./openai-wire-mock-server.ts";
import { useOpenAIWireMockServer } from "./use-openai-wire-mock-server.ts";

const SSE = 'data: {"choices":[{"delta":{"content":"Hello"}}]}\n\ndata: [DONE]\n\n';

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("startOpenAIWireMockServer", () => {
  let server: OpenAIWireMockServer;
  beforeAll(async () => {
    server = await startOpenAIWireMockServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers with the scripted replies in order, then a 500 when none is left", async () => {
    server.reply(jsonReply(200, { id: "first" }), jsonReply(429, "{}", { "retry-after": "1" }));
    const first = await post(server.url, { model: "m", n: 1 });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id: "first" });
    const second = await post(server.url, { model: "m", n: 2 });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("1");
    await second.text();
    const unscripted = await post(server.url, { model: "m", n: 3 });
    expect(unscripted.status).toBe(500);
    expect(await unscripted.json()).toEqual({ error: { message: "mock: no scripted reply" } });
    expect(server.requests.map((request) => [request.method, request.path, request.body])).toEqual(
      [1, 2, 3].map((n) => ["POST", "/v1/chat/completions", { model: "m", n }]),
    );
    server.reset();
  });

  it("reset() drops queued replies and recorded requests", async () => {
    server.reply(jsonReply(200, { id: "stale" }));
    await (await post(server.url, { model: "m" })).text();
    server.reply(jsonReply(200, { id: "never sent" }));
    server.reset();
    expect(server.requests).toEqual([]);
    const response = await post(server.url, { model: "m" });
    expect(response.status).toBe(500);
    await response.text();
    expect(server.requests).toHaveLength(1);
    server.reset();
  });

  it("writes an SSE body byte for byte in pieces of chunkSize", async () => {
    server.reply(sseReply(SSE, { chunkSize: 4, delayMs: 5 }));
    const response = await post(server.url, { model: "m", stream: true });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const pieces: string[] = [];
    const decoder = new TextDecoder();
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read())
      pieces.push(decoder.decode(read.value, { stream: true }));
    expect(pieces.join("")).toBe(SSE);
    expect(pieces.length).toBeGreaterThan(1);
    server.reset();
  });

  it("records a client that closes before the reply ends", async () => {
    server.reply(sseReply(SSE, { hang: true }));
    const response = await post(server.url, { model: "m", stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
    server.reset();
  });
});

describe("useOpenAIWireMockServer", () => {
  const server = useOpenAIWireMockServer();

  it("serves the calling file's tests (a reply left queued here)", async () => {
    server.reply(jsonReply(200, { id: "used" }), jsonReply(200, { id: "left over" }));
    expect(await (await post(server.url, { model: "m" })).json()).toEqual({ id: "used" });
    expect(server.requests).toHaveLength(1);
  });

  it("is reset after each test: no leftover reply, no old request", async () => {
    expect(server.requests).toEqual([]);
    const response = await post(server.url, { model: "m" });
    expect(response.status).toBe(500);
    await response.text();
  });
});
