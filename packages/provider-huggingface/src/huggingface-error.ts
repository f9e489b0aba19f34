/**
 * Map a failed Hugging Face Inference response to a typed
 * {@link RatatoskrError}.
 *
 * @see https://huggingface.co/docs/inference-providers/index
 */
import { RatatoskrError, redactAndTruncate } from "@ratatoskr/core";
import {
  errorMessageExcerpt,
  type HeaderSource,
  httpError,
  parseRetryAfterMs,
} from "@ratatoskr/provider-utils";

/** The provider id used in errors. */
export const HUGGING_FACE_PROVIDER_ID = "huggingface";

/** What is known about one failed response. */
export interface HuggingFaceFailure {
  /** The HTTP status code. */
  status: number;
  /** The response headers (`retry-after` is read from them). */
  headers?: HeaderSource;
  /** Response body as text. */
  body: string;
  /** The model the request was for. */
  model: string;
}

/**
 * The error message in a Hugging Face error body: `{"error": "…"}` (HF
 * Inference), `{"error": {"message": "…"}}` (OpenAI-style router), or
 * `{"detail": "…"}` / `{"message": "…"}` (some providers).
 */
export function extractHuggingFaceMessage(body: string): string | undefined {
  const parsed = parseJson(body);
  if (parsed === undefined || parsed === null || typeof parsed !== "object") {
    const text = body.trim();
    // Redact before cutting: a cut through a key would leave a piece that no longer matches it.
    return text === "" || text.startsWith("<") ? undefined : redactAndTruncate(text, 300);
  }
  const record = parsed as Record<string, unknown>;
  if (typeof record.error === "string") return record.error;
  if (Array.isArray(record.error) && typeof record.error[0] === "string")
    return record.error.join("; ");
  const nested = record.error as Record<string, unknown> | undefined;
  if (nested && typeof nested === "object" && typeof nested.message === "string")
    return nested.message;
  if (typeof record.detail === "string") return record.detail;
  if (typeof record.message === "string") return record.message;
  return undefined;
}

/**
 * The largest batch a server said it accepts, from a validation error such
 * as text-embeddings-inference's `batch size 50 > maximum allowed batch size 32`.
 */
export function maxBatchSizeFromMessage(message: string | undefined): number | undefined {
  const match = message?.match(/maximum allowed batch size (?:is )?(\d+)/i);
  if (!match) return undefined;
  const limit = Number(match[1]);
  return Number.isInteger(limit) && limit > 0 ? limit : undefined;
}

/**
 * The typed error for an HTTP failure:
 *
 * - 503 with `estimated_time` or a "loading" message (a cold model) →
 *   `provider`, retryable, `retryAfterMs` from `estimated_time` (seconds)
 *   or else the `retry-after` header;
 * - a batch-size validation error keeps the server's limit in
 *   `details.maxBatchSize` (the provider then splits the batch);
 * - everything else by status: 401/403 `authentication`, 404
 *   `model_not_found`, 429 `rate_limited` with retry-after, 400/422
 *   `invalid_input`, 5xx `provider`.
 */
export function huggingFaceHttpError(failure: HuggingFaceFailure): RatatoskrError {
  const message = extractHuggingFaceMessage(failure.body);
  const parsed = parseJson(failure.body) as Record<string, unknown> | undefined;
  const estimatedSeconds =
    parsed !== null && typeof parsed === "object" && typeof parsed.estimated_time === "number"
      ? parsed.estimated_time
      : undefined;
  if (
    failure.status === 503 &&
    (estimatedSeconds !== undefined || /loading/i.test(message ?? ""))
  ) {
    const retryAfterMs =
      estimatedSeconds !== undefined && Number.isFinite(estimatedSeconds) && estimatedSeconds >= 0
        ? Math.round(estimatedSeconds * 1000)
        : parseRetryAfterMs(failure.headers);
    return new RatatoskrError({
      code: "provider",
      message:
        `${HUGGING_FACE_PROVIDER_ID}: model ${failure.model} is loading` +
        (estimatedSeconds === undefined ? "" : ` (estimated ${estimatedSeconds} s)`) +
        (message ? `: ${errorMessageExcerpt(message)}` : ""),
      provider: HUGGING_FACE_PROVIDER_ID,
      model: failure.model,
      status: failure.status,
      body: failure.body,
      isRetryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      details: { reason: "model_loading" },
    });
  }
  const error = httpError({
    status: failure.status,
    headers: failure.headers,
    body: failure.body,
    ...(message === undefined ? {} : { message }),
    provider: HUGGING_FACE_PROVIDER_ID,
    model: failure.model,
  });
  const maxBatchSize = maxBatchSizeFromMessage(message);
  if (maxBatchSize === undefined) return error;
  return new RatatoskrError({
    code: error.code,
    message: error.message,
    provider: HUGGING_FACE_PROVIDER_ID,
    model: failure.model,
    status: failure.status,
    body: failure.body,
    isRetryable: false,
    details: { maxBatchSize },
  });
}

/** A `data` error: the response parsed but had the wrong shape; says what was expected. */
export function huggingFaceDataError(
  model: string,
  task: string,
  expected: string,
  got?: unknown,
): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message: `${HUGGING_FACE_PROVIDER_ID} ${task} response for ${model}: expected ${expected}${
      got === undefined ? "" : `, got ${describeShape(got)}`
    }`,
    provider: HUGGING_FACE_PROVIDER_ID,
    model,
  });
}

/** A short description of a JSON value's shape, for error messages. */
export function describeShape(value: unknown, depth = 0): string {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return depth >= 3 ? "array" : `array(${value.length}) of ${describeShape(value[0], depth + 1)}`;
  }
  if (typeof value === "object") {
    const keys = Object.keys(value as object).slice(0, 5);
    return `object {${keys.join(", ")}}`;
  }
  return typeof value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
