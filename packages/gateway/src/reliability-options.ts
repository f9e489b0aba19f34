/**
 * Reliability settings of the gateway (builder) and of one call (options).
 * Core's `CallOptions` carries `signal` and `timeout`; the per-call fields
 * here extend it structurally, so `gateway.chat(messages, { model, retry: false })`
 * type-checks against the {@link Gateway} class.
 */
import type { CallOptions } from "@ratatoskr/core";
import type { RetryOptions } from "./retry-policy.ts";

/** The three deadlines of a call, in ms (0 disables one). */
export interface TimeoutOptions {
  /** Overall deadline of the call, retries and fallbacks included. Default 120,000. */
  total?: number;
  /**
   * Per attempt: streams must deliver their first event within it; unary
   * calls pass it to the provider as its request timeout (the SDKs apply it
   * until the response headers). Default 60,000.
   */
  attempt?: number;
  /**
   * Streams: the longest silence between two events after the first.
   * Keep-alive comments are not events and do not reset it. Default 30,000.
   */
  idle?: number;
}

/** Default deadlines (documented in docs/reliability.md). */
export const DEFAULT_TIMEOUTS: Readonly<Required<TimeoutOptions>> = Object.freeze({
  total: 120_000,
  attempt: 60_000,
  idle: 30_000,
});

/**
 * A fallback target: a model string as a call would take it, usually with a
 * `provider:` prefix (`"ollama:llama3.2"`, `"openrouter:anthropic/claude-sonnet-4"`).
 */
export type FallbackTarget = string;

/** Per-call reliability options, accepted by every gateway method next to core's options. */
export interface ReliabilityCallOptions {
  /** Retry settings for this call, merged over the gateway's; `false`: one attempt per target. */
  retry?: RetryOptions | false;
  /** Attempt timeout for this call in ms (see {@link TimeoutOptions.attempt}). */
  attemptTimeout?: number;
  /** Idle timeout between stream events for this call in ms (see {@link TimeoutOptions.idle}). */
  idleTimeout?: number;
  /** Fallback targets for this call, replacing the gateway's for the capability; `false`: none. */
  fallbacks?: readonly FallbackTarget[] | false;
}

/** Core's options of any method plus the per-call reliability options. */
export type GatewayCallOptions<O extends CallOptions = CallOptions> = O & ReliabilityCallOptions;
