/**
 * Test helpers: the v1 capabilities of a Hugging Face provider as short
 * calls that return the payloads. Not part of the published package.
 */
import type { ClassificationRequestV1, NliPair } from "@ratatoskr/core";
import {
  createHuggingFace,
  type HuggingFaceProvider,
  type HuggingFaceSettings,
} from "./huggingface-provider.ts";

/** A call's own fields: a signal (default: one that never aborts) and provider options. */
export interface CallFields {
  signal?: AbortSignal;
  providerOptions?: Record<string, unknown>;
}

const fields = (call: CallFields = {}) => ({
  signal: call.signal ?? new AbortController().signal,
  providerOptions: call.providerOptions ?? {},
});

/** The v1 capabilities of `provider` as short calls returning the payloads. */
export function calls(provider: HuggingFaceProvider) {
  return {
    provider,
    embed: async (text: string, model: string, call?: CallFields) =>
      (await provider.embedding.embed({ model, values: [text], ...fields(call) })).embeddings[0]!,
    embedBatch: async (values: string[], model: string, call?: CallFields) =>
      (await provider.embedding.embed({ model, values, ...fields(call) })).embeddings,
    inferNli: async (premise: string, hypothesis: string, model: string, call?: CallFields) =>
      (await provider.nli.infer({ model, pairs: [{ premise, hypothesis }], ...fields(call) }))
        .results[0]!,
    inferNliBatch: async (pairs: NliPair[], model: string, call?: CallFields) =>
      (await provider.nli.infer({ model, pairs, ...fields(call) })).results,
    classifyZeroShot: async (
      text: string,
      labels: string[],
      model: string,
      settings: ClassificationRequestV1["settings"] = {},
      call?: CallFields,
    ) => {
      const {
        response: _,
        warnings: __,
        ...result
      } = await provider.classification.classifyZeroShot({
        model,
        text,
        labels,
        settings,
        ...fields(call),
      });
      return result;
    },
  };
}

/** {@link calls} on a provider created from `settings`. */
export const hf = (settings: HuggingFaceSettings = {}) => calls(createHuggingFace(settings));
