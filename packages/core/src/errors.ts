/**
 * The one error type of Ratatoskr. Every failure that crosses the gateway is a
 * {@link RatatoskrError} with a stable {@link ErrorCode}; provider errors keep
 * a redacted copy of the original as `cause`. Everything the error holds —
 * message, stack, body, details, partial output, the whole cause chain — is
 * redacted when it is built, so an API key never appears in a log line,
 * `util.inspect`/`console.error` output or a serialized error.
 */
import { ERROR_TRAITS } from "./error-traits.ts";
import { safeCopy } from "./safe-copy.ts";
import { redactAndTruncate, redactSecrets } from "./secrets.ts";

/** Stable, machine-readable kind of a {@link RatatoskrError}. */
export type ErrorCode =
  /** The request could not be sent or the connection broke (DNS, refused, reset). */
  | "network"
  /** An HTTP response with an unexpected status that no more specific code covers. */
  | "http"
  /** The provider answered with an API-level error (status and body kept). */
  | "provider"
  /** 429 or the provider's equivalent; `retryAfter` is set when the provider said. */
  | "rate_limited"
  /** 401/403, or no key configured for a provider that needs one. */
  | "authentication"
  /** The provider does not know this model. */
  | "model_not_found"
  /** A provider declined a model so the next provider may answer (used by routing). */
  | "model_not_available"
  /** A stream broke, was cut short, or carried an error event. */
  | "stream"
  /** A JSON payload could not be parsed. */
  | "json"
  /** The caller's input is invalid; raised before any provider is called. */
  | "invalid_input"
  /** No registered provider serves this capability for this model. */
  | "no_provider"
  /** The gateway or a provider is misconfigured (missing package, bad option). */
  | "configuration"
  /** The capability exists in the interface but nothing implements it here. */
  | "not_implemented"
  /** The provider cannot do what was asked (e.g. a feature of the request). */
  | "unsupported"
  /** A request parameter is not supported by the routed provider or model. */
  | "unsupported_parameter"
  /** A response had the wrong shape or contents (names what was expected). */
  | "data"
  /** The provider returned nothing usable. */
  | "empty_response"
  /** The provider refused or filtered the content. */
  | "content_filtered"
  /** The prompt does not fit the model's context window. */
  | "context_length_exceeded"
  /** An attempt, idle or total deadline fired (`timeoutKind` says which). */
  | "timeout"
  /** The caller aborted (AbortSignal or leaving a stream early). */
  | "aborted";

/** Every {@link ErrorCode}, for exhaustive checks and docs. */
export const ERROR_CODES: readonly ErrorCode[] = [
  "network",
  "http",
  "provider",
  "rate_limited",
  "authentication",
  "model_not_found",
  "model_not_available",
  "stream",
  "json",
  "invalid_input",
  "no_provider",
  "configuration",
  "not_implemented",
  "unsupported",
  "unsupported_parameter",
  "data",
  "empty_response",
  "content_filtered",
  "context_length_exceeded",
  "timeout",
  "aborted",
];

/** Which deadline produced a `timeout` error. */
export type TimeoutKind = "attempt" | "idle" | "total";

/** What a stream had delivered before it failed: kept so nothing is lost. */
export interface PartialOutput {
  /** Text content delivered so far. */
  content: string;
  /** Reasoning text delivered so far. */
  reasoning?: string;
  /** Tool calls begun so far; `arguments` is the raw (possibly incomplete) buffer. */
  toolCalls?: Array<{
    /** The call's id. */
    id: string;
    /** The tool's name. */
    name: string;
    /** The argument text received so far (possibly incomplete JSON). */
    arguments: string;
    /** Whether the call had ended before the failure. */
    complete: boolean;
  }>;
}

