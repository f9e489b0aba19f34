/**
 * LineChat failures as typed `RatatoskrError`s: HTTP errors through
 * provider-utils' `httpError` (401/403 `authentication`, 429 `rate_limited`
 * with `retry-after`, 400 `invalid_input`, 5xx `provider`, …) refined by the
 * body's `error.type`; an answer that does not have the documented shape is
 * a `data` error; a broken stream a `stream` error.
 */
import { type ErrorCode, RatatoskrError } from "@ratatoskr/core";
import { errorMessageExcerpt, httpError, readErrorBody } from "@ratatoskr/provider-utils";
import { LINECHAT_PROVIDER_ID } from "./linechat-id.ts";
import type { LineChatErrorDetail } from "./linechat-wire.ts";

const CODES_BY_TYPE: Readonly<Record<string, ErrorCode>> = {
  unauthorized: "authentication",
  rate_limited: "rate_limited",
  invalid_request: "invalid_input",
  context_too_long: "context_length_exceeded",
  not_found: "model_not_found",
  overloaded: "provider",
};

/** The `error` object of a LineChat error body, when the body has one. */
function errorDetail(body: string): LineChatErrorDetail | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: Partial<LineChatErrorDetail> };
    const detail = parsed?.error;
    if (typeof detail?.type === "string" && typeof detail.message === "string") {
      return detail as LineChatErrorDetail;
    }
  } catch {
    // Not JSON (an HTML page from a proxy): the status decides.
  }
  return undefined;
}

/**
 * The typed error for a non-2xx answer. Reads at most a bounded prefix of
 * the body (`readErrorBody`: 64 KiB, redacted before it is cut) and honours
 * `signal` while reading it.
 */
export async function linechatHttpError(
  response: Response,
  model: string,
  signal: AbortSignal,
): Promise<RatatoskrError> {
  const body = await readErrorBody(response, { signal });
  const detail = errorDetail(body);
  return httpError({
    status: response.status,
    headers: response.headers,
    body,
    ...(detail === undefined ? {} : { message: detail.message }),
    provider: LINECHAT_PROVIDER_ID,
    model,
    classifyBody: () => (detail === undefined ? undefined : CODES_BY_TYPE[detail.type]),
  });
}

/** An `error` line in the middle of a stream (`overloaded` may be retried). */
export function linechatStreamError(detail: LineChatErrorDetail, model: string): RatatoskrError {
  return new RatatoskrError({
    code: CODES_BY_TYPE[detail.type] ?? "provider",
    message: `${LINECHAT_PROVIDER_ID} reported an error mid-stream: ${errorMessageExcerpt(String(detail.message))}`,
    provider: LINECHAT_PROVIDER_ID,
    model,
    isRetryable: detail.type === "overloaded",
  });
}

/** An answer that is not what the wire format documents (names what was expected). */
export function linechatDataError(
  model: string,
  expected: string,
  received: string,
  cause?: unknown,
): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message: `${LINECHAT_PROVIDER_ID} sent an answer that is not ${expected}: ${errorMessageExcerpt(received, 200)}`,
    provider: LINECHAT_PROVIDER_ID,
    model,
    body: received,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** A stream that broke the line protocol (a bad line, no `end`). */
export function linechatProtocolError(
  model: string,
  message: string,
  line?: string,
): RatatoskrError {
  return new RatatoskrError({
    code: "stream",
    message: `${LINECHAT_PROVIDER_ID} ${message}${line === undefined ? "" : `: ${errorMessageExcerpt(line, 200)}`}`,
    provider: LINECHAT_PROVIDER_ID,
    model,
    ...(line === undefined ? {} : { body: line }),
    isRetryable: true,
  });
}
