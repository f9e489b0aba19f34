/**
 * Map Ollama's failures to the core's typed {@link RatatoskrError}: HTTP
 * errors (`{"error": "…"}` bodies), connection failures (with a hint on how
 * to start Ollama), and what the `ollama` client throws.
 *
 * @see https://docs.ollama.com/api/errors
 */
import { abortedError, type ErrorCode, RatatoskrError, redactAndTruncate } from "@ratatoskr/core";
import { httpError, networkError, readErrorBody } from "@ratatoskr/provider-utils";

/** What the mapping needs to know about the call that failed. */
export interface OllamaErrorContext {
  /** The provider's id, named in errors. */
  provider: string;
  /** The model the request was for. */
  model?: string;
  /** The server URL, named in connection errors. */
  baseURL: string;
  /** The call's signal: when it has fired, the failure is an `aborted` error. */
  signal?: AbortSignal;
  /** Appended to connection errors. */
  networkErrorHint: string;
}

/** Characters of a server's message that {@link classifyOllamaMessage} reads. */
const CLASSIFIED_LENGTH = 4096;

/**
 * The code an Ollama error message implies, if any: a model that is not
 * pulled, a prompt over the context length, a feature the model lacks
 * (`"x" does not support thinking` / `tools`).
 */
export function classifyOllamaMessage(message: string): ErrorCode | undefined {
  // A bounded prefix and bounded patterns: a megabyte of text from a server costs
  // what a short message does (`model .* not found` backtracked quadratically).
  const text = message.length > CLASSIFIED_LENGTH ? message.slice(0, CLASSIFIED_LENGTH) : message;
  if (/model [^\n]{0,256}? not found|not found, try pulling/i.test(text)) return "model_not_found";
  if (/context length|input length exceeds|exceeds the (?:maximum )?context/i.test(text))
    return "context_length_exceeded";
  if (/does not support (?:thinking|tools|embeddings|insert|vision|completion)/i.test(text))
    return "unsupported";
  return undefined;
}

function classifyOllamaBody(body: string, status: number): ErrorCode | undefined {
  return classifyOllamaMessage(body) ?? (status === 404 ? "model_not_found" : undefined);
}

/** The `error` string of an Ollama error body, or an excerpt of a body that has none. */
function errorMessageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
    const nested = (parsed.error as { message?: unknown } | undefined)?.message;
    if (typeof nested === "string") return nested;
  } catch {
    // not JSON
  }
  // Redact before cutting: a cut through a key would leave a piece that no longer matches it.
  return body.trim() === "" ? undefined : redactAndTruncate(body, 200);
}

/**
 * The typed error for a failed HTTP response: status-based code refined by
 * the message (a missing model gets the `ollama pull` command to run),
 * `retry-after` honoured, the body kept (redacted, truncated).
 */
export async function ollamaHttpError(
  response: Response,
  context: { provider: string; model?: string },
): Promise<RatatoskrError> {
  let body = "";
  try {
    // Up to 64 KiB, redacted; the rest is cancelled (the error keeps 4 KiB of it).
    body = await readErrorBody(response);
  } catch {
    // aborted while reading: the status still says what happened, the caller maps the abort
  }
  const reported = errorMessageOf(body);
  const code = classifyOllamaBody(body, response.status);
  const message =
    code === "model_not_found" && context.model !== undefined
      ? `${reported ?? `model "${context.model}" not found`}. Pull it with \`ollama pull ${context.model}\``
      : reported;
  return httpError({
    status: response.status,
    headers: response.headers,
    body,
    ...(message === undefined ? {} : { message }),
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    classifyBody: classifyOllamaBody,
  });
}

const CONNECTION_CODES =
  /^(?:ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_CONNECT_TIMEOUT)$/;

/** `fetch failed` (nothing sent) or `terminated` (broken mid-body), or a socket error code. */
function connectionFailure(error: unknown): "refused" | "broken" | undefined {
  if (!(error instanceof Error)) return undefined;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : (error as { code?: unknown }).code;
  if (error instanceof TypeError && error.message === "fetch failed") return "refused";
  if (typeof code === "string" && CONNECTION_CODES.test(code)) {
    return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN"
      ? "refused"
      : "broken";
  }
  return error instanceof TypeError && error.message === "terminated" ? "broken" : undefined;
}

/** The `ollama` client's `ResponseError` (`error`, `status_code`), recognised without loading the client. */
function isResponseError(error: unknown): error is Error & { error: string; status_code: number } {
  return (
    error instanceof Error &&
    error.name === "ResponseError" &&
    typeof (error as { status_code?: unknown }).status_code === "number"
  );
}

/** Map anything a request to Ollama threw to a {@link RatatoskrError}. */
export function mapOllamaError(error: unknown, context: OllamaErrorContext): RatatoskrError {
  // Aborted wins: an error raised while the request was being torn down is not the outcome.
  if (context.signal?.aborted) return abortedError(context.signal);
  if (RatatoskrError.isInstance(error)) return error;
  const about = {
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
  };
  if (isResponseError(error)) {
    return httpError({
      status: error.status_code,
      body: error.error,
      message: error.error,
      ...about,
      cause: error,
      classifyBody: classifyOllamaBody,
    });
  }
  const connection = connectionFailure(error);
  if (connection !== undefined) {
    const mapped = networkError(context.provider, context.baseURL, error);
    if (connection === "broken") return mapped;
    return new RatatoskrError({
      code: "network",
      message: `${mapped.message}. ${context.networkErrorHint}`,
      ...about,
      cause: error,
      isRetryable: true,
    });
  }
  if (error instanceof SyntaxError) {
    return new RatatoskrError({
      code: "json",
      message: `${context.provider} returned invalid JSON: ${error.message}`,
      ...about,
      cause: error,
    });
  }
  if (error instanceof Error && /did not receive done/i.test(error.message)) {
    return new RatatoskrError({
      code: "stream",
      message: `The ${context.provider} stream ended before its final "done" object`,
      ...about,
      cause: error,
      isRetryable: true,
    });
  }
  return new RatatoskrError({
    code: "provider",
    message: `${context.provider} request failed: ${error instanceof Error ? error.message : String(error)}`,
    ...about,
    cause: error,
  });
}
