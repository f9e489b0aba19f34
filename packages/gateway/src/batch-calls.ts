/**
 * The gateway's batch methods, `embedBatch` and `inferNliBatch`: the whole
 * batch is validated first, then sent in the chunks each provider declares
 * (see `chunked-batch-runner.ts`), each chunk checked (one result per
 * input, consistent dimensions).
 */
import {
  assertCallOptions,
  assertModel,
  assertNliPairs,
  assertTexts,
  type CallOptions,
  type Embedding,
  type NliPair,
  type NliResult,
} from "@ratatoskr/core";
import { checkCount, checkEmbedding, dataError } from "./answer-checks.ts";
import type { CallTarget } from "./call-runner.ts";
import { reportWarnings } from "./call-warnings.ts";
import { type ChunkedBatch, chunkSize, runChunkedBatch } from "./chunked-batch-runner.ts";
import { type GatewayCore, openCall } from "./gateway-core.ts";
import { ownProviderOptions } from "./provider-requests.ts";
import type { Batched } from "./registered-provider.ts";
import { reportComplete, reportError } from "./unary-call.ts";

/** Run a batch of `capability` (input validated) and report it to the hooks. */
async function runBatch<I, R>(
  core: GatewayCore,
  capability: "embed" | "nli",
  model: string,
  options: CallOptions | undefined,
  items: readonly I[],
  batch: ChunkedBatch<I, R>,
): Promise<R[]> {
  const { context, targets } = openCall(core, capability, model, options, false);
  try {
    const { value, target } = await runChunkedBatch(context, targets, items, batch);
    reportWarnings(context, target, value.warnings);
    reportComplete(context, target, undefined);
    return value.items;
  } catch (error) {
    reportError(context, error);
    throw error;
  }
}

/** A target's chunk plan from its capability's declared limits. */
function planOf(target: CallTarget, capability: Batched<unknown, unknown>) {
  return {
    size: chunkSize(target, capability.limit(target.providerModel), capability.limitName),
    concurrency: capability.parallel,
  };
}

/** `embedBatch()`: every text embedded, in input order. */
export async function embedBatch(
  core: GatewayCore,
  texts: readonly string[],
  model: string,
  options: CallOptions | undefined,
): Promise<Embedding[]> {
  assertTexts(texts, "texts");
  assertModel(model);
  assertCallOptions(options);
  return runBatch(core, "embed", model, options, texts, {
    planFor: (target) => planOf(target, target.provider.embedding!),
    attempt: async (target, values, signal) => {
      const result = await target.provider.embedding!.call({
        model: target.providerModel,
        values,
        providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
        signal,
      });
      const embeddings = checkCount(result?.embeddings, values.length, target, "embeddings");
      for (const embedding of embeddings) checkEmbedding(embedding, target);
      return { items: embeddings, warnings: result.warnings };
    },
    check: (embeddings, target) => {
      const dimensions = embeddings[0]?.dimensions;
      for (const embedding of embeddings) {
        if (embedding.dimensions !== dimensions) {
          throw dataError(
            target,
            `embeddings of one batch must share dimensions; got ${dimensions} and ${embedding.dimensions}`,
          );
        }
      }
    },
  });
}

/** `inferNliBatch()`: every pair scored, in input order. */
export async function inferNliBatch(
  core: GatewayCore,
  pairs: readonly NliPair[],
  model: string,
  options: CallOptions | undefined,
): Promise<NliResult[]> {
  assertNliPairs(pairs);
  assertModel(model);
  assertCallOptions(options);
  return runBatch(core, "nli", model, options, pairs, {
    planFor: (target) => planOf(target, target.provider.nli!),
    attempt: async (target, chunk, signal) => {
      const result = await target.provider.nli!.call({
        model: target.providerModel,
        pairs: chunk,
        providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
        signal,
      });
      return {
        items: checkCount(result?.results, chunk.length, target, "results"),
        warnings: result.warnings,
      };
    },
  });
}
