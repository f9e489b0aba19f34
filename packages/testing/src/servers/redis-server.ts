/**
 * A real `redis-server` for tests: on a free loopback port, without
 * persistence, in a temporary directory, ready when the server itself says
 * so (its "Ready to accept connections" log line), never after a fixed
 * sleep. Every server started here is killed when the test process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A running `redis-server`. */
export interface RedisTestServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The loopback port it listens on (kept across {@link RedisTestServer.restart}). */
  readonly port: number;
  /** Stop it (SIGTERM, then wait for the exit) and remove its directory. Idempotent. */
  stop(): Promise<void>;
  /** Kill it at once (SIGKILL), as a crash would, and wait for the exit. Its directory is kept for `restart()`. */
  kill(): Promise<void>;
  /** Start it again on the same port (after `kill()` or `stop()`); resolves once it accepts connections. */
  restart(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface StartRedisServerOptions {
  /** The binary (default: `redis-server` on PATH, `/usr/bin` or `/usr/sbin`). */
  binary?: string;
  /** Extra `redis-server` arguments (e.g. `["--requirepass", secret]`). */
  args?: readonly string[];
}

const INSTALL_HINT =
  "apt-get update && apt-get install -y --no-install-recommends redis-server (Debian/Ubuntu)";

/** Every child still running, killed on the test process's exit. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

function findBinary(binary: string | undefined): string {
  if (binary !== undefined) {
    if (existsSync(binary)) return binary;
    throw new Error(`redis-server not found at ${binary}; install it: ${INSTALL_HINT}`);
  }
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/sbin"];
  for (const dir of dirs) {
    if (dir !== "" && existsSync(join(dir, "redis-server"))) return join(dir, "redis-server");
  }
  throw new Error(`redis-server is not installed (not on PATH); install it: ${INSTALL_HINT}`);
}

/** A port the kernel hands out as free on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const READY = /Ready to accept connections/;

/** Spawn the server; resolves with the child once its log says it is ready. */
function spawnServer(binary: string, port: number, dir: string, args: readonly string[]) {
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      running.delete(child);
      resolve();
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    let log = "";
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString("utf8")).slice(-8192);
      if (READY.test(log)) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      log = (log + chunk.toString("utf8")).slice(-8192);
    });
    child.once("error", (error) =>
      reject(new Error(`redis-server failed to start: ${error.message}`)),
    );
    child.once("exit", (code, signal) =>
      reject(new Error(`redis-server exited before it was ready (${signal ?? code}):\n${log}`)),
    );
  });
  return { child, exited, ready };
}

/**
 * Start a real `redis-server` for a test file; `stop()` it in `afterAll`.
 * Throws (with the `apt-get` command) when the binary is not installed.
 *
 * ```ts
 * const redis = await startRedisServer();
 * afterAll(() => redis.stop());
 * ```
 */
export async function startRedisServer(
  options: StartRedisServerOptions = {},
): Promise<RedisTestServer> {
  const binary = findBinary(options.binary);
  killAllOnExit();
  const dir = mkdtempSync(join(tmpdir(), "ratatoskr-redis-"));
  const port = await freePort();
  const args = options.args ?? [];
  let current: ReturnType<typeof spawnServer> | undefined;

  const start = async () => {
    mkdirSync(dir, { recursive: true });
    const started = spawnServer(binary, port, dir, args);
    current = started;
    await started.ready;
  };
  const halt = async (signal: NodeJS.Signals) => {
    const started = current;
    current = undefined;
    if (started === undefined) return;
    if (started.child.exitCode === null && started.child.signalCode === null) {
      started.child.kill(signal);
    }
    await started.exited;
  };

  try {
    await start();
  } catch (error) {
    await halt("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await halt("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => halt("SIGKILL"),
    async restart() {
      await halt("SIGKILL");
      await start();
    },
  };
}
