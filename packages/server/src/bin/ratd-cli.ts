/**
 * The `ratd` command line: flags → daemon options, the gateway it serves
 * (every configured first-party provider, or the mock provider with
 * `--mock`), the TOML configuration (`--config`, else
 * `~/.ratatoskr/config.toml`, else `/etc/ratatoskr/config.toml`; flags win
 * over it), `--check-config`, the OpenAI-compatible HTTP API on the same
 * port, and graceful shutdown on SIGTERM / SIGINT.
 */
import { parseArgs } from "node:util";
import type { ProviderV1 } from "@ratatoskr/core";
import { RatatoskrError } from "@ratatoskr/core";
import {
  type Gateway,
  type GatewayHooks,
  loadConfiguredProviders,
  Ratatoskr,
} from "@ratatoskr/gateway";
import { summarizeConfig } from "../config/check-config.ts";
import { gatewayFromConfig } from "../config/gateway-from-config.ts";
import { loadRatdConfig } from "../config/load-ratd-config.ts";
import type { RatdConfig } from "../config/ratd-config.ts";
import {
  checkRatdOptions,
  DEFAULT_GRACE_MS,
  type Ratd,
  type RatdOptions,
  startRatd,
} from "../daemon/start-ratd.ts";
import { withoutStreamTotalDeadline } from "../daemon/stream-deadlines.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../defaults.ts";
import { createOpenAIHttpHandler } from "../openai-http/index.ts";
import { startRatdTelemetry } from "../telemetry/ratd-telemetry.ts";

/** What the flags ask for. */
export interface RatdCommand {
  /** Print the usage and exit. */
  help: boolean;
  /** Check the options and the providers, print the report, and exit (0: servable). */
  checkConfig: boolean;
  /** Serve the mock provider of `@ratatoskr/testing` (demos and tests) instead of the configured ones. */
  mock: boolean;
  /** How long a shutdown lets calls in flight finish, in ms. */
  graceMs: number;
  /** `--config <file>`: the configuration file (else the default locations). */
  configPath?: string;
  /** The flags given, as daemon options (defaults and the configuration file fill the rest). */
  options: Omit<RatdOptions, "gateway">;
  /** `--grace-ms` when given (else the configuration's, else the default). */
  graceFlag?: number;
}

/** `ratd --help`. */
export const RATD_USAGE = `Usage: ratd [options]

Serves one Ratatoskr gateway over ratatoskr.v1 gRPC (gRPC, gRPC-Web, Connect)
and HTTP on one port.

Options:
  --config <file>           the TOML configuration (default ~/.ratatoskr/config.toml,
                            then /etc/ratatoskr/config.toml; flags win over it)
  --host <host>             listen address (default ${DEFAULT_HOST}; anything but
                            loopback needs a token)
  --port <port>             port (default ${DEFAULT_PORT}; 0: a free port)
  --token <token>           bearer token every call must carry (or RATATOSKR_TOKEN)
  --tls-cert <file>         serve TLS with this PEM certificate chain (with --tls-key)
  --tls-key <file>          the PEM private key
  --max-concurrent <n>      most calls served at once (default 256)
  --max-concurrent-per-client <n>
                            most calls served at once for one client (peer
                            address); more get RESOURCE_EXHAUSTED / 429 with
                            retry-after (default: only the global limit)
  --read-max-bytes <n>      largest request message (default 16 MiB)
  --grace-ms <ms>           how long SIGTERM lets calls finish (default ${DEFAULT_GRACE_MS})
  --mock                    serve the mock provider (@ratatoskr/testing), for demos
  --check-config            check options and providers, print the report, exit
  -h, --help                this help

Providers come from the configuration's [providers.*] tables (keys from
secrets.toml beside it, mode 0600 or 0400, else the environment); without a
configuration file, from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY,
...), as loadConfiguredProviders(process.env) reads it. The OpenAI-compatible
HTTP API (/v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models)
is served on the same port, and Prometheus metrics on /metrics (the
configuration's [telemetry] section; OTLP traces too).
`;

function configurationError(message: string, field: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message, details: { field } });
}

function integerFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw configurationError(
      `${flag} must be a non-negative integer, got "${value.slice(0, 40)}"`,
      flag,
    );
  }
  return Number(value);
}