/** Constructor options of {@link RatatoskrError}. */
export interface RatatoskrErrorOptions {
  /** The kind of failure; what to switch on. */
  code: ErrorCode;
  /** What happened, for people (secrets are redacted from it). */
  message: string;
  /**
   * The underlying failure. The error keeps a redacted copy (see
   * {@link RatatoskrError.cause}), never the object itself.
   */
  cause?: unknown;
  /** The provider plugin id involved, when known. */
  provider?: string;
  /** The model involved, when known. */
  model?: string;
  /** HTTP status of the failed response, when there was one. */
  status?: number;
  /** Response body (redacted, truncated to 4 KiB). */
  body?: string;
  /** Milliseconds the provider asked us to wait before retrying. */
  retryAfterMs?: number;
  /** Whether retrying the same request may succeed. Defaults by code. */
  isRetryable?: boolean;
  /** Context window limit in tokens, for `context_length_exceeded`, when known. */
  limit?: number;
  /** Filter reason, for `content_filtered`. */
  reason?: string;
  /** Which deadline fired, for `timeout`. */
  timeoutKind?: TimeoutKind;
  /** What a broken stream had delivered before failing. */
  partial?: PartialOutput;
  /** Extra non-secret facts (e.g. the providers a router asked). */
  details?: Record<string, unknown>;
}

const MARKER = Symbol.for("ratatoskr.error");
const MAX_BODY = 4096;
/** Longest string kept in a copied cause (its message or stack), after redaction. */
const MAX_CAUSE_STRING = 16_384;

/**
 * The error every Ratatoskr API rejects with. Recognise it with
 * {@link RatatoskrError.isInstance} (works across duplicate copies of the
 * package), then switch on {@link RatatoskrError.code}.
 *
 * @example
 * ```ts
 * try { await gateway.chat(messages, { model }) }
 * catch (error) {
 *   if (RatatoskrError.isInstance(error, "rate_limited")) wait(error.retryAfterMs)
 * }
 * ```
 */
export class RatatoskrError extends Error {
  /**
   * A copy of the underlying failure that is safe to print: same `name`,
   * `message`, `stack`, `code`, `status` and other plain fields (redacted),
   * the class kept for built-in errors (`TypeError`, …), nested causes and
   * AggregateError `errors` copied the same way; no request, headers or
   * response objects. A RatatoskrError cause is kept as it is.
   */
  declare cause: unknown;
  /** Brand checked by {@link RatatoskrError.isInstance}; a global symbol survives package duplication. */
  readonly [MARKER] = true;
  /** Always `"RatatoskrError"`. */
  override readonly name = "RatatoskrError";
  /** The kind of failure; what to switch on (traits per code: {@link errorTraits}). */
  readonly code: ErrorCode;
  /** The provider plugin id involved, when known (redacted). */
  readonly provider: string | undefined;
  /** The model involved, when known (redacted). */
  readonly model: string | undefined;
  /** HTTP status of the failed response, when there was one. */
  readonly status: number | undefined;
  /** Response body, redacted and truncated to 4 KiB. */
  readonly body: string | undefined;
  /** Milliseconds the provider asked to wait before retrying. */
  readonly retryAfterMs: number | undefined;
  /** Whether retrying the same request may succeed (given, else the code's default). */
  readonly isRetryable: boolean;
  /** Context window limit in tokens, for `context_length_exceeded`, when known. */
  readonly limit: number | undefined;
  /** Filter reason, for `content_filtered` (redacted). */
  readonly reason: string | undefined;
  /** Which deadline fired, for `timeout`. */
  readonly timeoutKind: TimeoutKind | undefined;
  /** What a broken stream had delivered before failing (redacted). */
  readonly partial: PartialOutput | undefined;
  /** Extra non-secret facts (e.g. the providers a router asked), redacted. */
  readonly details: Record<string, unknown> | undefined;

