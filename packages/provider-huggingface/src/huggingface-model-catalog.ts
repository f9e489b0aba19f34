/**
 * The Hugging Face provider's model catalog: the models of the Ratatoskr
 * model registry recorded for `huggingface` (`source: "registry"`). The Hub
 * hosts far more models than any list could hold, so nothing is fetched:
 * any other `owner/name` id still routes here, and the gateway answers
 * metadata from its registry (the catalog has no `fetchModelMetadata`).
 */
import {
  abortedError,
  type ListedModelV1,
  type ListModelsResultV1,
  type ModelCatalogV1,
} from "@ratatoskr/core";
import { type ModelRegistry, shippedRegistry } from "@ratatoskr/models";
import { HUGGING_FACE_PROVIDER_ID } from "./huggingface-error.ts";

/**
 * The catalog of the `huggingface` provider: the registry's `huggingface`
 * records (default: the registry `@ratatoskr/models` ships).
 */
export function createHuggingFaceModelCatalog(
  registry: () => ModelRegistry = shippedRegistry,
): ModelCatalogV1 {
  return {
    async listModels(request): Promise<ListModelsResultV1> {
      if (request.signal.aborted) throw abortedError(request.signal);
      const models: ListedModelV1[] = registry()
        .list({ provider: HUGGING_FACE_PROVIDER_ID })
        .map((record) => ({ ...record.info, source: "registry" }));
      return { models };
    },
  };
}
