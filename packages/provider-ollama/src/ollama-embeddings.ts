/**
 * Embeddings from Ollama's native `/api/embed` endpoint through the official
 * `ollama` client (one request for a whole batch; vectors come back
 * L2-normalised, in input order).
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
  redactAndTruncate,
} from "@ratatoskr/core";
import type { EmbedRequest } from "ollama/browser";
import { type OllamaClientContext, openOllamaRequest } from "./ollama-client.ts";
import { mapOllamaError } from "./ollama-error.ts";

/** What the embedding call needs to know. */
export interface OllamaEmbeddingContext extends OllamaClientContext {
  /** How long Ollama keeps the model loaded after the call (`"5m"`, seconds, `-1`). */
  keepAlive?: string | number;
  /** Whether Ollama truncates inputs longer than the context (Ollama's default: true). */
  truncate?: boolean;
  /** Shorten the vectors to this many dimensions (models that support it). */
  dimensions?: number;
}

/** The `/api/embed` response body. */
export interface OllamaEmbedResponse {
  model?: string;
  embeddings?: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

function isVector(values: unknown): values is number[] {
  return (
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((value) => typeof value === "number" && Number.isFinite(value))
  );
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
  const body: EmbedRequest = { model, input: [...texts] };
  if (context.truncate !== undefined) body.truncate = context.truncate;
  if (context.keepAlive !== undefined) body.keep_alive = context.keepAlive;
  if (context.dimensions !== undefined) body.dimensions = context.dimensions;
  let parsed: OllamaEmbedResponse;
  const request = await openOllamaRequest(context, { signal, model, stream: false });
  try {
    parsed = (await request.client.embed(body)) as OllamaEmbedResponse;
  } catch (error) {
    throw mapOllamaError(error, {
      provider: context.provider,
      model,
      baseURL: context.baseURL,
      ...(signal === undefined ? {} : { signal }),
      networkErrorHint: context.networkErrorHint,
    });
  } finally {
    request.dispose();
  }
  const embeddings = parsed?.embeddings;
  if (
    !Array.isArray(embeddings) ||
    embeddings.length !== texts.length ||
    !embeddings.every(isVector)
  ) {
    throw new RatatoskrError({
      code: "data",
      message: `${context.provider} /api/embed returned ${Array.isArray(embeddings) ? embeddings.length : "no"} embeddings for ${texts.length} inputs (expected one number array per input)`,
      provider: context.provider,
      model,
      body: redactAndTruncate(JSON.stringify(parsed ?? null), 1000),
    });
  }
  return embeddings.map((values) => ({ values, model, dimensions: values.length }));
}
