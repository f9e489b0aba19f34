/**
 * Anthropic SDK failures → {@link RatatoskrError}.
 *
 * @see https://platform.claude.com/docs/en/api/errors
 */
// The error classes alone: importing them costs a fraction of the whole SDK (loaded on first call).
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk/error";
import { abortedError, type ErrorCode, type PartialOutput, RatatoskrError } from "@ratatoskr/core";
import {
  errorMessageExcerpt,
  httpError,
  isContextLengthMessage,
  networkError,
  plainTextMessage,
  sdkErrorBodyText,
} from "@ratatoskr/provider-utils";

/** Where an error happened, for the typed error. */
export interface AnthropicErrorContext {
  provider: string;
  model?: string;
  signal?: AbortSignal;
  /** Base URL, named in network errors. */
  baseURL?: string;
  /** What a stream had delivered before failing. */
  partial?: PartialOutput;
}

const PROMPT_TOO_LONG_LIMIT = /(\d+)\s*tokens?\s*>\s*(\d+)\s*maximum/i;

/**
 * Error `type` of an Anthropic error body → code and retryability. Used for
 * `event: error` in a stream (no HTTP status there) and to refine HTTP errors.
 * `overloaded_error` (HTTP 529) and `api_error` (5xx) are retryable.
 */
const ERROR_TYPES: Readonly<
  Record<string, { code: ErrorCode; retryable: boolean; status?: number }>
> = {
  invalid_request_error: { code: "invalid_input", retryable: false, status: 400 },
  authentication_error: { code: "authentication", retryable: false, status: 401 },
  billing_error: { code: "provider", retryable: false, status: 402 },
  permission_error: { code: "authentication", retryable: false, status: 403 },
  not_found_error: { code: "model_not_found", retryable: false, status: 404 },
  request_too_large: { code: "invalid_input", retryable: false, status: 413 },
  rate_limit_error: { code: "rate_limited", retryable: true, status: 429 },
  api_error: { code: "provider", retryable: true, status: 500 },
  timeout_error: { code: "provider", retryable: true, status: 504 },
  overloaded_error: { code: "provider", retryable: true, status: 529 },
};

/**
 * Map anything the SDK throws to a typed error:
 *
 * - an abort (caller's signal, `APIUserAbortError`) → `aborted`;
 * - `APIConnectionTimeoutError` → `timeout` (attempt); `APIConnectionError` → `network`;
 * - an HTTP error → by status (401 `authentication`, 404 `model_not_found`, 429
 *   `rate_limited` with `retryAfterMs`, 529/5xx retryable `provider`), a 400
 *   "prompt is too long" → `context_length_exceeded` with `limit`;
 * - an `event: error` inside a stream → by its `error.type` (`overloaded_error`
 *   → retryable `provider`, …), with `details.midStream: true`;
 * - anything else (a connection cut mid-body, bad JSON) → `stream`.
 *
 * `partial` (what a stream delivered) is attached when given.
 */
