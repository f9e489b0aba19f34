/**
 * Map an HTTP failure to the core's typed {@link RatatoskrError}. Providers
 * refine the mapping (e.g. which 400 bodies mean "context length exceeded")
 * through `classifyBody`.
 */
import { type ErrorCode, RatatoskrError, redactAndTruncate } from "@ratatoskr/core";
import { type HeaderSource, parseRetryAfterMs } from "./retry-after.ts";

/** What is known about a failed HTTP response. */
export interface HttpFailure {
  /** The HTTP status code. */
  status: number;
  /** The response headers (the error's `retryAfterMs` comes from `retry-after`). */
  headers?: HeaderSource;
  /**
   * The response body as text (redacted and truncated by the error). Read it
   * with {@link readErrorBody}, which reads a bounded prefix only.
   */
  body?: string;
  /**
   * Provider-level message extracted from the body, when there is one; the
   * error's message keeps a bounded excerpt of it ({@link errorMessageExcerpt}).
   */
  message?: string;
  /** The provider's id, named in the error. */
  provider: string;
  /** The model the request was for. */
  model?: string;
  /** The error's `cause` (e.g. the SDK's error). */
  cause?: unknown;
  /**
   * Refine the code from the body: return e.g. `context_length_exceeded` for
   * a 400 whose body says so. Undefined keeps the status-based code.
   */
  classifyBody?: (body: string, status: number) => ErrorCode | undefined;
}

const CONTEXT_LENGTH =
  /context[ _-]?length|maximum context|too many tokens|prompt is too long|context window|reduce the length/i;

/** Whether a 400 body is a context-length error (OpenAI, Anthropic, OpenRouter wording). */
export function isContextLengthMessage(text: string): boolean {
  return CONTEXT_LENGTH.test(text);
}

/** Characters of a provider's own message kept in a typed error's message; the body keeps more (4 KiB). */
export const MAX_ERROR_MESSAGE_LENGTH = 500;

/**
 * A bounded excerpt of a provider's error message for a typed error's
 * message: redacted first, then cut to `maxLength` characters (an ellipsis
 * marks the cut), so a secret is never split by the cut.
 */
export function errorMessageExcerpt(
  message: string,
  maxLength: number = MAX_ERROR_MESSAGE_LENGTH,
): string {
  // One character more than is kept tells whether the redacted text was cut.
  const excerpt = redactAndTruncate(message, maxLength + 1);
  return excerpt.length <= maxLength ? excerpt : `${excerpt.slice(0, maxLength)}…`;
}

/**
 * The body text that the `openai` and `@anthropic-ai/sdk` SDKs keep of a
 * failed response whose body is not JSON (an HTML page, or a body cut to a
 * bounded prefix by {@link boundErrorBodies}): only in their error message,
 * as `"<status> <text>"`. Undefined when there is none.
 */
export function sdkErrorBodyText(status: number, sdkMessage: string): string | undefined {
  const prefix = `${status} `;
  if (!sdkMessage.startsWith(prefix)) return undefined;
  const text = sdkMessage.slice(prefix.length);
  return text === "" || text === "status code (no body)" ? undefined : text;
}

/**
 * A provider message to show from a raw body text: undefined for an HTML
 * page (it stays in the error's `body`).
 */
export function plainTextMessage(text: string | undefined): string | undefined {
  return text === undefined || text.trimStart().startsWith("<") ? undefined : text;
}

/** The status-based code: 401/403 auth, 404 model, 408 timeout, 429 rate limit, 5xx provider. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return "authentication";
  if (status === 404) return "model_not_found";
  if (status === 408) return "timeout";
  if (status === 429) return "rate_limited";
  if (status === 400 || status === 422) return "invalid_input";
  if (status >= 500) return "provider";
  return "http";
}

/** Whether a status is worth retrying: 408, 409, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Build the typed error for an HTTP failure. */
export function httpError(failure: HttpFailure): RatatoskrError {
  const body = failure.body ?? "";
  const refined = failure.classifyBody?.(body, failure.status);
  const code =
    refined ??
    (failure.status === 400 && isContextLengthMessage(`${failure.message ?? ""} ${body}`)
      ? "context_length_exceeded"
      : codeForStatus(failure.status));
  const retryAfterMs = parseRetryAfterMs(failure.headers);
  const detail = failure.message ? `: ${errorMessageExcerpt(failure.message)}` : "";
  return new RatatoskrError({
    code,
    message: `${failure.provider} returned HTTP ${failure.status}${detail}`,
    status: failure.status,
    provider: failure.provider,
    ...(failure.model === undefined ? {} : { model: failure.model }),
    ...(body === "" ? {} : { body }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    isRetryable: isRetryableStatus(failure.status),
    ...(failure.cause === undefined ? {} : { cause: failure.cause }),
  });
}

/** A connection-level failure (refused, reset, DNS) as a retryable `network` error. */
export function networkError(
  provider: string,
  url: string | undefined,
  cause: unknown,
): RatatoskrError {
  const reason = cause instanceof Error ? describeNetworkCause(cause) : String(cause);
  return new RatatoskrError({
    code: "network",
    message: `Could not reach ${provider}${url ? ` at ${url}` : ""}: ${reason}`,
    provider,
    cause,
    isRetryable: true,
  });
}

function describeNetworkCause(error: Error): string {
  const inner = (error as { cause?: unknown }).cause;
  const code = (inner as { code?: string } | undefined)?.code ?? (error as { code?: string }).code;
  return code ? `${error.message} (${code})` : error.message;
}