/**
 * Read `ratd`'s flags (and `RATATOSKR_TOKEN` from `env`; `--token` wins).
 * A bad flag is a `configuration` error naming it.
 */
export function parseRatdArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): RatdCommand {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw configurationError((error as Error).message, "argv");
  }
  const token = values.token ?? (env.RATATOSKR_TOKEN === "" ? undefined : env.RATATOSKR_TOKEN);
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined)) {
    throw configurationError("--tls-cert and --tls-key go together", "--tls-cert");
  }
  const options: Omit<RatdOptions, "gateway"> = {};
  if (values.host !== undefined) options.host = values.host;
  const port = integerFlag(values.port, "--port");
  if (port !== undefined) options.port = port;
  if (token !== undefined) options.token = token;
  if (values["tls-cert"] !== undefined && values["tls-key"] !== undefined) {
    options.tls = { certFile: values["tls-cert"], keyFile: values["tls-key"] };
  }
  const maxConcurrent = integerFlag(values["max-concurrent"], "--max-concurrent");
  if (maxConcurrent !== undefined) options.maxConcurrentCalls = maxConcurrent;
  const perClient = integerFlag(values["max-concurrent-per-client"], "--max-concurrent-per-client");
  if (perClient !== undefined) options.maxConcurrentCallsPerClient = perClient;
  const readMaxBytes = integerFlag(values["read-max-bytes"], "--read-max-bytes");
  if (readMaxBytes !== undefined) options.readMaxBytes = readMaxBytes;
  const graceFlag = integerFlag(values["grace-ms"], "--grace-ms");
  return {
    help: values.help ?? false,
    checkConfig: values["check-config"] ?? false,
    mock: values.mock ?? false,
    graceMs: graceFlag ?? DEFAULT_GRACE_MS,
    ...(graceFlag === undefined ? {} : { graceFlag }),
    ...(values.config === undefined ? {} : { configPath: values.config }),
    options,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      token: { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "max-concurrent": { type: "string" },
      "max-concurrent-per-client": { type: "string" },
      "read-max-bytes": { type: "string" },
      "grace-ms": { type: "string" },
      mock: { type: "boolean" },
      "check-config": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** Where `ratd` writes. */
export interface RatdOutput {
  /** Standard output: the usage text, the configuration check's verdict, the listening URL. */
  out(line: string): void;
  /** Standard error: diagnostics (the configuration summary, provider states, shutdown). */
  err(line: string): void;
}

/** A gateway `ratd` builds, and how to release it. */
interface BuiltGateway {
  gateway: Gateway;
  dispose(): Promise<void>;
}

async function mockProvider(): Promise<ProviderV1> {
  try {
    const testing = (await import("@ratatoskr/testing")) as typeof import("@ratatoskr/testing");
    return testing.createMockProvider();
  } catch {
    throw configurationError(
      "--mock needs the @ratatoskr/testing package: install it beside @ratatoskr/server",
      "--mock",
    );
  }
}

async function buildGateway(
  command: RatdCommand,
  config: RatdConfig,
  env: Readonly<Record<string, string | undefined>>,
  output: RatdOutput,
  hooks: GatewayHooks | undefined,
): Promise<BuiltGateway> {
  let gateway: Gateway;
  const withHooks = <B extends { hooks(hooks: GatewayHooks): B }>(builder: B): B =>
    hooks === undefined ? builder : builder.hooks(hooks);
  if (command.mock) {
    gateway = await withHooks(Ratatoskr.builder().use(await mockProvider())).build();
    output.err("ratd: serving the mock provider (--mock)");
  } else if (config.source === "file") {
    gateway = await gatewayFromConfig(config, { configure: (builder) => withHooks(builder) });
    output.err(`ratd: ${summarizeConfig(config).split("\n").join("\nratd: ")}`);
  } else {
    const builder = Ratatoskr.builder();
    const { providers, report } = await loadConfiguredProviders(env);
    for (const entry of report) output.err(`ratd: ${entry.id}: ${entry.state} (${entry.detail})`);
    for (const loaded of providers) builder.use(loaded);
    gateway = await withHooks(builder).build();
  }
  return { gateway, dispose: () => gateway.dispose() };
}

/**
 * The daemon's options: the flags given, over the configuration file's
 * `[server]` and `[limits]` (when a file was read), over the defaults.
 */
export function resolveRatdOptions(
  command: RatdCommand,
  config: RatdConfig,
): { options: Omit<RatdOptions, "gateway">; graceMs: number } {
  const fromFile = config.source === "file";
  const options: Omit<RatdOptions, "gateway"> = {
    host: command.options.host ?? (fromFile ? config.server.host : DEFAULT_HOST),
    port: command.options.port ?? (fromFile ? config.server.port : DEFAULT_PORT),
  };
  const token = command.options.token ?? config.server.token?.reveal();
  if (token !== undefined) options.token = token;
  const tls = command.options.tls ?? config.server.tls;
  if (tls !== undefined) options.tls = { ...tls };
  const maxConcurrent =
    command.options.maxConcurrentCalls ??
    (fromFile ? config.limits.maxConcurrentRequests : undefined);
  if (maxConcurrent !== undefined) options.maxConcurrentCalls = maxConcurrent;
  const perClient =
    command.options.maxConcurrentCallsPerClient ??
    (fromFile ? config.limits.maxConcurrentRequestsPerClient : undefined);
  if (perClient !== undefined) options.maxConcurrentCallsPerClient = perClient;
  const readMaxBytes =
    command.options.readMaxBytes ?? (fromFile ? config.limits.maxMessageBytes : undefined);
  if (readMaxBytes !== undefined) options.readMaxBytes = readMaxBytes;
  const graceMs =
    command.graceFlag ?? (fromFile ? config.limits.shutdownGraceSeconds * 1000 : DEFAULT_GRACE_MS);
  return { options, graceMs };
}

/**
 * The OpenAI-compatible API on the daemon's port, under the configuration's
 * body limit (its requests count against the daemon's concurrency limits,
 * global and per client, with the RPCs).
 */
function openAIFallback(gateway: Gateway, config: RatdConfig): RatdOptions["httpFallback"] {
  const fromFile = config.source === "file";
  return createOpenAIHttpHandler(gateway, {
    ...(fromFile ? { maxBodyBytes: config.limits.maxRequestBytes } : {}),
  });
}

/** A started `ratd`, and how to stop it as SIGTERM does. */
export interface RunningRatd {
  readonly ratd: Ratd;
  /** Close gracefully (`graceMs` of the flags), then release the gateway's providers. */
  stop(): Promise<void>;
}

/**
 * Run `ratd` with `argv`: print the usage, check the configuration, or
 * start the daemon. Resolves with the exit code (help, check) or the
 * running daemon; rejects with a typed error for a bad configuration.
 */
export async function runRatd(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: RatdOutput,
): Promise<number | RunningRatd> {
  const command = parseRatdArgs(argv, env);
  if (command.help) {
    output.out(RATD_USAGE);
    return 0;
  }
  const config = await loadRatdConfig({
    ...(command.configPath === undefined ? {} : { path: command.configPath }),
    env,
    ...(env.HOME === undefined ? {} : { home: env.HOME }),
  });
  const { options, graceMs } = resolveRatdOptions(command, config);
  checkRatdOptions(options);
  const telemetry = await startRatdTelemetry(config.telemetry);
  let built: BuiltGateway;
  try {
    built = await buildGateway(command, config, env, output, telemetry.hooks);
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
  if (command.checkConfig) {
    await built.dispose();
    await telemetry.shutdown();
    output.out(
      config.source === "file"
        ? `ratd: configuration OK\n${summarizeConfig(config)}`
        : "ratd: configuration OK (no configuration file; providers from the environment)",
    );
    return 0;
  }
  let ratd: Ratd;
  try {
    // Streams are bounded by their first-event and idle deadlines, not by their length.
    const served = withoutStreamTotalDeadline(built.gateway);
    ratd = await startRatd({
      ...options,
      gateway: served,
      httpFallback: openAIFallback(served, config),
      ...(telemetry.metrics === undefined ? {} : { metrics: telemetry.metrics }),
    });
  } catch (error) {
    await built.dispose();
    await telemetry.shutdown();
    throw error;
  }
  output.out(
    `ratd: listening on ${ratd.url}${options.token === undefined ? "" : " (bearer token required)"}`,
  );
  return {
    ratd,
    stop: async () => {
      await ratd.close({ graceMs });
      await built.dispose();
      // After the calls finished: their spans are exported before the pipeline stops.
      await telemetry.shutdown();
    },
  };
}