export function mapAnthropicError(error: unknown, context: AnthropicErrorContext): RatatoskrError {
  const partial = context.partial;
  if (RatatoskrError.isInstance(error)) return attach(error, partial);
  if (context.signal?.aborted === true || error instanceof APIUserAbortError) {
    return abortedError(context.signal, partial);
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new RatatoskrError({
      code: "timeout",
      timeoutKind: "attempt",
      message: `${context.provider} did not answer in time`,
      provider: context.provider,
      ...(context.model === undefined ? {} : { model: context.model }),
      cause: error,
      ...(partial ? { partial } : {}),
    });
  }
  if (error instanceof APIConnectionError) {
    return attach(networkError(context.provider, context.baseURL, error.cause ?? error), partial);
  }
  if (error instanceof APIError) {
    return error.status === undefined
      ? fromStreamErrorEvent(error, context)
      : fromHttpError(error, context);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new RatatoskrError({
    code: "stream",
    message: `The ${context.provider} stream failed: ${reason}`,
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    cause: error,
    isRetryable: true,
    ...(partial ? { partial } : {}),
  });
}

function fromHttpError(error: APIError, context: AnthropicErrorContext): RatatoskrError {
  const status = error.status!;
  // A body that is not JSON (cut to a bounded prefix, or an HTML page) is only in the SDK's message.
  const raw = error.error === undefined ? sdkErrorBodyText(status, error.message) : undefined;
  const body = error.error === undefined ? raw : JSON.stringify(error.error);
  const message = error.apiMessage ?? plainTextMessage(raw);
  const mapped = httpError({
    status,
    headers: error.headers,
    ...(body === undefined ? {} : { body }),
    ...(message === undefined ? {} : { message }),
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    cause: error,
  });
  const limit =
    mapped.code === "context_length_exceeded" ? parseLimit(message ?? body ?? "") : undefined;
  const details =
    error.type === null
      ? undefined
      : { errorType: error.type, requestId: error.requestID ?? undefined };
  return rebuild(mapped, { limit, partial: context.partial, details });
}

function fromStreamErrorEvent(error: APIError, context: AnthropicErrorContext): RatatoskrError {
  const type = errorMessageExcerpt(error.type ?? readType(error.error) ?? "unknown", 100);
  const known = ERROR_TYPES[type];
  // The server's text is bounded in the message (an event can be megabytes); `body` keeps 4 KiB.
  const apiMessage = errorMessageExcerpt(error.apiMessage ?? "no message");
  let code: ErrorCode = known?.code ?? "stream";
  if (code === "invalid_input" && isContextLengthMessage(apiMessage))
    code = "context_length_exceeded";
  const limit = code === "context_length_exceeded" ? parseLimit(apiMessage) : undefined;
  return new RatatoskrError({
    code,
    message: `${context.provider} sent an error event mid-stream (${type}): ${apiMessage}`,
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    ...(error.error === undefined ? {} : { body: JSON.stringify(error.error) }),
    isRetryable: known?.retryable ?? false,
    ...(limit === undefined ? {} : { limit }),
    cause: error,
    details: { errorType: type, midStream: true },
    ...(context.partial ? { partial: context.partial } : {}),
  });
}

function readType(body: unknown): string | undefined {
  const type = (body as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof type === "string" ? type : undefined;
}

function parseLimit(text: string): number | undefined {
  // A bounded prefix: the pattern backtracks over long runs of digits.
  const match = PROMPT_TOO_LONG_LIMIT.exec(text.length > 1024 ? text.slice(0, 1024) : text);
  return match === null ? undefined : Number(match[2]);
}

function attach(error: RatatoskrError, partial: PartialOutput | undefined): RatatoskrError {
  return partial === undefined || error.partial !== undefined ? error : rebuild(error, { partial });
}

function rebuild(
  error: RatatoskrError,
  extra: {
    limit?: number | undefined;
    partial?: PartialOutput | undefined;
    details?: Record<string, unknown> | undefined;
  },
): RatatoskrError {
  if (extra.limit === undefined && extra.partial === undefined && extra.details === undefined)
    return error;
  return new RatatoskrError({
    code: error.code,
    message: error.message,
    cause: error.cause,
    isRetryable: error.isRetryable,
    ...(error.provider === undefined ? {} : { provider: error.provider }),
    ...(error.model === undefined ? {} : { model: error.model }),
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.body === undefined ? {} : { body: error.body }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.timeoutKind === undefined ? {} : { timeoutKind: error.timeoutKind }),
    ...((extra.limit ?? error.limit) === undefined ? {} : { limit: extra.limit ?? error.limit }),
    ...((extra.partial ?? error.partial) === undefined
      ? {}
      : { partial: extra.partial ?? error.partial }),
    ...((extra.details ?? error.details) === undefined
      ? {}
      : { details: { ...error.details, ...extra.details } }),
  });
}
