/**
 * What `runCli` talks to: the process's streams and environment
 * ({@link CliIo}) and the two ways to get a gateway ({@link CliDeps}), both
 * passed in so tests run the whole CLI in memory.
 */
import type { Capability, ModelGateway } from "@ratatoskr/core";
import type { PresetResolution } from "@ratatoskr/gateway";

/** A writable text sink (`process.stdout`, or a string buffer in tests). */
export interface CliWriter {
  /** Write `text` as is (no newline is added). */
  write(text: string): unknown;
}

/** The process around the CLI. */
export interface CliIo {
  /** Where answers go. */
  stdout: CliWriter;
  /** Where errors, warnings and progress go. */
  stderr: CliWriter;
  /** Read when `chat`/`generate` get no prompt arguments and stdin is piped. */
  stdin: AsyncIterable<string | Uint8Array>;
  /** Whether stdin is a terminal (then it is never read for a prompt). */
  stdinIsTTY?: boolean;
  /** The environment (`RATATOSKR_URL`, `RATATOSKR_TOKEN`, `NO_COLOR`, provider keys, …). */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (reasoning is then shown, dimmed unless `NO_COLOR`). */
  isTTY: boolean;
  /** Aborted on Ctrl-C: the in-flight call is cancelled and `rat` exits 130. */
  signal?: AbortSignal;
}

/**
 * The gateway the CLI drives: a `ModelGateway` with presets, plus what a
 * daemon client adds (`health`, `close`).
 */
export interface CliGateway extends ModelGateway {
  /**
   * The model and default parameters a `ratatoskr:<tier>/<capability>`
   * preset stands for (`rat presets <uri>`); `invalid_input` for an unknown one.
   */
  resolvePreset(uri: string): PresetResolution | Promise<PresetResolution>;
  /** Every preset the gateway knows (`rat presets`). */
  listPresets(): readonly PresetResolution[] | Promise<readonly PresetResolution[]>;
  /** The daemon's health (remote gateways). */
  health?(options?: { signal?: AbortSignal }): Promise<unknown>;
  /** How a call would be routed (the embedded gateway's decision, or the daemon's). */
  route?(capability: Capability, model: string): RouteExplanation | Promise<RouteExplanation>;
  /** Release connections (remote gateways). */
  close?(): unknown;
}

/** What `rat route` prints of a routing decision (a subset both gateways give). */
export interface RouteExplanation {
  /** The provider chosen, when one was. */
  readonly provider?: string;
  /** The model sent to it. */
  readonly providerModel?: string;
  /** One paragraph on why. */
  readonly explanation: string;
}

/** A gateway reached over the network (`@ratatoskr/client`'s `createServiceClient`). */
export type RemoteGateway = CliGateway;
/** An embedded gateway (`Ratatoskr.builder()` with the configured providers). */
export type LocalGateway = CliGateway;

/** Options of {@link CliDeps.createLocal}. */
export interface CreateLocalOptions {
  /** Use the mock provider instead of the configured ones (hidden `--mock` flag). */
  mock: boolean;
  /** Write a line to stderr (what the environment configures, what is missing). */
  notice?: (line: string) => void;
}

/** Options of {@link CliDeps.serve} (`rat serve`). */
export interface ServeOptions {
  /** The address to listen on (`--host`; default `127.0.0.1`). */
  host?: string;
  /** The port to listen on (`--port`; default 9741). */
  port?: number;
  /** The bearer token clients must send (`--token`). */
  token?: string;
  /** The environment `ratd` reads its configuration and providers from. */
  env: Readonly<Record<string, string | undefined>>;
  /** Serve the mock provider instead of the configured ones (`--mock`). */
  mock: boolean;
}

/** A running daemon. */
export interface RunningServer {
  /** Where it listens, when known (printed on start). */
  readonly url?: string;
  /** Stop the daemon (`rat serve` calls it when interrupted, Ctrl-C). */
  close(): Promise<unknown> | unknown;
}

/** How the CLI gets its gateway and starts `ratd`. */
export interface CliDeps {
  /** Connect to the daemon at `url` (`--url`), with its bearer `token` when given. */
  connectRemote(url: string, token: string | undefined): Promise<RemoteGateway>;
  /** Build the embedded gateway from the environment's providers (`--local`, or no `--url`). */
  createLocal(
    env: Readonly<Record<string, string | undefined>>,
    options: CreateLocalOptions,
  ): Promise<LocalGateway>;
  /** Start `ratd` (`rat serve`); default: `@ratatoskr/server`'s `runRatd` with these flags. */
  serve?(options: ServeOptions): Promise<RunningServer>;
}
