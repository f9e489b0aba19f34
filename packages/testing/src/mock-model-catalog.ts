/**
 * The mock provider's model catalog (`provider.models`): a configured list,
 * metadata and status per model, so gateway tests can exercise
 * `listModels`, `modelMetadata` and `modelStatus` without a server.
 */
import type {
  CallRequestV1,
  ListedModelV1,
  ListModelsRequestV1,
  ListModelsResultV1,
  ModelCapability,
  ModelCatalogV1,
  ModelMetadata,
  ModelStatusResultV1,
} from "@ratatoskr/core";

/** One model the mock lists: `provider` defaults to the mock's id, `source` to `provider`, `capabilities` to chat. */
export interface MockListedModel {
  /** The model id. */
  id: string;
  /** What it does (default chat). */
  capabilities?: readonly ModelCapability[];
  /** Where the listing learned of it (default `provider`). */
  source?: ListedModelV1["source"];
  /** Context window in tokens, when known. */
  context_window?: number | null;
  /** Embedding dimensions, for embedding models. */
  dimensions?: number | null;
}

/** The `models` option of the mock provider. */
export interface MockModelCatalogOptions {
  /** The listed models (default none). */
  list?: readonly (string | MockListedModel)[];
  /**
   * Live metadata by model id; a model not in it is `undefined` (unknown).
   * `false`: the catalog has no `fetchModelMetadata`. Default: a record
   * built from the listed entry, for listed models.
   */
  metadata?: Readonly<Record<string, ModelMetadata>> | false;
  /**
   * Status by model id; a listed model not in it is `available`, any other
   * `unavailable`. `false`: the catalog has no `modelStatus`. Default `{}`.
   */
  status?: Readonly<Record<string, ModelStatusResultV1>> | false;
}

/** How the catalog records a call (and throws a queued failure or the abort). */
export type MockCatalogRecorder = (
  method: "listModels" | "fetchModelMetadata" | "modelStatus",
  request: ListModelsRequestV1 | CallRequestV1,
) => void;

/** The listed entries of `options`, completed with the mock's id and defaults. */
function listedModels(provider: string, options: MockModelCatalogOptions): ListedModelV1[] {
  return (options.list ?? []).map((entry) => {
    const model = typeof entry === "string" ? { id: entry } : entry;
    return {
      id: model.id,
      provider,
      capabilities: model.capabilities ?? ["Chat", "ChatStreaming"],
      source: model.source ?? "provider",
      ...(model.context_window === undefined ? {} : { context_window: model.context_window }),
      ...(model.dimensions === undefined ? {} : { dimensions: model.dimensions }),
    };
  });
}

/** The mock's catalog: every method is recorded and answers from `options`. */
export function createMockModelCatalog(
  provider: string,
  options: MockModelCatalogOptions,
  record: MockCatalogRecorder,
): ModelCatalogV1 {
  const listed = listedModels(provider, options);
  const byId = new Map(listed.map((model) => [model.id, model]));
  const catalog: ModelCatalogV1 = {
    async listModels(request) {
      record("listModels", request);
      const result: ListModelsResultV1 = { models: listed.map((model) => ({ ...model })) };
      return result;
    },
  };
  const mutable = catalog as { -readonly [K in keyof ModelCatalogV1]: ModelCatalogV1[K] };
  const metadata = options.metadata;
  if (metadata !== false) {
    mutable.fetchModelMetadata = async (request) => {
      record("fetchModelMetadata", request);
      if (metadata !== undefined) {
        return Object.hasOwn(metadata, request.model) ? metadata[request.model] : undefined;
      }
      const model = byId.get(request.model);
      if (model === undefined) return undefined;
      const { source: _source, ...info } = model;
      return { info, parameters: {} };
    };
  }
  const status = options.status ?? {};
  if (status !== false) {
    mutable.modelStatus = async (request) => {
      record("modelStatus", request);
      if (Object.hasOwn(status, request.model)) return status[request.model]!;
      return byId.has(request.model)
        ? { state: "available" }
        : { state: "unavailable", reason: `the ${provider} mock does not list it` };
    };
  }
  return catalog;
}
