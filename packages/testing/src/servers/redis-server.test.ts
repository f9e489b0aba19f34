import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { startRedisServer } from "./index.ts";

/** One inline PING over a raw socket: `+PONG`, or the connection error's code. */
function ping(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) {
        socket.destroy();
        resolve(reply.trim());
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe("startRedisServer", () => {
  const started: Array<{ stop(): Promise<void> }> = [];
  afterAll(async () => {
    await Promise.all(started.map((server) => server.stop()));
  });

  it("serves on loopback once started, refuses after kill, serves again on the same port after restart", async () => {
    const redis = await startRedisServer();
    started.push(redis);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await ping(redis.port)).toBe("+PONG");

    await redis.kill();
    expect(await ping(redis.port)).toBe("ECONNREFUSED");

    await redis.restart();
    expect(await ping(redis.port)).toBe("+PONG");

    await redis.stop();
    expect(await ping(redis.port)).toBe("ECONNREFUSED");
    await redis.stop();
  });

  it("runs several servers side by side on different ports", async () => {
    const [first, second] = await Promise.all([startRedisServer(), startRedisServer()]);
    started.push(first, second);
    expect(first.port).not.toBe(second.port);
    expect(await ping(first.port)).toBe("+PONG");
    expect(await ping(second.port)).toBe("+PONG");
  });

  it("names the apt-get command when the binary is missing", async () => {
    await expect(startRedisServer({ binary: "/nonexistent/redis-server" })).rejects.toThrow(
      /apt-get update && apt-get install -y --no-install-recommends redis-server/,
    );
  });

  it("reports a server that exits before it is ready, with its log", async () => {
    await expect(startRedisServer({ args: ["--no-such-option", "1"] })).rejects.toThrow(
      /exited before it was ready/,
    );
  });
});
