/**
 * The `ratd` command line: flags → daemon options, the gateway it serves
 * (every configured first-party provider, or the mock provider with
 * `--mock`), `--check-config`, and graceful shutdown on SIGTERM / SIGINT.
 *
 * TODO: a TOML configuration file (providers, presets, limits) comes later.
 */
import { parseArgs } from "node:util";
import type { ProviderV1 } from "@ratatoskr/core";
import { RatatoskrError } from "@ratatoskr/core";
import { loadConfiguredProviders, Ratatoskr } from "@ratatoskr/gateway";
import {
  checkRatdOptions,
  DEFAULT_GRACE_MS,
  type Ratd,
  type RatdOptions,
  startRatd,
} from "../daemon/start-ratd.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../defaults.ts";

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
  /** The daemon's options, without its gateway. */
  options: Omit<RatdOptions, "gateway">;
}

/** `ratd --help`. */
export const RATD_USAGE = `Usage: ratd [options]

Serves one Ratatoskr gateway over ratatoskr.v1 gRPC (gRPC, gRPC-Web, Connect)
and HTTP on one port.

Options:
  --host <host>             listen address (default ${DEFAULT_HOST}; anything but
                            loopback needs a token)
  --port <port>             port (default ${DEFAULT_PORT}; 0: a free port)
  --token <token>           bearer token every call must carry (or RATATOSKR_TOKEN)
  --tls-cert <file>         serve TLS with this PEM certificate chain (with --tls-key)
  --tls-key <file>          the PEM private key
  --max-concurrent <n>      most calls served at once (default 256)
  --read-max-bytes <n>      largest request message (default 16 MiB)
  --grace-ms <ms>           how long SIGTERM lets calls finish (default ${DEFAULT_GRACE_MS})
  --mock                    serve the mock provider (@ratatoskr/testing), for demos
  --check-config            check options and providers, print the report, exit
  -h, --help                this help

Providers come from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...),
as loadConfiguredProviders(process.env) reads it.
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
  const options: Omit<RatdOptions, "gateway"> = {
    host: values.host ?? DEFAULT_HOST,
    port: integerFlag(values.port, "--port") ?? DEFAULT_PORT,
  };
  if (token !== undefined) options.token = token;
  if (values["tls-cert"] !== undefined && values["tls-key"] !== undefined) {
    options.tls = { certFile: values["tls-cert"], keyFile: values["tls-key"] };
  }
  const maxConcurrent = integerFlag(values["max-concurrent"], "--max-concurrent");
  if (maxConcurrent !== undefined) options.maxConcurrentCalls = maxConcurrent;
  const readMaxBytes = integerFlag(values["read-max-bytes"], "--read-max-bytes");
  if (readMaxBytes !== undefined) options.readMaxBytes = readMaxBytes;
  return {
    help: values.help ?? false,
    checkConfig: values["check-config"] ?? false,
    mock: values.mock ?? false,
    graceMs: integerFlag(values["grace-ms"], "--grace-ms") ?? DEFAULT_GRACE_MS,
    options,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      token: { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "max-concurrent": { type: "string" },
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
  out(line: string): void;
  err(line: string): void;
}

/** A gateway `ratd` builds, and how to release it. */
interface BuiltGateway {
  gateway: RatdOptions["gateway"];
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
  env: Readonly<Record<string, string | undefined>>,
  output: RatdOutput,
): Promise<BuiltGateway> {
  const builder = Ratatoskr.builder();
  if (command.mock) {
    builder.use(await mockProvider());
    output.err("ratd: serving the mock provider (--mock)");
  } else {
    const { providers, report } = await loadConfiguredProviders(env);
    for (const entry of report) output.err(`ratd: ${entry.id}: ${entry.state} (${entry.detail})`);
    for (const loaded of providers) builder.use(loaded);
  }
  const gateway = await builder.build();
  return { gateway, dispose: () => gateway.dispose() };
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
  checkRatdOptions(command.options);
  const built = await buildGateway(command, env, output);
  if (command.checkConfig) {
    await built.dispose();
    output.out("ratd: configuration OK");
    return 0;
  }
  let ratd: Ratd;
  try {
    ratd = await startRatd({ ...command.options, gateway: built.gateway });
  } catch (error) {
    await built.dispose();
    throw error;
  }
  output.out(
    `ratd: listening on ${ratd.url}${command.options.token === undefined ? "" : " (bearer token required)"}`,
  );
  return {
    ratd,
    stop: async () => {
      await ratd.close({ graceMs: command.graceMs });
      await built.dispose();
    },
  };
}
