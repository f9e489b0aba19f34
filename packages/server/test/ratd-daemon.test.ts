/**
 * The daemon's own duties: bearer token, loopback-only without one, the
 * concurrency limit, graceful close, the gRPC health check, HTTP/1.1 on the
 * same port (Connect JSON and the HTTP fallback), UNIMPLEMENTED for what the
 * gateway lacks. Every wait is for an event, never for time.
 */
import { request as httpRequest } from "node:http";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Capabilities, Message } from "@ratatoskr/core";
import {
  ChatEventDecoder,
  chatRequestToProto,
  ERROR_CODE_METADATA_KEY,
  Ratatoskr,
  Role,
} from "@ratatoskr/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../src/gen/grpc/health/v1/health_pb.ts";
import { type Ratd, type RatdOptions, type ServedGateway, startRatd } from "../src/index.ts";
import { createServedGateway } from "./support/served-provider.ts";

const running: Ratd[] = [];

async function start(options: Omit<RatdOptions, "gateway"> & { gateway?: ServedGateway } = {}) {
  const created = await createServedGateway();
  const ratd = await startRatd({ gateway: created.gateway, port: 0, ...options });
  running.push(ratd);
  const transport = createGrpcTransport({ baseUrl: ratd.url });
  return {
    ratd,
    served: created.served,
    client: createClient(Ratatoskr, transport),
    health: createClient(Health, transport),
  };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((ratd) => ratd.close({ graceMs: 0 })));
});

async function connectError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call succeeded; an error was expected");
}

const gatedRequest = () => chatRequestToProto([Message.user("hi")], { model: "mock:gated" });

/** Reads a stream until its first content, then hands back the rest of it. */
async function openStream(stream: AsyncIterable<{ event: { case?: string } }>) {
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error("the stream ended before any content");
    if (next.value.event.case === "content") break;
  }
  return iterator;
}

function http1(
  port: number,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port, path, method: "POST", headers },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

