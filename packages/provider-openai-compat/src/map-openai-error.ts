/**
 * Map failures of the `openai` SDK, and error objects an OpenAI-compatible
 * server sends inside a 200 stream, to the core's typed {@link RatatoskrError}.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 * @see https://openrouter.ai/docs/api-reference/errors
 */
import { abortedError, type ErrorCode, errorTraits, RatatoskrError } from "@ratatoskr/core";
import {
  codeForStatus,
  errorMessageExcerpt,
  httpError,
  isRetryableStatus,
  networkError,
  plainTextMessage,
  sdkErrorBodyText,
} from "@ratatoskr/provider-utils";
import type { APIError as OpenAIAPIError } from "openai";
import { loadedOpenAISdk, type OpenAISdk } from "./openai-sdk.ts";

/** What the mapping needs to know about the call that failed. */
export interface OpenAIErrorContext {
  provider: string;
  model?: string;
  /** The server's base URL, named in connection errors. */
  baseURL: string;
  signal?: AbortSignal;
  /** Appended to connection errors (e.g. "Is Ollama running? Start it with `ollama serve`."). */
  networkErrorHint?: string;
}

/** An error object as OpenAI-compatible servers send it (`{"error": {…}}`). */
export interface OpenAIWireError {
  /** A number (OpenRouter: the HTTP-like status) or a string (`server_error`, `rate_limit_exceeded`). */
  code?: number | string | null;
  message?: string;
  type?: string | null;
  param?: string | null;
  metadata?: Record<string, unknown> | null;
}

const STRING_CODES: Record<string, ErrorCode> = {
  rate_limit_exceeded: "rate_limited",
  rate_limit_error: "rate_limited",
  insufficient_quota: "rate_limited",
  context_length_exceeded: "context_length_exceeded",
  invalid_api_key: "authentication",
  authentication_error: "authentication",
  permission_error: "authentication",
  model_not_found: "model_not_found",
  content_filter: "content_filtered",
  content_policy_violation: "content_filtered",
  server_error: "provider",
  internal_error: "provider",
  internal_server_error: "provider",
  api_error: "provider",
  overloaded: "provider",
  overloaded_error: "provider",
  service_unavailable: "provider",
  timeout: "timeout",
};

function classifyOpenAIBody(body: string, status: number): ErrorCode | undefined {
  if (body.includes('"model_not_found"')) return "model_not_found";
  if (body.includes('"context_length_exceeded"')) return "context_length_exceeded";
  if (status === 404 && /model/i.test(body)) return "model_not_found";
  // OpenRouter: 400 "x is not a valid model ID"; Ollama: 404 "model \"x\" not found".
  if (status === 400 && /not a valid model/i.test(body)) return "model_not_found";
  return undefined;
}

function describeBody(error: OpenAIAPIError): string | undefined {
  const payload = error.error;
  if (payload === undefined || payload === null)
    return sdkErrorBodyText(error.status ?? 0, error.message);
  return typeof payload === "string" ? payload : JSON.stringify(payload);
}

function wireMessage(payload: unknown): string | undefined {
  if (typeof payload === "string") return payload;
  if (typeof payload === "object" && payload !== null) {
    const message = (payload as { message?: unknown }).message;
    if (typeof message === "string") return message;
    const inner = (payload as { error?: unknown }).error;
    if (inner !== undefined) return wireMessage(inner);
  }
  return undefined;
}

/**
 * Map an error object a server sent after a 200 (`data: {"error": …}` or a
 * chunk with `finish_reason: "error"`). A numeric `code` is read as an HTTP
 * status (OpenRouter sends 429, 502, …); a string code by name.
 */
