/**
 * The gateway's one retry layer (provider SDKs run with `maxRetries: 0`):
 * which failures are retried, how long to wait, and when to give up.
 *
 * Retried, as core's error-trait table says: connection errors, 429,
 * attempt/idle timeouts, and the errors whose code lets the error decide
 * when they carry 408, 409, 429 or 5xx or are marked `isRetryable`. The
 * wait is the server's `retry-after-ms`, then `retry-after` (seconds or HTTP date) as parsed by
 * the provider into `error.retryAfterMs`, capped by `maxRetryAfterMs` (a
 * longer wait fails fast with the rate-limit error that carries it);
 * otherwise exponential backoff with jitter, as the vendors' official SDKs
 * do (0.5 s → 8 s, up to 25 % less); docs/reliability.md has the table.
 */
import {
  assertRetryOptions,
  errorTraits,
  type RatatoskrError,
  type RetryOptions,
} from "@ratatoskr/core";
import { isRetryableStatus as isRetryableHttpStatus } from "@ratatoskr/provider-utils";
import { asConfiguration } from "./as-configuration.ts";

/** Retry settings (builder `.retry()` or per call `options.retry`); defined in core. */
export type { RetryOptions };

/** Settings after defaults are applied. */
export interface ResolvedRetry {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  jitter: number;
  maxRetryAfterMs: number;
  /**
   * Whether a failed attempt may be retried (default: the error code's retry
   * trait, docs/reliability.md).
   */
  shouldRetry: (error: RatatoskrError) => boolean;
}

/** Status codes worth retrying: 408, 409, 429 and 5xx (provider-utils' rule; undefined → no). */
export function isRetryableStatus(status: number | undefined): boolean {
  return status !== undefined && isRetryableHttpStatus(status);
}

/**
 * The default retry decision, read from core's error-trait table: codes
 * that are always retryable (connection errors, 429, attempt and idle
 * timeouts); codes the error decides (`isRetryable`, or a retryable HTTP
 * status); never an abort, a total timeout, bad input, authentication or a
 * context-length error.
 */
export function isRetryableError(error: RatatoskrError): boolean {
  const traits = errorTraits(error);
  if (traits.retryable) return true;
  return traits.retryableWhenMarked && (error.isRetryable || isRetryableStatus(error.status));
}

/** The defaults (documented in docs/reliability.md). */
export const DEFAULT_RETRY: Readonly<ResolvedRetry> = Object.freeze({
  maxAttempts: 3,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  multiplier: 2,
  jitter: 0.25,
  maxRetryAfterMs: 60_000,
  shouldRetry: isRetryableError,
});

/**
 * Merge `options` over `base`; `false` means one attempt. Throws a
 * `configuration` error on nonsense (builder settings); per-call options
 * are checked before, as `invalid_input` (core's `assertRetryOptions`).
 */
export function resolveRetry(
  options: RetryOptions | false | undefined,
  base: ResolvedRetry = DEFAULT_RETRY,
): ResolvedRetry {
  if (options !== undefined) asConfiguration(() => assertRetryOptions(options, "retry"));
  return mergeRetry(options, base);
}

/** Merge already-validated `options` over `base`; `false` means one attempt. */
export function mergeRetry(
  options: RetryOptions | false | undefined,
  base: ResolvedRetry,
): ResolvedRetry {
  if (options === undefined) return base;
  if (options === false) return { ...base, maxAttempts: 1 };
  const resolved: ResolvedRetry = { ...base };
  if (options.maxAttempts !== undefined) resolved.maxAttempts = options.maxAttempts;
  if (options.initialDelayMs !== undefined) resolved.initialDelayMs = options.initialDelayMs;
  if (options.maxDelayMs !== undefined) resolved.maxDelayMs = options.maxDelayMs;
  if (options.multiplier !== undefined) resolved.multiplier = options.multiplier;
  if (options.jitter !== undefined) resolved.jitter = options.jitter;
  if (options.maxRetryAfterMs !== undefined) resolved.maxRetryAfterMs = options.maxRetryAfterMs;
  if (options.shouldRetry !== undefined) resolved.shouldRetry = options.shouldRetry;
  return resolved;
}

/** Exponential backoff before retry number `retry` (1-based), with jitter. */
export function backoffDelay(
  retry: ResolvedRetry,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    retry.initialDelayMs * retry.multiplier ** Math.max(0, retryNumber - 1),
    retry.maxDelayMs,
  );
  return Math.round(base * (1 - retry.jitter * random()));
}

/** What to do after a failed attempt. */
export type RetryDecision =
  | { retry: true; waitMs: number; source: "retry-after" | "backoff" }
  | { retry: false; why: "not-retryable" | "attempts-exhausted" | "retry-after-too-long" };

/** Decide whether attempt number `attempt` (1-based), which failed with `error`, is retried. */
export function decideRetry(
  retry: ResolvedRetry,
  error: RatatoskrError,
  attempt: number,
  random: () => number = Math.random,
): RetryDecision {
  if (!retry.shouldRetry(error)) return { retry: false, why: "not-retryable" };
  if (attempt >= retry.maxAttempts) return { retry: false, why: "attempts-exhausted" };
  const told = error.retryAfterMs;
  if (told !== undefined && Number.isFinite(told) && told >= 0) {
    if (told > retry.maxRetryAfterMs) return { retry: false, why: "retry-after-too-long" };
    return { retry: true, waitMs: Math.ceil(told), source: "retry-after" };
  }
  return { retry: true, waitMs: backoffDelay(retry, attempt, random), source: "backoff" };
}
