/**
 * A real `ratd` child process, run from the server package's TypeScript
 * sources (as `packages/server/test/ratd-cli.test.ts` spawns it), with a
 * TOML configuration and a mode-0600 `secrets.toml` in a temporary
 * directory. Ready when it prints `listening on`; `kill()` sends SIGKILL;
 * `restart()` starts it again on the same port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);

/** The `ratd` bin's source file in `@ratatoskr/server`. */
export const RATD_BIN_SOURCE = join(
  dirname(require.resolve("@ratatoskr/server/package.json")),
  "src/bin/ratd.ts",
);

/** What each instance is configured with. */
export interface RatdInstanceOptions {
  /** The instance's name: the first path segment of its providers' `base_url`. */
  readonly name: string;
  /** The mock upstream (`http://127.0.0.1:<port>`). */
  readonly upstreamUrl: string;
  /** The bearer token clients send (written to secrets.toml `[server].token`). */
  readonly token: string;
  /** The OpenAI key ratd sends upstream (secrets.toml `[openai].api_key`). */
  readonly upstreamKey: string;
  /**
   * Extra TOML appended to the configuration: where the integrator switches
   * on shared state (a Redis cache, shared cool-downs) for every instance.
   */
  readonly extraToml?: string;
}

/** The configuration file of one instance (port 0 on first start: the OS picks). */
export function ratdConfigToml(options: RatdInstanceOptions, port: number): string {
  const base = `${options.upstreamUrl}/${options.name}`;
  return `# scale-out test instance ${options.name}
[server]
address = "127.0.0.1:${port}"

[limits]
max_concurrent_requests = 400
request_timeout_secs = 0
shutdown_grace_secs = 1

[providers.openai]
default_model = "gpt-4o-mini"
base_url = "${base}/v1"

[providers.ollama]
base_url = "${base}"

[routing]
chat = "openai"
embed = "ollama"
parameter_validation = "ignore"
${options.extraToml ?? ""}`;
}

/** A running (or killed) ratd child process. */
export interface RatdProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>`, fixed after the first start. */
  readonly url: string;
  readonly port: number;
  /** Whether the process is running. */
  running(): boolean;
  /** SIGKILL it; resolves once it exited. */
  kill(): Promise<void>;
  /** Start it again on the same port; resolves once it listens. */
  restart(): Promise<void>;
  /** SIGTERM it (SIGKILL if it does not exit) and remove its files. */
  stop(): Promise<void>;
}

function spawnRatd(configFile: string, port: number | undefined) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--conditions=@ratatoskr/source",
      // The generated protocol code has TypeScript enums, beyond type stripping.
      "--experimental-transform-types",
      "--no-warnings",
      RATD_BIN_SOURCE,
      "--config",
      configFile,
      ...(port === undefined ? [] : ["--port", String(port)]),
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: "production" } },
  );
  const errors: string[] = [];
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    errors.push(text);
    if (errors.length > 50) errors.shift();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const listening = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`ratd exited (${code ?? signal}) before listening: ${errors.join("")}`)),
    );
  });
  return { child, exited, listening };
}

/** Write the instance's files and start it; resolves once it listens. */
export async function startRatd(options: RatdInstanceOptions): Promise<RatdProcess> {
  const directory = await mkdtemp(join(tmpdir(), `ratd-${options.name}-`));
  const configFile = join(directory, "config.toml");
  const secretsFile = join(directory, "secrets.toml");
  await writeFile(configFile, ratdConfigToml(options, 0));
  await writeFile(
    secretsFile,
    `[openai]\napi_key = ${JSON.stringify(options.upstreamKey)}\n\n[server]\ntoken = ${JSON.stringify(options.token)}\n`,
    { mode: 0o600 },
  );
  await chmod(secretsFile, 0o600);
  let current = spawnRatd(configFile, undefined);
  const url = (await current.listening).replace(/\/$/, "");
  const port = Number(new URL(url).port);
  return {
    name: options.name,
    url,
    port,
    running: () => current.child.exitCode === null && current.child.signalCode === null,
    async kill() {
      if (current.child.exitCode === null && current.child.signalCode === null) {
        current.child.kill("SIGKILL");
      }
      await current.exited;
    },
    async restart() {
      current = spawnRatd(configFile, port);
      await current.listening;
    },
    async stop() {
      if (current.child.exitCode === null && current.child.signalCode === null) {
        current.child.kill("SIGTERM");
        const killer = setTimeout(() => current.child.kill("SIGKILL"), 10_000);
        await current.exited;
        clearTimeout(killer);
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
