/**
 * Embeddings from Ollama's native `/api/embed` endpoint through the official
 * `ollama` client (one request for a whole batch; vectors come back
 * L2-normalised, in input order).
 *
 * @see https://docs.ollama.com/api/embed
 */
import {
  abortedError,
  createUsage,
  type EmbeddingRequestV1,
  type EmbeddingResultV1,
  RatatoskrError,
  redactAndTruncate,
  type WarningV1,
} from "@ratatoskr/core";
import { assertProviderOptionTypes } from "@ratatoskr/provider-openai-compat/internal";
import type { EmbedRequest } from "ollama/browser";
import { type OllamaClientContext, openOllamaRequest } from "./ollama-client.ts";
import { mapOllamaError } from "./ollama-error.ts";
import { OLLAMA_PROVIDER_OPTION_CHECKS } from "./ollama-provider-option-checks.ts";

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
  /** The model that embedded. */
  model?: string;
  /** One vector per input, in input order. */
  embeddings?: number[][];
  /** Time spent on the request, in nanoseconds. */
  total_duration?: number;
  /** Time spent loading the model, in nanoseconds. */
  load_duration?: number;
  /** Input tokens. */
  prompt_eval_count?: number;
}

/** The provider options an embedding call reads. */
const EMBEDDING_PROVIDER_OPTIONS: ReadonlySet<string> = new Set([
  "keep_alive",
  "options",
  "truncate",
  "dimensions",
]);

/**
 * The `/api/embed` body for `request`: the provider's settings, then the
 * call's provider options over them (a key an embedding call does not read
 * is a warning).
 */
export function buildOllamaEmbedRequest(
  context: OllamaEmbeddingContext,
  request: EmbeddingRequestV1,
): {
  /** The request body. */
  body: EmbedRequest;
  /** What the request cannot honour. */
  warnings: WarningV1[];
} {
  const warnings: WarningV1[] = [];
  const body: EmbedRequest = { model: request.model, input: [...request.values] };
  if (context.truncate !== undefined) body.truncate = context.truncate;
  if (context.keepAlive !== undefined) body.keep_alive = context.keepAlive;
  if (context.dimensions !== undefined) body.dimensions = context.dimensions;
  const options = request.providerOptions;
  assertProviderOptionTypes("ollama", options, OLLAMA_PROVIDER_OPTION_CHECKS);
  for (const key in options) {
    if (!Object.hasOwn(options, key) || options[key] === undefined) continue;
    if (!EMBEDDING_PROVIDER_OPTIONS.has(key)) {
      warnings.push({
        type: "unknown_provider_option",
        option: key,
        details: `not sent; an embedding call reads ${[...EMBEDDING_PROVIDER_OPTIONS].join(", ")}`,
      });
      continue;
    }
    (body as unknown as Record<string, unknown>)[key] = options[key];
  }
  return { body, warnings };
}

function isVector(values: unknown): values is number[] {
  return (
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((value) => typeof value === "number" && Number.isFinite(value))
  );
}

/**
 * Embed the request's texts in one `/api/embed` request (the gateway splits
 * large batches). The result carries the model that answered, the prompt
 * token count as usage, and the warnings.
 *
 * @see https://docs.ollama.com/api/embed
 */
export async function embedWithOllama(
  context: OllamaEmbeddingContext,
  request: EmbeddingRequestV1,
): Promise<EmbeddingResultV1> {
  const { model, values: texts, signal } = request;
  if (signal.aborted) throw abortedError(signal);
  const { body, warnings } = buildOllamaEmbedRequest(context, request);
  let parsed: OllamaEmbedResponse;
  const upstream = await openOllamaRequest(context, {
    signal,
    model,
    stream: false,
    inspect: request.inspect,
  });
  try {
    parsed = (await upstream.client.embed(body)) as OllamaEmbedResponse;
  } catch (error) {
    throw mapOllamaError(error, {
      provider: context.provider,
      model,
      baseURL: context.baseURL,
      signal,
      networkErrorHint: context.networkErrorHint,
    });
  } finally {
    upstream.dispose();
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
  const prompt = parsed.prompt_eval_count;
  return {
    embeddings: embeddings.map((values) => ({ values, model, dimensions: values.length })),
    ...(typeof prompt === "number" && Number.isInteger(prompt) && prompt >= 0
      ? { usage: createUsage(prompt, 0) }
      : {}),
    ...(typeof parsed.model === "string" && parsed.model !== ""
      ? { response: { model: parsed.model } }
      : {}),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}
