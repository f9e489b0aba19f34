import { request as httpRequest } from "node:http";
import { connect, createServer as createHttp2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ConcurrencyLimit } from "./concurrency-limit.ts";
import { createOpenAIHttpHandler } from "./index.ts";
import { serveMock } from "./openai-http.test-helpers.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("node:http2 compatibility API", () => {
  it("serves a chat completion and a stream over h2c", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider({ id: "mock" }))
      .build();
    const server = createHttp2Server(createOpenAIHttpHandler(gateway));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const session = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    cleanups.push(async () => {
      session.close();
      await new Promise((resolve) => server.close(resolve));
    });
    const post = (body: unknown): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": "/v1/chat/completions",
          "content-type": "application/json",
        });
        let status = 0;
        let text = "";
        stream.on("response", (headers) => {
          status = Number(headers[":status"]);
        });
        stream.setEncoding("utf8");
        stream.on("data", (piece: string) => {
          text += piece;
        });
        stream.on("end", () => resolve({ status, text }));
        stream.on("error", reject);
        stream.end(JSON.stringify(body));
      });
    const messages = [{ role: "user", content: "over h2" }];
    const complete = await post({ model: "mock:m", messages });
    expect(complete.status).toBe(200);
    expect(JSON.parse(complete.text).choices[0].message.content).toBe("mock: over h2");
    const streamed = await post({ model: "mock:m", messages, stream: true });
    expect(streamed.status).toBe(200);
    expect(streamed.text.endsWith("data: [DONE]\n\n")).toBe(true);
    const bad = await post({ model: "mock:m", messages: "nope" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.param).toBe("messages");
  });
});

describe("body size limit without content-length", () => {
  it("answers a chunked body that grows past the limit with 413", async () => {
    const { baseURL, mock } = await serveMock({ maxBodyBytes: 1000 });
    const url = new URL(`${baseURL}/chat/completions`);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(url, {
        method: "POST",
        headers: { "transfer-encoding": "chunked" },
      });
      request.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on("error", reject);
      request.write(`{"model":"mock:m","messages":[{"role":"user","content":"${"y".repeat(600)}`);
      request.write(`${"z".repeat(600)}"}]}`);
      request.end();
    });
    expect(status).toBe(413);
    expect(mock.calls).toHaveLength(0);
  });
});

describe("ConcurrencyLimit", () => {
  it("limits requests per client and in all, and gives places back once", () => {
    const limit = new ConcurrencyLimit({
      maxConcurrentRequests: 3,
      maxConcurrentRequestsPerClient: 2,
    });
    const a1 = limit.tryAcquire("a");
    const a2 = limit.tryAcquire("a");
    expect(limit.tryAcquire("a")).toBeUndefined();
    const b1 = limit.tryAcquire("b");
    expect(b1).toBeDefined();
    expect(limit.tryAcquire("c")).toBeUndefined();
    a1?.();
    a1?.(); // a second release changes nothing
    expect(limit.tryAcquire("c")).toBeDefined();
    expect(limit.tryAcquire("a")).toBeUndefined();
    a2?.();
    expect(limit.tryAcquire("a")).toBeDefined();
  });
});
