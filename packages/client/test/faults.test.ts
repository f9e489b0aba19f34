/**
 * Transport faults: a daemon that is down is retried (bounded, with
 * backoff, on fake timers) and then a typed `network` error; a daemon that
 * comes back during the backoff answers the retried call; a daemon killed
 * mid-stream ends the stream with a typed error, never a completed stream.
 */
import { createServer, type Server, type Socket } from "node:net";
import { type ChatEvent, Message, RatatoskrError } from "@ratatoskr/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createServiceClient, type ServiceClient } from "../src/index.ts";
import { embeddedGateway } from "./support/gateways.ts";
import { type ServedService, serveGateway } from "./support/serve-gateway.ts";

const messages = [Message.user("Hello")];

/** A TCP server that accepts and at once closes every connection, counting them. */
async function refusingServer(): Promise<{
  server: Server;
  port: number;
  connections: () => number;
}> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, port: address.port, connections: () => connections };
}

/** Settle `promise` while advancing fake timers, step by step. */
async function settle<T>(promise: Promise<T>, stepMs: number): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => {});
  while (!settled) await vi.advanceTimersByTimeAsync(stepMs);
  return watched;
}

describe("transport faults", () => {
  let client: ServiceClient | undefined;
  let served: ServedService | undefined;

  afterEach(async () => {
    vi.useRealTimers();
    await client?.close();
    await served?.close();
    client = undefined;
    served = undefined;
  });

  it("a daemon that drops every connection: retried `retries` times with backoff, then typed", async () => {
    const refusing = await refusingServer();
    try {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      client = createServiceClient(`http://127.0.0.1:${refusing.port}`, {
        retry: { retries: 3, initialDelayMs: 1000, maxDelayMs: 4000 },
      });
      const error = await settle(
        client.chat(messages, { model: "mock-1" }).then(
          () => undefined,
          (thrown: unknown) => thrown,
        ),
        250,
      );
      expect(RatatoskrError.isInstance(error)).toBe(true);
      expect((error as RatatoskrError).code).toBe("network");
      expect(refusing.connections()).toBe(4);
    } finally {
      refusing.server.close();
    }
  });

  it("retry: false makes one attempt only", async () => {
    const refusing = await refusingServer();
    try {
      client = createServiceClient(`http://127.0.0.1:${refusing.port}`, { retry: false });
      await expect(client.embed("x", "mock-1")).rejects.toMatchObject({ code: "network" });
      expect(refusing.connections()).toBe(1);
    } finally {
      refusing.server.close();
    }
  });

  it("a stopped daemon that comes back during the backoff answers the retried call", async () => {
    const gateway = await embeddedGateway();
    const first = await serveGateway(gateway);
    await first.close();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    client = createServiceClient(first.url, {
      retry: { retries: 5, initialDelayMs: 1000, maxDelayMs: 1000 },
    });
    const answer = client.chat(messages, { model: "mock-1" });
    answer.catch(() => {});
    // The first attempt fails (connection refused) before the daemon is back.
    await vi.advanceTimersByTimeAsync(0);
    served = await serveGateway(gateway, { port: first.port });
    const response = await settle(answer, 250);
    expect(response.content).toBe("mock: Hello");
  });

  it("a stopped daemon: the chat stream is retried before any event, then a typed error", async () => {
    const gateway = await embeddedGateway();
    const stopped = await serveGateway(gateway);
    await stopped.close();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    client = createServiceClient(stopped.url, { retry: { retries: 2, initialDelayMs: 500 } });
    const events: ChatEvent[] = [];
    const run = (async () => {
      for await (const event of client!.chatStream(messages, { model: "mock-1" }))
        events.push(event);
    })();
    const error = await settle(
      run.then(
        () => undefined,
        (thrown: unknown) => thrown,
      ),
      250,
    );
    expect(events).toEqual([]);
    expect((error as RatatoskrError).code).toBe("network");
  });

  it("a daemon killed mid-stream: a typed error after the events, never a completed stream", async () => {
    const mock = (await import("./support/gateways.ts")).mockProvider();
    mock.enqueueStream({
      events: Array.from({ length: 1000 }, (_, index) => ({
        type: "content" as const,
        text: `part ${index} `,
      })),
      delayMs: 5,
    });
    served = await serveGateway(await embeddedGateway(mock));
    client = createServiceClient(served.url, { retry: { retries: 3, initialDelayMs: 1 } });
    const events: ChatEvent[] = [];
    let thrown: unknown;
    try {
      for await (const event of client.chatStream(messages, { model: "mock-1" })) {
        events.push(event);
        if (events.filter((seen) => seen.type === "content").length === 3) await served.close();
      }
    } catch (error) {
      thrown = error;
    }
    expect(RatatoskrError.isInstance(thrown)).toBe(true);
    expect((thrown as RatatoskrError).code).toBe("network");
    expect(events.some((event) => event.type === "done")).toBe(false);
    expect(events.filter((event) => event.type === "content").length).toBeGreaterThanOrEqual(3);
    // Not retried: the provider was called once.
    expect(mock.callsOf("chatStream")).toHaveLength(1);
  });
});