export function mapOpenAIStreamError(
  payload: unknown,
  context: Pick<OpenAIErrorContext, "provider" | "model">,
): RatatoskrError {
  const wire: OpenAIWireError =
    typeof payload === "object" && payload !== null
      ? (payload as OpenAIWireError)
      : { message: String(payload) };
  const rawCode = wire.code;
  const numeric =
    typeof rawCode === "number"
      ? rawCode
      : typeof rawCode === "string" && /^\d{3}$/.test(rawCode)
        ? Number(rawCode)
        : undefined;
  const errorType =
    typeof wire.metadata?.error_type === "string" ? wire.metadata.error_type : undefined;
  let code: ErrorCode = "stream";
  let isRetryable = false;
  if (numeric !== undefined && numeric >= 400 && numeric <= 599) {
    code = codeForStatus(numeric);
    if (code === "http" || code === "invalid_input") code = "provider";
    isRetryable = isRetryableStatus(numeric);
  } else {
    const named =
      (typeof rawCode === "string" ? STRING_CODES[rawCode] : undefined) ??
      (errorType ? STRING_CODES[errorType] : undefined) ??
      (wire.type ? STRING_CODES[wire.type] : undefined);
    if (named !== undefined) {
      code = named;
      // Core's error-trait table: a named code is retryable where its code may be marked so.
      isRetryable = errorTraits({ code: named }).retryableWhenMarked;
    }
  }
  // The server's text is bounded in the message (a stream event can be megabytes); `body` keeps 4 KiB.
  const message = errorMessageExcerpt(
    typeof wire.message === "string" ? wire.message : "unknown error",
  );
  return new RatatoskrError({
    code,
    message: `${context.provider} reported an error mid-stream: ${message}`,
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    body: JSON.stringify(payload),
    isRetryable,
    details: { errorCode: rawCode ?? null, ...(errorType ? { errorType } : {}) },
  });
}

/** Map anything the `openai` SDK (or the stream mapping) threw to a {@link RatatoskrError}. */
export function mapOpenAIError(error: unknown, context: OpenAIErrorContext): RatatoskrError {
  if (RatatoskrError.isInstance(error)) return error;
  if (context.signal?.aborted) return abortedError(context.signal);
  // The SDK's errors exist only once a request loaded it.
  const sdk = loadedOpenAISdk();
  const mapped = sdk === undefined ? undefined : mapSdkError(sdk, error, context);
  if (mapped !== undefined) return mapped;
  if (isConnectionBreak(error)) return networkError(context.provider, context.baseURL, error);
  if (error instanceof SyntaxError) {
    return new RatatoskrError({
      code: "stream",
      message: `${context.provider} sent a malformed stream event: ${error.message}`,
      provider: context.provider,
      ...(context.model === undefined ? {} : { model: context.model }),
      cause: error,
    });
  }
  return new RatatoskrError({
    code: "provider",
    message: `${context.provider} request failed: ${error instanceof Error ? error.message : String(error)}`,
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    cause: error,
  });
}

/** The mapping of the SDK's own error classes; undefined for anything else. */
function mapSdkError(
  sdk: OpenAISdk,
  error: unknown,
  context: OpenAIErrorContext,
): RatatoskrError | undefined {
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = sdk;
  if (error instanceof APIUserAbortError) return abortedError(context.signal);
  if (error instanceof APIConnectionTimeoutError) {
    return new RatatoskrError({
      code: "timeout",
      timeoutKind: "attempt",
      message: `${context.provider} did not answer in time (${context.baseURL})`,
      provider: context.provider,
      ...(context.model === undefined ? {} : { model: context.model }),
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    // The SDK wraps whatever `fetch` threw; the provider's own fetch throws typed errors.
    const cause = (error as { cause?: unknown }).cause;
    if (RatatoskrError.isInstance(cause)) return cause;
    const mapped = networkError(
      context.provider,
      context.baseURL,
      (error as { cause?: unknown }).cause ?? error,
    );
    if (context.networkErrorHint === undefined) return mapped;
    return new RatatoskrError({
      code: "network",
      message: `${mapped.message}. ${context.networkErrorHint}`,
      provider: context.provider,
      ...(context.model === undefined ? {} : { model: context.model }),
      cause: error,
      isRetryable: true,
    });
  }
  if (error instanceof APIError) {
    if (error.status === undefined) return mapOpenAIStreamError(error.error, context);
    const body = describeBody(error);
    // A body that is not JSON (cut to a bounded prefix, or an HTML page) is only in the SDK's message.
    const message =
      wireMessage(error.error) ?? plainTextMessage(sdkErrorBodyText(error.status, error.message));
    return httpError({
      status: error.status,
      headers: error.headers,
      ...(body === undefined ? {} : { body }),
      ...(message === undefined ? {} : { message }),
      provider: context.provider,
      ...(context.model === undefined ? {} : { model: context.model }),
      cause: error,
      classifyBody: classifyOpenAIBody,
    });
  }
  return undefined;
}

/** undici's "terminated" / socket errors when a connection breaks while the body is read. */
function isConnectionBreak(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : (error as { code?: unknown }).code;
  if (
    typeof code === "string" &&
    /^(?:ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)
  )
    return true;
  return error instanceof TypeError && error.message === "terminated";
}
