/**
 * Errors as OpenAI's error body, `{"error": {message, type, param, code}}`,
 * with the HTTP status of the error-trait table. `code` is the Ratatoskr
 * error code, `param` the request field at fault (when known). Only the
 * error's message crosses the wire, never its stack, cause or body; a
 * failure that is not a `RatatoskrError` is a bare 500 "internal error".
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
import { errorTraits, RatatoskrError } from "@ratatoskr/core";

/** OpenAI's error body. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

/** An error to answer with: status, body and the headers it needs. */
export interface OpenAIErrorResponse {
  readonly status: number;
  readonly body: OpenAIErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

/** OpenAI's `type` for an HTTP status. */
function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** An error response built from its parts. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  options: { param?: string | null; headers?: Record<string, string> } = {},
): OpenAIErrorResponse {
  return {
    status,
    body: { error: { message, type: errorType(status), param: options.param ?? null, code } },
    headers: options.headers ?? {},
  };
}

/**
 * The response for a thrown error: a `RatatoskrError` answers with its
 * code's HTTP status and its (already redacted) message, and a
 * `retry-after` header when it carries a wait; anything else is a 500 that
 * says nothing about its cause. An {@link HttpFailure} answers with its own
 * response.
 */
export function errorResponseOf(error: unknown): OpenAIErrorResponse {
  if (error instanceof HttpFailure) return error.response;
  if (!RatatoskrError.isInstance(error)) {
    return errorResponse(500, "internal", "Internal server error");
  }
  const status = errorTraits(error).httpStatus;
  const field = error.details?.field;
  const headers: Record<string, string> = {};
  if (error.retryAfterMs !== undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  }
  return errorResponse(status, error.code, error.message, {
    param: typeof field === "string" ? field : null,
    headers,
  });
}

/** A failure of the HTTP layer itself (size limit, auth, concurrency), carrying its response. */
export class HttpFailure extends Error {
  /** The response to answer with. */
  readonly response: OpenAIErrorResponse;

  /** A failure answered with `response`. */
  constructor(response: OpenAIErrorResponse) {
    super(response.body.error.message);
    this.name = "HttpFailure";
    this.response = response;
  }
}
