/**
 * A real `redis-server` for the instances to share state through (the
 * response cache, provider cool-downs): loopback, a free port, no
 * persistence. Ready when it answers `PING` with `+PONG`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { freePort } from "./haproxy.ts";

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  stop(): Promise<void>;
}

function findRedisServer(): string | undefined {
  const path = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin"];
  for (const directory of path) {
    if (directory !== "" && existsSync(join(directory, "redis-server"))) {
      return join(directory, "redis-server");
    }
  }
  return undefined;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (text: string) => {
      answer += text;
      if (answer.includes("\r\n")) {
        socket.destroy();
        resolve(answer.startsWith("+PONG"));
      }
    });
    socket.on("error", () => resolve(false));
  });
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Start redis-server on a free loopback port; resolves once it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (binary === undefined) {
    throw new Error(
      "redis-server is not installed: apt-get install -y --no-install-recommends redis-server (the package's test script does this on Debian as root)",
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
    if (await ping(port)) break;
    await pause(20);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
