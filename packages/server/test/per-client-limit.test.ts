/**
 * The per-client concurrency limit: a client (its peer address; two
 * loopback addresses, 127.0.0.1 and 127.0.0.2, stand for two machines) over
 * its limit is refused at once with a retry-after, on gRPC
 * (`RESOURCE_EXHAUSTED`, `retry-after` and Ratatoskr metadata) and on the
 * OpenAI HTTP API (429, `Retry-After`), while another client is still
 * served. gRPC calls and HTTP requests share one budget. Every wait is for
 * an event.
 */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Message } from "@ratatoskr/core";
import {
  chatRequestToProto,
  ERROR_CODE_METADATA_KEY,
  Ratatoskr,
  RETRY_AFTER_METADATA_KEY,
} from "@ratatoskr/protocol";
import { afterEach, describe, expect, it } from "vitest";
import {
  checkRatdOptions,
  createOpenAIHttpHandler,
  type Ratd,
  type RatdOptions,
  startRatd,
} from "../src/index.ts";
import { createServedGateway } from "./support/served-provider.ts";

const running: Ratd[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((ratd) => ratd.close({ graceMs: 0 })));
});

async function start(options: Omit<RatdOptions, "gateway">) {
  const { gateway, served } = await createServedGateway();
  const ratd = await startRatd({
    gateway,
    port: 0,
    httpFallback: createOpenAIHttpHandler(gateway),
    ...options,
  });
  running.push(ratd);
  /** A gRPC client connecting from `localAddress`. */
  const clientFrom = (localAddress: string) =>
    createClient(
      Ratatoskr,
      createGrpcTransport({
        baseUrl: ratd.url,
        nodeOptions: {
          createConnection: () => connect({ host: "127.0.0.1", port: ratd.port, localAddress }),
        },
      }),
    );
  return { ratd, served, clientFrom };
}

async function connectError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call succeeded; an error was expected");
}

/** Reads a stream until its first content, then hands back the rest of it. */
async function openStream(stream: AsyncIterable<{ event: { case?: string } }>) {
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error("the stream ended before any content");
    if (next.value.event.case === "content") return iterator;
  }
}

async function drain(iterator: AsyncIterator<unknown>): Promise<void> {
  while (!(await iterator.next()).done) {
    // drain
  }
}

const gatedRequest = () => chatRequestToProto([Message.user("hi")], { model: "mock:gated" });

/** A POST of the OpenAI chat API from `localAddress`. */
function chatOverHttp(
  port: number,
  localAddress: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const body = JSON.stringify({ model: "mock-1", messages: [{ role: "user", content: "hi" }] });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port,
        localAddress,
        path: "/v1/chat/completions",
        method: "POST",
        headers: { "content-type": "application/json" },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

describe("per-client concurrency limit", () => {
  it("gRPC: refuses the greedy client with retry-after, serves another client, then serves again", async () => {
    const { served, clientFrom } = await start({
      maxConcurrentCalls: 8,
      maxConcurrentCallsPerClient: 1,
      retryAfterSeconds: 3,
    });
    const greedy = clientFrom("127.0.0.1");
    const other = clientFrom("127.0.0.2");
    const arrived = served.nextGatedStream();
    const rest = await openStream(greedy.chatStream(gatedRequest()));

    const refused = await connectError(greedy.embed({ text: "x", model: "mock-1" }));
    expect(refused.code).toBe(Code.ResourceExhausted);
    expect(refused.metadata.get("retry-after")).toBe("3");
    expect(refused.metadata.get(RETRY_AFTER_METADATA_KEY)).toBe("3000");
    expect(refused.metadata.get(ERROR_CODE_METADATA_KEY)).toBe("rate_limited");

    // The other client is not starved by the greedy one.
    expect((await other.embed({ text: "x", model: "mock-1" })).values.length).toBeGreaterThan(0);

    (await arrived).release();
    await drain(rest);
    expect((await greedy.embed({ text: "x", model: "mock-1" })).values.length).toBeGreaterThan(0);
  });

  it("HTTP: 429 with Retry-After for the client over its limit (its gRPC stream counts), 200 for another", async () => {
    const { ratd, served, clientFrom } = await start({
      maxConcurrentCalls: 8,
      maxConcurrentCallsPerClient: 1,
      retryAfterSeconds: 2,
    });
    const arrived = served.nextGatedStream();
    const rest = await openStream(clientFrom("127.0.0.1").chatStream(gatedRequest()));

    const refused = await chatOverHttp(ratd.port, "127.0.0.1");
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("2");
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { type: "rate_limit_error", code: "rate_limited" },
    });

    const served2 = await chatOverHttp(ratd.port, "127.0.0.2");
    expect(served2.status).toBe(200);
    expect(JSON.parse(served2.body)).toMatchObject({ object: "chat.completion" });

    (await arrived).release();
    await drain(rest);
    expect((await chatOverHttp(ratd.port, "127.0.0.1")).status).toBe(200);
  });

  it("the global limit still applies to all clients together, with a retry-after", async () => {
    const { served, clientFrom } = await start({ maxConcurrentCalls: 1 });
    const arrived = served.nextGatedStream();
    const rest = await openStream(clientFrom("127.0.0.1").chatStream(gatedRequest()));
    const refused = await connectError(
      clientFrom("127.0.0.2").embed({ text: "x", model: "mock-1" }),
    );
    expect(refused.code).toBe(Code.ResourceExhausted);
    expect(refused.metadata.get("retry-after")).toBe("1");
    (await arrived).release();
    await drain(rest);
  });

  it("options: a per-client limit above the global one, or not a positive integer, is a configuration error", () => {
    expect(() =>
      checkRatdOptions({ maxConcurrentCalls: 2, maxConcurrentCallsPerClient: 3 }),
    ).toThrow(
      expect.objectContaining({
        code: "configuration",
        details: { field: "maxConcurrentCallsPerClient" },
      }),
    );
    expect(() => checkRatdOptions({ maxConcurrentCallsPerClient: 0 })).toThrow(
      expect.objectContaining({ code: "configuration" }),
    );
    expect(() => checkRatdOptions({ retryAfterSeconds: 1.5 })).toThrow(
      expect.objectContaining({ details: { field: "retryAfterSeconds" } }),
    );
  });
});
