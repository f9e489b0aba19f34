/**
 * A real HAProxy in front of the `ratd` instances: HTTP mode, HTTP/2 on
 * both sides (`bind … proto h2` for clients speaking h2c with prior
 * knowledge, `server … proto h2` to each ratd), so each gRPC call (one
 * HTTP/2 stream) is balanced on its own rather than one client connection
 * pinned to one instance. Health checks call `grpc.health.v1.Health/Check`
 * (Connect's JSON form, which ratd serves on the same port, without a
 * token). A request whose instance is gone before answering is retried on
 * another (`retries`, `option redispatch`, `retry-on conn-failure
 * empty-response junk-response`), and a server is marked down at its first
 * refused connection (`observe layer4`), not only at the next health
 * check. Readiness is read from the runtime API (`show stat`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** One backend server. */
export interface HaproxyBackend {
  readonly name: string;
  readonly port: number;
}

/** The HAProxy configuration for `backends`, listening on `port`, runtime API at `socket`. */
export function haproxyConfig(port: number, backends: readonly HaproxyBackend[], socket: string) {
  const servers = backends
    .map(
      ({ name, port: backendPort }) =>
        `  server ${name} 127.0.0.1:${backendPort} proto h2 check inter 100ms fastinter 50ms downinter 100ms fall 1 rise 1 observe layer4 error-limit 1 on-error mark-down`,
    )
    .join("\n");
  return `global
  maxconn 4096
  stats socket ${socket} mode 600 level admin

defaults
  mode http
  # Connection set-up only; these bound nothing a test measures.
  timeout connect 30s
  timeout client 10m
  timeout server 10m
  timeout check 30s
  # A request whose server refused the connection or closed it without an
  # answer goes to another server: nothing was delivered, so it is safe.
  # (Each server line also has "observe layer4 ... on-error mark-down": the
  # first refused connection takes a dead server out of the rotation.)
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response junk-response

frontend ratd_grpc
  bind 127.0.0.1:${port} proto h2
  default_backend ratd

backend ratd
  balance roundrobin
  option httpchk
  http-check send meth POST uri /grpc.health.v1.Health/Check ver HTTP/1.1 hdr host localhost hdr content-type application/json body "{}"
  http-check expect rstring "\\"status\\":\\s*\\"SERVING\\""
${servers}
`;
}

/** Where the `haproxy` binary is, or undefined. */
export function findHaproxy(): string | undefined {
  const path = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin"];
  for (const directory of path) {
    if (directory !== "" && existsSync(join(directory, "haproxy"))) {
      return join(directory, "haproxy");
    }
  }
  return undefined;
}

/** A running HAProxy. */
export interface Haproxy {
  /** `http://127.0.0.1:<port>`: what clients dial. */
  readonly url: string;
  /** Send a runtime-API command, resolve with its answer. */
  command(line: string): Promise<string>;
  /** Each server's status (`UP`, `DOWN`, …) from `show stat`. */
  serverStatus(): Promise<Map<string, string>>;
  /** Resolves once every server named is `UP` (polls the runtime API). */
  waitUntilUp(names: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

function runtimeCommand(socket: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const connection = connect(socket);
    let answer = "";
    connection.setEncoding("utf8");
    connection.on("data", (text: string) => {
      answer += text;
    });
    connection.on("end", () => resolve(answer));
    connection.on("error", reject);
    connection.write(`${line}\n`);
  });
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Start HAProxy on `port` in front of `backends`; resolves once it answers on its runtime API. */
export async function startHaproxy(
  port: number,
  backends: readonly HaproxyBackend[],
): Promise<Haproxy> {
  const binary = findHaproxy();
  if (binary === undefined) {
    throw new Error(
      "haproxy is not installed: apt-get install -y --no-install-recommends haproxy (the package's test script does this on Debian as root)",
    );
  }
  const directory = await mkdtemp(join(tmpdir(), "ratd-haproxy-"));
  const socket = join(directory, "admin.sock");
  const configFile = join(directory, "haproxy.cfg");
  await writeFile(configFile, haproxyConfig(port, backends, socket));
  const child: ChildProcess = spawn(binary, ["-db", "-f", configFile], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const command = (line: string) => runtimeCommand(socket, line);

  // Ready once the runtime API answers (HAProxy binds its listeners first).
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    if (existsSync(socket)) {
      try {
        await command("show info");
        break;
      } catch {
        // not accepting yet
      }
    }
    await pause(20);
  }

  async function serverStatus(): Promise<Map<string, string>> {
    const csv = await command("show stat");
    const lines = csv.split("\n");
    const header = (lines[0] ?? "").replace(/^# /, "").split(",");
    const status = header.indexOf("status");
    const servers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const fields = line.split(",");
      if (fields[0] !== "ratd" || fields[1] === "BACKEND" || fields[1] === undefined) continue;
      servers.set(fields[1], fields[status] ?? "");
    }
    return servers;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    command,
    serverStatus,
    async waitUntilUp(names) {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
        const status = await serverStatus();
        if (names.every((name) => status.get(name) === "UP")) return;
        await pause(25);
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A free TCP port on 127.0.0.1 (the OS picks it; the listener is closed again). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}
