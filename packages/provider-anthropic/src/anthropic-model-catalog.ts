/**
 * The Anthropic provider's model catalog, through its SDK client (key,
 * `anthropic-version`, base URL, bounded error bodies, error mapping):
 *
 * - `listModels`: `GET /v1/models?limit=1000`, following `has_more` with
 *   `after_id` for at most {@link MAX_MODEL_PAGES} pages. Every model is
 *   `Chat`, `ChatStreaming`, `ToolUse` and `TokenCounting` (the provider
 *   counts tokens exactly for each), with `max_input_tokens` as its context
 *   window where the API reports it.
 * - `fetchModelMetadata`: `GET /v1/models/{id}` as a registry record
 *   (context window, `max_tokens` as the longest output, the sampling
 *   parameters of the Messages API); a model the API does not know (404) is
 *   `undefined`.
 *
 * @see https://platform.claude.com/docs/en/api/models-list
 * @see https://platform.claude.com/docs/en/api/models/retrieve
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  abortedError,
  type CallRequestV1,
  type ListedModelV1,
  type ListModelsResultV1,
  type ModelCapability,
  type ModelCatalogV1,
  type ModelMetadata,
  type ParameterAvailability,
  RatatoskrError,
} from "@ratatoskr/core";
import { type AnthropicErrorContext, mapAnthropicError } from "./anthropic-error.ts";

/** Most pages of 1000 models `listModels` reads before it stops (with a warning). */
export const MAX_MODEL_PAGES = 10;
const PAGE_SIZE = 1000;

/** What every listed Claude model can do through this provider. */
export const ANTHROPIC_MODEL_CAPABILITIES: readonly ModelCapability[] = [
  "Chat",
  "ChatStreaming",
  "ToolUse",
  "TokenCounting",
];

/** What the catalog needs of its provider. */
export interface AnthropicModelCatalogContext {
  /** The provider id: each model's `provider`, and named in errors. */
  provider: string;
  /** The SDK client (a missing key throws here). */
  client: () => Anthropic | Promise<Anthropic>;
  /** The SDK's per-request options: signal, timeout, headers. */
  requestOptions: (
    signal: AbortSignal,
    headers: Readonly<Record<string, string>> | undefined,
  ) => Anthropic.RequestOptions;
  /** The error-mapping context of a call. */
  errorContext: (model: string | undefined, signal: AbortSignal) => AnthropicErrorContext;
}

interface WireModel {
  id?: unknown;
  max_input_tokens?: unknown;
  max_tokens?: unknown;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function shapeError(provider: string, path: string, problem: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message: `${provider} answered GET ${path} with an unexpected body: ${problem}`,
    provider,
  });
}

/** The Messages API's sampling parameters, by wire name, with the model's output limit. */
function anthropicParameters(maxTokens: number | undefined): Record<string, ParameterAvailability> {
  return {
    max_tokens: {
      availability: "mutable",
      range: { min: 1, ...(maxTokens === undefined ? {} : { max: maxTokens }) },
    },
    stop_sequences: { availability: "opaque" },
    temperature: { availability: "mutable", range: { min: 0, max: 1 } },
    tool_choice: { availability: "opaque" },
    tools: { availability: "opaque" },
    top_k: { availability: "mutable", range: { min: 0 } },
    top_p: { availability: "mutable", range: { min: 0, max: 1 } },
  };
}

/** The model catalog of the Anthropic provider (see the module comment). */
export function createAnthropicModelCatalog(context: AnthropicModelCatalogContext): ModelCatalogV1 {
  const { provider } = context;

  /** One GET through the SDK, its JSON body, with errors mapped. */
  async function get(
    path: string,
    query: Record<string, unknown> | undefined,
    model: string | undefined,
    signal: AbortSignal,
    headers: Readonly<Record<string, string>> | undefined,
  ): Promise<unknown> {
    try {
      if (signal.aborted) throw abortedError(signal);
      const client = await context.client();
      const body: unknown = await client.get(path, {
        ...context.requestOptions(signal, headers),
        ...(query === undefined ? {} : { query }),
      });
      if (signal.aborted) throw abortedError(signal);
      return body;
    } catch (error) {
      if (error instanceof SyntaxError && !signal.aborted) {
        throw new RatatoskrError({
          code: "json",
          message: `${provider} answered GET ${path} with invalid JSON: ${error.message}`,
          provider,
          cause: error,
        });
      }
      throw mapAnthropicError(error, context.errorContext(model, signal));
    }
  }

  function listed(entry: unknown, path: string): ListedModelV1 {
    const wire = (typeof entry === "object" && entry !== null ? entry : {}) as WireModel;
    if (typeof wire.id !== "string" || wire.id.trim() === "") {
      throw shapeError(provider, path, "a model without an id");
    }
    const contextWindow = count(wire.max_input_tokens);
    return {
      id: wire.id,
      provider,
      capabilities: [...ANTHROPIC_MODEL_CAPABILITIES],
      ...(contextWindow === undefined ? {} : { context_window: contextWindow }),
      source: "provider",
    };
  }

  return {
    async listModels(request): Promise<ListModelsResultV1> {
      const models: ListedModelV1[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_MODEL_PAGES; page++) {
        const body = await get(
          "/v1/models",
          { limit: PAGE_SIZE, ...(after === undefined ? {} : { after_id: after }) },
          undefined,
          request.signal,
          request.headers,
        );
        const data = (body as { data?: unknown } | null)?.data;
        if (!Array.isArray(data)) {
          throw shapeError(provider, "/v1/models", 'expected {"data": [...]}');
        }
        for (const entry of data) models.push(listed(entry, "/v1/models"));
        const { has_more: hasMore, last_id: lastId } = body as {
          has_more?: unknown;
          last_id?: unknown;
        };
        if (hasMore !== true) return { models };
        if (typeof lastId !== "string" || lastId === "" || lastId === after) {
          throw shapeError(provider, "/v1/models", "has_more without a new last_id");
        }
        after = lastId;
      }
      return {
        models,
        warnings: [
          {
            type: "other",
            message: `${provider}: the model list has more than ${MAX_MODEL_PAGES} pages of ${PAGE_SIZE}; listed the first ${models.length} models`,
          },
        ],
      };
    },

    async fetchModelMetadata(request: CallRequestV1): Promise<ModelMetadata | undefined> {
      const path = `/v1/models/${encodeURIComponent(request.model)}`;
      let body: unknown;
      try {
        body = await get(path, undefined, request.model, request.signal, request.headers);
      } catch (error) {
        if (RatatoskrError.isInstance(error) && error.code === "model_not_found") return undefined;
        throw error;
      }
      const { source: _source, ...info } = listed(body, path);
      const maxTokens = count((body as WireModel).max_tokens);
      return {
        info: { ...info, context_window: info.context_window ?? null, dimensions: null },
        parameters: anthropicParameters(maxTokens),
        ...(maxTokens === undefined ? {} : { max_output_tokens: maxTokens }),
      };
    },
  };
}