describe("bearer token", () => {
  it("refuses calls without it or with a wrong one as UNAUTHENTICATED, and serves the right one", async () => {
    const { client, health } = await start({ token: "s3cret-token" });
    const missing = await connectError(client.health({}));
    expect(missing.code).toBe(Code.Unauthenticated);
    expect(missing.metadata.get(ERROR_CODE_METADATA_KEY)).toBe("authentication");
    const wrong = await connectError(
      client.health({}, { headers: { authorization: "Bearer s3cret-tokem" } }),
    );
    expect(wrong.code).toBe(Code.Unauthenticated);
    const short = await connectError(client.health({}, { headers: { authorization: "Bearer s" } }));
    expect(short.code).toBe(Code.Unauthenticated);
    const ok = await client.health({}, { headers: { authorization: "Bearer s3cret-token" } });
    expect(ok.healthy).toBe(true);
    // The standard health check answers without a token (probes carry none).
    expect((await health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("guards the HTTP fallback too (401)", async () => {
    const { ratd } = await start({
      token: "s3cret-token",
      httpFallback: (_request, response) => {
        (response as import("node:http").ServerResponse).end("fallback");
      },
    });
    expect((await http1(ratd.port, "/v1/models", "", {})).status).toBe(401);
    const ok = await http1(ratd.port, "/v1/models", "", { authorization: "Bearer s3cret-token" });
    expect(ok).toEqual({ status: 200, body: "fallback" });
  });

  it("refuses to listen beyond loopback without a token, as a configuration error", async () => {
    const created = await createServedGateway();
    await expect(
      startRatd({ gateway: created.gateway, host: "0.0.0.0", port: 0 }),
    ).rejects.toMatchObject({ code: "configuration", details: { field: "token" } });
  });
});

describe("limits", () => {
  it("answers RESOURCE_EXHAUSTED beyond the concurrency limit, and serves again after", async () => {
    const { client, served } = await start({ maxConcurrentCalls: 1 });
    const arrived = served.nextGatedStream();
    const rest = await openStream(client.chatStream(gatedRequest()));
    const refused = await connectError(client.embed({ text: "x", model: "mock-1" }));
    expect(refused.code).toBe(Code.ResourceExhausted);
    expect(refused.metadata.get(ERROR_CODE_METADATA_KEY)).toBe("rate_limited");
    (await arrived).release();
    while (!(await rest.next()).done) {
      // drain
    }
    expect((await client.embed({ text: "x", model: "mock-1" })).values.length).toBeGreaterThan(0);
  });

  it("refuses a request larger than readMaxBytes", async () => {
    const { client } = await start({ readMaxBytes: 1024 });
    const error = await connectError(client.embed({ text: "x".repeat(4096), model: "mock-1" }));
    expect(error.code).toBe(Code.ResourceExhausted);
  });
});

describe("graceful close", () => {
  it("lets a stream in flight finish, then stops", async () => {
    const { ratd, client, served } = await start();
    const arrived = served.nextGatedStream();
    const decoder = new ChatEventDecoder();
    const iterator = await openStream(client.chatStream(gatedRequest()));
    const gated = await arrived;
    expect(ratd.inFlight).toBe(1);
    const closed = ratd.close({ graceMs: 600_000 });
    gated.release();
    const events = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      events.push(decoder.decode(next.value as never));
    }
    await closed;
    expect(gated.signal.aborted).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "stop" });
    expect(events).toContainEqual({ type: "content", text: " second" });
  });

  it("aborts calls still in flight when the grace period is over", async () => {
    const { ratd, client, served } = await start();
    const arrived = served.nextGatedStream();
    const iterator = await openStream(client.chatStream(gatedRequest()));
    const gated = await arrived;
    const rest = (async () => {
      while (!(await iterator.next()).done) {
        // drain
      }
    })();
    await ratd.close({ graceMs: 0 });
    await gated.aborted;
    expect(gated.signal.aborted).toBe(true);
    await expect(rest).rejects.toThrow();
  });
});

describe("health", () => {
  it("grpc.health.v1 is SERVING with a provider, NOT_FOUND for another service", async () => {
    const { health } = await start();
    expect((await health.check({ service: "" })).status).toBe(
      HealthCheckResponse_ServingStatus.SERVING,
    );
    expect((await health.check({ service: "ratatoskr.v1.Ratatoskr" })).status).toBe(
      HealthCheckResponse_ServingStatus.SERVING,
    );
    expect((await connectError(health.check({ service: "other.Service" }))).code).toBe(
      Code.NotFound,
    );
  });

  it("is NOT_SERVING (and Health unhealthy) without any provider; missing methods are UNIMPLEMENTED", async () => {
    const empty: ServedGateway = {
      capabilities: () => Capabilities.none(),
      chat: () => Promise.reject(new Error("unused")),
      chatStream: () => (async function* () {})(),
      generate: () => Promise.reject(new Error("unused")),
      generateStream: () => (async function* () {})(),
      embed: () => Promise.reject(new Error("unused")),
      embedBatch: () => Promise.reject(new Error("unused")),
      inferNli: () => Promise.reject(new Error("unused")),
      inferNliBatch: () => Promise.reject(new Error("unused")),
      classifyZeroShot: () => Promise.reject(new Error("unused")),
      classifyStance: () => Promise.reject(new Error("unused")),
      countTokens: () => Promise.reject(new Error("unused")),
    };
    const { client, health } = await start({ gateway: empty });
    expect((await health.check({})).status).toBe(HealthCheckResponse_ServingStatus.NOT_SERVING);
    expect(await client.health({})).toMatchObject({ healthy: false, providers: [] });
    for (const call of [
      client.tokenize({ text: "x", model: "m" }),
      client.listModels({}),
      client.modelStatus({ model: "m" }),
      client.getModelMetadata({ model: "m" }),
      client.fetchModelMetadata({ model: "m" }),
      client.resolvePreset({ tier: "budget", capability: "coding" }),
      client.listPresets({}),
      client.fitsContext({
        messages: [{ role: Role.USER, content: "hi" }],
        model: "m",
        contextWindow: 100,
      }),
      client.route({ capability: "chat", model: "m" }),
    ]) {
      const error = await connectError(call);
      expect(error.code).toBe(Code.Unimplemented);
      expect(error.metadata.get(ERROR_CODE_METADATA_KEY)).toBe("not_implemented");
    }
    // A gateway failing with a plain Error answers INTERNAL without its message.
    const internal = await connectError(client.embed({ text: "x", model: "m" }));
    expect(internal.code).toBe(Code.Internal);
    expect(internal.rawMessage).toBe("internal error");
  });
});

describe("HTTP/1.1 on the same port", () => {
  it("serves Connect JSON and hands other paths to the HTTP fallback", async () => {
    const { ratd } = await start({
      httpFallback: (request, response) => {
        (response as import("node:http").ServerResponse).end(`fallback ${request.url}`);
      },
    });
    const health = await http1(ratd.port, "/ratatoskr.v1.Ratatoskr/Health", "{}", {
      "content-type": "application/json",
    });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ healthy: true, providers: ["mock"] });
    expect(await http1(ratd.port, "/v1/chat/completions", "{}", {})).toEqual({
      status: 200,
      body: "fallback /v1/chat/completions",
    });
  });

  it("answers 404 for other paths without a fallback", async () => {
    const { ratd } = await start();
    expect((await http1(ratd.port, "/v1/models", "", {})).status).toBe(404);
  });
});
