/**
 * Observability hooks: plain callbacks for request start, retry, fallback,
 * warnings, completion and error, enough to feed logs or metrics without patching the
 * library. Payloads hold no secret: errors arrive as an
 * {@link ErrorSummary} built from the already-redacted error, never the
 * error object with its `cause` (which may hold an SDK request).
 * `onProviderExchange` (a debugging aid) is the one hook whose payload
 * holds prompts and completions; credentials are redacted there too.
 */
import {
  type Capability,
  type ProviderExchangeV1,
  RatatoskrError,
  redactSecrets,
  type Usage,
  type Warning,
} from "@ratatoskr/core";

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

/** The fields every event of a call carries, from its call context. */
export function hookBase(context: HookEventBase): HookEventBase {
  return {
    callId: context.callId,
    capability: context.capability,
    model: context.model,
    stream: context.stream,
  };
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

/**
 * The answering provider ignored or could not honour a setting, a tool or a
 * provider option (one event per warning). For embeddings, NLI,
 * classification and token counts this hook is the only place warnings
 * reach; chat and generation also carry them on the result and on `done`.
 */
export interface WarningEvent extends HookEventBase {
  provider: string;
  providerModel: string;
  warning: Warning;
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

/**
 * The response cache (builder `.cache()`) was consulted for a call, once
 * per call (a batch reports its entries together). Emitted before any
 * upstream request for the misses.
 */
export interface CacheLookupEvent extends HookEventBase {
  /** The provider and model the cache key was built for. */
  provider: string;
  providerModel: string;
  /** The store's name (`"memory"`, `"redis"`, …). */
  store: string;
  /** Entries found (a batch counts each text or pair). */
  hits: number;
  /** Entries not found; these go upstream. */
  misses: number;
  /** The store failed: every entry counted as a miss and the call went upstream. */
  error?: ErrorSummary;
}

/**
 * One HTTP exchange between a provider and its upstream ({@link
 * GatewayHooks.onProviderExchange}): the request as sent and the response as
 * the provider read it, credentials redacted. One event per HTTP request, so
 * a retried attempt is a second event with the same `callId`.
 */
export interface ProviderExchangeEvent extends HookEventBase, ProviderExchangeV1 {
  /** The provider that made the exchange (its registered id). */
  provider: string;
  /** The model name sent to it. */
  providerModel: string;
}

/** A hook failed: it threw, or the promise it returned rejected. */
export interface HookErrorEvent extends HookEventBase {
  /** The hook that failed. */
  hook: HookName;
  /** What it threw or rejected with, as is (the application's own error). */
  error: unknown;
}

/**
 * The hooks (builder `.hooks()`); each is optional and may be async. A hook
 * that throws or whose promise rejects never changes the call's outcome and
 * never crashes the process: each failure is reported once, to
 * `onHookError` when set, else as a process warning
 * (`RatatoskrHookWarning`). The gateway does not wait for a hook's promise.
 * (The hooks are typed as returning `void`, so any function fits; a
 * returned promise is observed all the same.)
 */
export interface GatewayHooks {
  /** A call began, after input validation and routing. */
  onRequestStart?(event: RequestStartEvent): void;
  /** An attempt failed and will be retried after `event.waitMs`. */
  onRetry?(event: RetryEvent): void;
  /** A target failed before delivering anything; the next one is tried. */
  onFallback?(event: FallbackEvent): void;
  /** The answering provider ignored or could not honour something (one event per warning). */
  onWarning?(event: WarningEvent): void;
  /** A call completed: attempts, latency and usage. */
  onComplete?(event: CompleteEvent): void;
  /** A call failed or was aborted; the error arrives redacted ({@link ErrorSummary}). */
  onError?(event: ErrorEvent): void;
  /** The response cache was consulted for a call (once per call, before any upstream request). */
  onCacheLookup?(event: CacheLookupEvent): void;
  /**
   * **A debugging aid; leave it unset in production.** Receives every HTTP
   * exchange a provider makes for a call: method, URL, request headers and
   * the final request body, response status, headers and body (for a
   * stream, the raw SSE or NDJSON text, up to 1 MiB; `truncated` says when
   * it was cut), or the `error` that ended it. Credentials are redacted
   * (`Authorization`, `x-api-key`, `api-key`, cookies, any `*key*`/`*token*`
   * header or query parameter, registered keys anywhere), but prompts and
   * completions are not: the payload is the user's content.
   *
   * Off unless set: without it, providers send requests exactly as without
   * inspection (no wrapper around `fetch`, no copy of any body). Set, the
   * response body is copied chunk by chunk as the provider reads it, so
   * what the provider reads and when is unchanged and a stream stays
   * incremental; the event arrives when the body has been read to its end
   * (or failed, or the provider stopped reading it).
   *
   * It is a hook rather than a builder setting of its own so that its events
   * correlate with the others by `callId` and its failures are reported
   * like theirs (`onHookError`). Covered: every provider that implements
   * `CallRequestV1.inspect` (all the bundled HTTP providers; see
   * docs/debugging.md). Not covered: model listings and model-information
   * lookups (no call id), and providers that run models in-process (no
   * HTTP exchange per call).
   */
  onProviderExchange?(event: ProviderExchangeEvent): void;
  /**
   * A hook above failed. When this one fails too, that failure becomes a
   * process warning.
   */
  onHookError?(event: HookErrorEvent): void;
}

/** The payload of each observing hook. */
interface HookEvents {
  onRequestStart: RequestStartEvent;
  onRetry: RetryEvent;
  onFallback: FallbackEvent;
  onWarning: WarningEvent;
  onComplete: CompleteEvent;
  onError: ErrorEvent;
  onCacheLookup: CacheLookupEvent;
  onProviderExchange: ProviderExchangeEvent;
}

/** The name of a hook that observes calls (every hook but `onHookError`). */
export type HookName = keyof HookEvents;

const HOOK_NAMES: ReadonlySet<string> = new Set<keyof GatewayHooks>([
  "onRequestStart",
  "onRetry",
  "onFallback",
  "onWarning",
  "onComplete",
  "onError",
  "onCacheLookup",
  "onProviderExchange",
  "onHookError",
]);

/** Throw a `configuration` error unless `hooks` is an object of known hooks that are functions. */
export function assertHooks(hooks: unknown): asserts hooks is GatewayHooks {
  if (typeof hooks !== "object" || hooks === null || Array.isArray(hooks)) {
    throw new RatatoskrError({
      code: "configuration",
      message: `hooks must be an object of functions, got ${hooks === null ? "null" : typeof hooks}`,
    });
  }
  for (const [name, hook] of Object.entries(hooks)) {
    if (!HOOK_NAMES.has(name)) {
      throw new RatatoskrError({
        code: "configuration",
        message: `hooks.${name} is not a hook; the hooks are ${[...HOOK_NAMES].join(", ")}`,
      });
    }
    if (hook !== undefined && typeof hook !== "function") {
      throw new RatatoskrError({
        code: "configuration",
        message: `hooks.${name} must be a function, got ${hook === null ? "null" : typeof hook}`,
      });
    }
  }
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

/**
 * Call hook `name` with `event` if it is set. A synchronous throw or a
 * rejected promise is reported once ({@link GatewayHooks.onHookError}, else
 * a process warning) and changes nothing else: observability must not break
 * calls, nor crash the host with an unhandled rejection.
 */
export function emitHook<N extends HookName>(
  hooks: GatewayHooks | undefined,
  name: N,
  event: HookEvents[N],
): void {
  const hook = hooks?.[name] as ((event: HookEvents[N]) => unknown) | undefined;
  if (hook === undefined) return;
  let result: unknown;
  try {
    result = hook(event);
  } catch (error) {
    reportHookError(hooks!, name, event, error);
    return;
  }
  if (isPromiseLike(result)) {
    result.then(undefined, (error: unknown) => reportHookError(hooks!, name, event, error));
  }
}

function reportHookError(
  hooks: GatewayHooks,
  name: HookName,
  event: HookEventBase,
  error: unknown,
): void {
  const handler = hooks.onHookError;
  if (handler === undefined) {
    warnHookFailed(name, error);
    return;
  }
  let result: unknown;
  try {
    result = handler({
      callId: event.callId,
      capability: event.capability,
      model: event.model,
      stream: event.stream,
      hook: name,
      error,
    });
  } catch (handlerError) {
    warnHookFailed("onHookError", handlerError);
    return;
  }
  if (isPromiseLike(result)) {
    result.then(undefined, (handlerError: unknown) => warnHookFailed("onHookError", handlerError));
  }
}

/** One process warning for one hook failure (console.warn where there is no `process`). */
function warnHookFailed(name: keyof GatewayHooks, error: unknown): void {
  const reason = redactSecrets(
    error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  );
  const message = `The ${name} hook failed (${reason}); the call's outcome is unchanged. Set hooks.onHookError to handle hook failures.`;
  try {
    const emitWarning = globalThis.process?.emitWarning;
    if (typeof emitWarning === "function") {
      globalThis.process.emitWarning(message, { type: "RatatoskrHookWarning" });
    } else {
      console.warn(message);
    }
  } catch {
    // Reporting must not throw either.
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}
