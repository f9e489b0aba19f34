/**
 * The model catalog of an OpenAI-compatible provider: `GET {baseURL}/models`
 * (OpenAI's `{object: "list", data: [{id, object: "model", created,
 * owned_by}]}`), sent through the provider's own SDK client (its base URL,
 * key, headers, bounded error bodies and error mapping) with the call's
 * signal.
 *
 * The list says nothing of what a model can do, so the capabilities are
 * guessed from the id, conservatively: an embedding-looking id
 * (`text-embedding-*`, anything with `embed`) is `Embed`; an id of a known
 * model of another kind (speech, transcription, images, moderation, video,
 * the legacy completion models) gets none; every other id is a chat model
 * (`Chat`, `ChatStreaming`, `ToolUse`: the provider's chat takes tools).
 *
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
import {
  abortedError,
  type ListedModelV1,
  type ListModelsRequestV1,
  type ListModelsResultV1,
  type ModelCapability,
  type ModelCatalogV1,
  RatatoskrError,
} from "@ratatoskr/core";
import type OpenAI from "openai";
import { CallSignalLink } from "./call-signal-link.ts";
import { mapOpenAIError, type OpenAIErrorContext } from "./map-openai-error.ts";

/** The SDK's per-request `fetchOptions`. */
type SdkFetchOptions = NonNullable<
  NonNullable<Parameters<OpenAI["chat"]["completions"]["create"]>[1]>["fetchOptions"]
>;

/** What the catalog needs of its provider. */
export interface OpenAIModelCatalogContext {
  /** The provider id: each listed model's `provider`, and named in errors. */
  provider: string;
  /** The provider's SDK client (created on the first request). */
  client: () => OpenAI | Promise<OpenAI>;
  /** The error-mapping context of a call with `signal`. */
  errorContext: (signal: AbortSignal) => OpenAIErrorContext;
}

const EMBEDDING_ID = /(?:^|[/:_.-])text-embedding-|embed/i;
/** Ids of OpenAI's models that are not chat models (and the same names behind compatible servers). */
const NOT_CHAT_ID =
  /(?:^|[/:])(?:whisper|tts|dall-e|gpt-image|omni-moderation|text-moderation|sora|babbage|davinci|codex-mini-latest)\b|(?:transcribe|-tts|-realtime|-audio|-image)(?:-|$)/i;

/** The capabilities guessed from a listed model's id (see the module comment). */
export function guessOpenAIModelCapabilities(id: string): ModelCapability[] {
  if (EMBEDDING_ID.test(id)) return ["Embed"];
  if (NOT_CHAT_ID.test(id)) return [];
  return ["Chat", "ChatStreaming", "ToolUse"];
}

/**
 * The listed models of a `/models` response, for `provider`. A body that is
 * not `{data: [...]}` is a `data` error naming the provider; entries without
 * a string id are left out (and counted in a warning).
 */
export function mapOpenAIModelList(body: unknown, provider: string): ListModelsResultV1 {
  const data =
    typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) {
    throw new RatatoskrError({
      code: "data",
      message: `${provider} answered GET /models with no model list: expected {"data": [...]}, got ${describe(body)}`,
      provider,
    });
  }
  const models: ListedModelV1[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const entry of data) {
    const id = typeof entry === "object" && entry !== null ? (entry as { id?: unknown }).id : "";
    if (typeof id !== "string" || id.trim() === "") {
      skipped++;
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    models.push({
      id,
      provider,
      capabilities: guessOpenAIModelCapabilities(id),
      source: "provider",
    });
  }
  return skipped === 0
    ? { models }
    : {
        models,
        warnings: [
          {
            type: "other",
            message: `${provider}: ${skipped} model list ${skipped === 1 ? "entry has" : "entries have"} no id and ${skipped === 1 ? "was" : "were"} left out`,
          },
        ],
      };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.trim() === "" ? "an empty body" : "a text body";
  return typeof value === "object" ? "an object without a data array" : typeof value;
}

/** The model catalog of an OpenAI-compatible provider (see the module comment). */
export function createOpenAIModelCatalog(context: OpenAIModelCatalogContext): ModelCatalogV1 {
  const { provider } = context;
  async function listModels(request: ListModelsRequestV1): Promise<ListModelsResultV1> {
    const link = new CallSignalLink(request.signal);
    const signal = request.signal;
    try {
      if (signal.aborted) throw abortedError(signal);
      const client = await context.client();
      const body: unknown = await client.get("/models", {
        // The link travels under a symbol key, which the SDK's type does not describe.
        fetchOptions: link.fetchOptions as SdkFetchOptions,
        ...(request.headers === undefined ? {} : { headers: { ...request.headers } }),
      });
      if (signal.aborted) throw abortedError(signal);
      return mapOpenAIModelList(body, provider);
    } catch (error) {
      if (error instanceof SyntaxError && !signal.aborted) {
        throw new RatatoskrError({
          code: "json",
          message: `${provider} answered GET /models with invalid JSON: ${error.message}`,
          provider,
          cause: error,
        });
      }
      throw mapOpenAIError(error, context.errorContext(signal));
    } finally {
      link.release();
    }
  }
  return { listModels };
}
