/**
 * Observability hooks: plain callbacks for request start, retry, fallback,
 * completion and error, enough to feed logs or metrics without patching the
 * library. Payloads hold no secret: errors arrive as an
 * {@link ErrorSummary} built from the already-redacted error, never the
 * error object with its `cause` (which may hold an SDK request).
 */
import { type Capability, RatatoskrError, redactSecrets, type Usage } from "@ratatoskr/core";

/** A redacted, serialisable description of an error. */
export interface ErrorSummary {
  code: RatatoskrError["code"];
  message: string;
  isRetryable: boolean;
  provider?: string;
  status?: number;
  retryAfterMs?: number;
  timeoutKind?: RatatoskrError["timeoutKind"];
}

/** Fields every hook event carries. */
export interface HookEventBase {
  /** Increasing id of the call within this gateway (correlates the events of one call). */
  callId: number;
  capability: Capability;
  /** The model string as the caller gave it. */
  model: string;
  /** Whether the call is a stream (`chatStream`, `generateStream`). */
  stream: boolean;
}

/** A call began (after input validation and routing). */
export interface RequestStartEvent extends HookEventBase {
  /** `Date.now()` at the start. */
  timestamp: number;
}

/** An attempt failed and will be retried after `waitMs`. */
export interface RetryEvent extends HookEventBase {
  provider: string;
  providerModel: string;
  /** The attempt that failed (1-based, per target). */
  attempt: number;
  /** Milliseconds the gateway waits before the next attempt. */
  waitMs: number;
  /** Where the wait came from: the server's retry-after, or backoff. */
  waitSource: "retry-after" | "backoff";
  reason: ErrorSummary;
  /** For a batch split into chunks: which chunk (0-based) is retried; `attempt` counts that chunk's attempts. */
  chunk?: number;
}

/** A target failed before delivering anything; the next one is tried. */
export interface FallbackEvent extends HookEventBase {
  from: { provider: string; model: string };
  to: { provider: string; model: string };
  reason: ErrorSummary;
}

/** A call completed. */
export interface CompleteEvent extends HookEventBase {
  provider: string;
  providerModel: string;
  /** Upstream attempts made across every target. */
  attempts: number;
  latencyMs: number;
  /** Streams: time until the first event reached the caller. */
  timeToFirstEventMs?: number;
  /** The answering attempt's usage; undefined when unknown (never zeros). */
  usage?: Usage;
}

/** A call failed (or was aborted). */
export interface ErrorEvent extends HookEventBase {
  /** The provider of the last attempt, when one was made. */
  provider?: string;
  attempts: number;
  latencyMs: number;
  error: ErrorSummary;
}

/** The hooks (builder `.hooks()`); each is optional. A hook that throws is ignored. */
export interface GatewayHooks {
  onRequestStart?(event: RequestStartEvent): void;
  onRetry?(event: RetryEvent): void;
  onFallback?(event: FallbackEvent): void;
  onComplete?(event: CompleteEvent): void;
  onError?(event: ErrorEvent): void;
}

/** Summarise an error for a hook payload (redacted, no cause, no headers). */
export function summarizeError(error: unknown): ErrorSummary {
  if (!RatatoskrError.isInstance(error)) {
    return {
      code: "provider",
      message: redactSecrets(error instanceof Error ? error.message : String(error)),
      isRetryable: false,
    };
  }
  const summary: ErrorSummary = {
    code: error.code,
    message: redactSecrets(error.message),
    isRetryable: error.isRetryable,
  };
  if (error.provider !== undefined) summary.provider = error.provider;
  if (error.status !== undefined) summary.status = error.status;
  if (error.retryAfterMs !== undefined) summary.retryAfterMs = error.retryAfterMs;
  if (error.timeoutKind !== undefined) summary.timeoutKind = error.timeoutKind;
  return summary;
}

/** Call a hook, swallowing whatever it throws (observability must not break calls). */
export function emitHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    hook(event);
  } catch {
    // A failing hook is the application's bug; the call goes on.
  }
}
