/**
 * Reliability settings of the gateway (builder) and of one call (options).
 * The per-call fields (`retry`, `attemptTimeout`, `idleTimeout`,
 * `fallbacks`) are declared on core's `CallOptions`, so code typed against
 * `ModelGateway` can pass them.
 */
import { assertMilliseconds, type CallOptions } from "@ratatoskr/core";
import { asConfiguration } from "./as-configuration.ts";

/** The three deadlines of a call, in ms (0 disables one). */
export interface TimeoutOptions {
  /** Overall deadline of the call, retries and fallbacks included. Default 120,000. */
  total?: number;
  /**
   * Per attempt: a stream must deliver its first event within it, a unary
   * attempt its whole answer. It aborts the attempt's signal (providers never
   * see a timeout), and the attempt may be retried. Default 60,000.
   */
  attempt?: number;
  /**
   * Streams: the longest silence between two events after the first.
   * Keep-alive comments are not events and do not reset it. Default 30,000.
   * It fires after at least this much silence and at most one watchdog tick
   * more (an eighth of it, between 1 ms and 1 s).
   */
  idle?: number;
}

/**
 * Throw a `configuration` error unless `value` is a number of ms from 0
 * (disabled) to core's `MAX_TIMEOUT_MS` (the longest timer a runtime keeps).
 */
export function assertTimeout(name: string, value: unknown): void {
  asConfiguration(() => assertMilliseconds(value, name));
}

/** Default deadlines (documented in docs/reliability.md). */
export const DEFAULT_TIMEOUTS: Readonly<Required<TimeoutOptions>> = Object.freeze({
  total: 120_000,
  attempt: 60_000,
  idle: 30_000,
});

/**
 * A fallback target: a model string as a call would take it, usually with a
 * `provider:` prefix naming a registered provider (`"acme:large-model"`).
 */
export type FallbackTarget = string;

/** Per-call reliability options (declared on core's `CallOptions`), accepted by every gateway method. */
export type ReliabilityCallOptions = Pick<
  CallOptions,
  "retry" | "attemptTimeout" | "idleTimeout" | "fallbacks"
>;

/** Core's options of any method plus the per-call reliability options. */
export type GatewayCallOptions<O extends CallOptions = CallOptions> = O & ReliabilityCallOptions;
