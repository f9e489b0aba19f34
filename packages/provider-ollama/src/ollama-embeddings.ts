/**
 * Embeddings from Ollama's native `/api/embed` endpoint (one request for a
 * whole batch; vectors come back L2-normalised, in input order).
 *
 * @see https://docs.ollama.com/api/embed
 */
import {
  abortedError,
  assertModel,
  assertTexts,
  type CallOptions,
  type Embedding,
  RatatoskrError,
} from "@ratatoskr/core";
import { httpError, networkError, readErrorBody } from "@ratatoskr/provider-utils";

/** What the embedding call needs to know. */
export interface OllamaEmbeddingContext {
  baseURL: string;
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch;
  /** How long Ollama keeps the model loaded after the call (`"5m"`, seconds, `-1`). */
  keepAlive?: string | number;
  /** Whether Ollama truncates inputs longer than the context (Ollama's default: true). */
  truncate?: boolean;
  networkErrorHint: string;
}

/** The `/api/embed` response body. */
export interface OllamaEmbedResponse {
  model?: string;
  embeddings?: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

function classifyOllamaBody(body: string, status: number) {
  if (status === 404 || /model .* not found/i.test(body)) return "model_not_found" as const;
  if (/context length|input length exceeds/i.test(body)) return "context_length_exceeded" as const;
  return undefined;
}

function errorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof (parsed.error as { message?: unknown })?.message === "string")
      return (parsed.error as { message: string }).message;
  } catch {
    // not JSON
  }
  return body === "" ? undefined : body.slice(0, 200);
}

/**
 * Embed `texts` with `model` in one `/api/embed` request.
 *
 * @see https://docs.ollama.com/api/embed
 */
export async function embedWithOllama(
  context: OllamaEmbeddingContext,
  texts: readonly string[],
  model: string,
  options: CallOptions = {},
): Promise<Embedding[]> {
  assertModel(model);
  assertTexts(texts, "texts");
  const signal = options.signal;
  if (signal?.aborted) throw abortedError(signal);
  const body: Record<string, unknown> = { model, input: texts };
  if (context.truncate !== undefined) body.truncate = context.truncate;
  if (context.keepAlive !== undefined) body.keep_alive = context.keepAlive;
  let response: Response;
  let text: string;
  try {
    response = await context.fetch(`${context.baseURL}/api/embed`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        ...context.headers,
      },
      body: JSON.stringify(body),
      ...(signal === undefined ? {} : { signal }),
    });
    // An error body is read up to a bound only (the rest is cancelled).
    text = response.ok ? await response.text() : await readErrorBody(response, { signal });
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal);
    const mapped = networkError("ollama", context.baseURL, error);
    throw new RatatoskrError({
      code: "network",
      message: `${mapped.message}. ${context.networkErrorHint}`,
      provider: "ollama",
      model,
      cause: error,
      isRetryable: true,
    });
  }
  if (!response.ok) {
    const message = errorMessage(text);
    throw httpError({
      status: response.status,
      headers: response.headers,
      body: text,
      ...(message === undefined ? {} : { message }),
      provider: "ollama",
      model,
      classifyBody: classifyOllamaBody,
    });
  }
  let parsed: OllamaEmbedResponse;
  try {
    parsed = JSON.parse(text) as OllamaEmbedResponse;
  } catch (error) {
    throw new RatatoskrError({
      code: "json",
      message: "ollama /api/embed returned invalid JSON",
      provider: "ollama",
      model,
      body: text,
      cause: error,
    });
  }
  const embeddings = parsed.embeddings;
  if (
    !Array.isArray(embeddings) ||
    embeddings.length !== texts.length ||
    !embeddings.every(
      (values) =>
        Array.isArray(values) &&
        values.length > 0 &&
        values.every((value) => typeof value === "number"),
    )
  ) {
    throw new RatatoskrError({
      code: "data",
      message: `ollama /api/embed returned ${Array.isArray(embeddings) ? embeddings.length : "no"} embeddings for ${texts.length} inputs (expected one number array per input)`,
      provider: "ollama",
      model,
      body: text.slice(0, 1000),
    });
  }
  return embeddings.map((values) => ({ values, model, dimensions: values.length }));
}