  constructor(options: RatatoskrErrorOptions) {
    // The stack is captured here, with this (already redacted) message.
    super(
      redactSecrets(String(options.message)),
      options.cause === undefined
        ? undefined
        : {
            cause: safeCopy(options.cause, {
              redact: redactSecrets,
              maxStringLength: MAX_CAUSE_STRING,
              keep: (value) => RatatoskrError.isInstance(value),
            }),
          },
    );
    this.code = options.code;
    this.provider = redactOptional(options.provider);
    this.model = redactOptional(options.model);
    this.status = options.status;
    this.body = options.body === undefined ? undefined : redactAndTruncate(options.body, MAX_BODY);
    this.retryAfterMs = options.retryAfterMs;
    this.isRetryable = options.isRetryable ?? ERROR_TRAITS[options.code]?.retryable === true;
    this.limit = options.limit;
    this.reason = redactOptional(options.reason);
    this.timeoutKind = options.timeoutKind;
    this.partial = options.partial === undefined ? undefined : redactPartial(options.partial);
    this.details =
      options.details === undefined
        ? undefined
        : (redactDeep(options.details) as Record<string, unknown>);
  }

  /** Seconds to wait before retrying, when the provider said (derived from `retryAfterMs`). */
  get retryAfter(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : this.retryAfterMs / 1000;
  }

  /**
   * Whether `value` is a RatatoskrError (from any copy of this package), and
   * optionally of the given code.
   */
  static isInstance(value: unknown, code?: ErrorCode): value is RatatoskrError {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[MARKER] === true &&
      (code === undefined || (value as RatatoskrError).code === code)
    );
  }

  /**
   * A plain object safe to log or send: never contains a secret (every string
   * is redacted), headers or the raw cause object.
   */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: redactSecrets(this.message),
      isRetryable: this.isRetryable,
    };
    const optional: Record<string, unknown> = {
      provider: this.provider,
      model: this.model,
      status: this.status,
      body: this.body,
      retryAfterMs: this.retryAfterMs,
      limit: this.limit,
      reason: this.reason,
      timeoutKind: this.timeoutKind,
      partial: this.partial,
      details: this.details,
      cause: describeCause(this.cause),
    };
    for (const [key, value] of Object.entries(optional)) {
      if (value !== undefined) json[key] = redactDeep(value);
    }
    return json;
  }
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return typeof cause === "string" ? cause : undefined;
}

/**
 * Delivered model output, with registered keys removed: other text (code
 * that mentions `Bearer …`, say) stays byte for byte, so nothing is lost.
 */
function redactPartial(partial: PartialOutput): PartialOutput {
  const redact = <T>(text: T): T =>
    (typeof text === "string" ? redactSecrets(text, { keyShapes: false }) : text) as T;
  return {
    ...partial,
    content: redact(partial.content),
    ...(partial.reasoning === undefined ? {} : { reasoning: redact(partial.reasoning) }),
    ...(partial.toolCalls === undefined
      ? {}
      : {
          toolCalls: partial.toolCalls.map((call) => ({
            ...call,
            name: redact(call.name),
            arguments: redact(call.arguments),
          })),
        }),
  };
}

/** Redacts a string; leaves anything else (a caller's wrong-typed value) as it is. */
function redactOptional<T>(value: T): T {
  return (typeof value === "string" ? redactSecrets(value) : value) as T;
}

/** A redacted copy of plain data (strings redacted; errors, cycles and foreign objects handled by {@link safeCopy}). */
function redactDeep(value: unknown): unknown {
  return safeCopy(value, { redact: redactSecrets });
}

/** Shorthand for an `invalid_input` error. */
export function invalidInput(message: string, details?: Record<string, unknown>): RatatoskrError {
  return new RatatoskrError({ code: "invalid_input", message, ...(details ? { details } : {}) });
}

/** Shorthand for an `aborted` error carrying the signal's reason as cause. */
export function abortedError(signal?: AbortSignal, partial?: PartialOutput): RatatoskrError {
  const reason: unknown = signal?.reason;
  if (RatatoskrError.isInstance(reason)) return reason;
  return new RatatoskrError({
    code: "aborted",
    message: "The request was aborted by the caller",
    cause: reason,
    ...(partial ? { partial } : {}),
  });
}
