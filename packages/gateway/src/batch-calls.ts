/**
 * The gateway's batch methods, `embedBatch` and `inferNliBatch`: the whole
 * batch is validated first, then sent in the chunks each provider declares
 * (see `chunked-batch-runner.ts`), each chunk checked (one result per
 * input, consistent dimensions). In strict mode each target is asked for
 * the warnings of the whole batch before its first chunk, as unary calls
 * are ({@link strictCheck}).
 */
import {
  assertCallOptions,
  assertModel,
  assertNliPairs,
  assertTexts,
  type CallOptions,
  type CallRequestV1,
  type Embedding,
  type EmbeddingRequestV1,
  type NliPair,
  type NliRequestV1,
  type NliResult,
  type WarningV1,
} from "@ratatoskr/core";
import { checkCount, checkEmbedding, dataError } from "./answer-checks.ts";
import { embedKey, nliKey } from "./cache-keys-of.ts";
import { type BatchRun, runCachedBatch } from "./cached-batch.ts";
import type { CallTarget } from "./call-runner.ts";
import { reportWarnings } from "./call-warnings.ts";
import { type ChunkedBatch, chunkSize, runChunkedBatch } from "./chunked-batch-runner.ts";
import { type GatewayCore, isStrict, openCall } from "./gateway-core.ts";
import { withInspector } from "./provider-exchanges.ts";
import { ownProviderOptions } from "./provider-requests.ts";
import type { Batched } from "./registered-provider.ts";
import type { CacheKeyMaterial } from "./response-cache.ts";
import { reportComplete, reportError, strictCheck } from "./unary-call.ts";

/** The v1 request of a batch call for `target`: its items and the target's own options. */
type BatchRequest<I, Request> = (
  target: CallTarget,
  items: readonly I[],
  signal: AbortSignal,
) => Request;

/** Run a batch of `capability` (input validated) and report it to the hooks. */
async function runBatch<I, R, Request extends CallRequestV1>(
  core: GatewayCore,
  capability: "embed" | "nli",
  model: string,
  options: CallOptions | undefined,
  items: readonly I[],
  batch: ChunkedBatch<I, R>,
  preview: {
    request: BatchRequest<I, Request>;
    warningsFor: (target: CallTarget, request: Request) => readonly WarningV1[] | undefined;
  },
  keyOf: (target: CallTarget, item: I) => CacheKeyMaterial,
): Promise<R[]> {
  const { context, targets } = openCall(core, capability, model, options, false);
  const strict = isStrict(core, options);
  // Strict mode asks each target about the whole batch (what is sent of it), before its first chunk.
  const checkOf = (sent: readonly I[]) =>
    strictCheck(strict, {
      request: (target, signal) => preview.request(target, sent, signal),
      warningsFor: preview.warningsFor,
    });
  const run: BatchRun<I, R> = async (sent) => {
    const { value, target } = await runChunkedBatch(context, targets, sent, batch, checkOf(sent));
    reportWarnings(context, target, value.warnings);
    return { items: value.items, target };
  };
  try {
    const cache = core.cache;
    if (cache?.applies(capability, options)) {
      return await runCachedBatch(cache, context, targets[0]!, capability, items, {
        keyOf,
        run,
        check: (target) => checkOf(items)?.(target),
      });
    }
    const { items: results, target } = await run(items);
    reportComplete(context, target, undefined);
    return results;
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
  const request: BatchRequest<string, EmbeddingRequestV1> = (target, values, signal) => ({
    model: target.providerModel,
    values,
    providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
    signal,
  });
  return runBatch(
    core,
    "embed",
    model,
    options,
    texts,
    {
      planFor: (target) => planOf(target, target.provider.embedding!),
      attempt: async (target, values, signal, inspect) => {
        const result = await target.provider.embedding!.call(
          withInspector(request(target, values, signal), inspect),
        );
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
    },
    {
      request,
      warningsFor: (target, preview) => target.provider.embedding!.warningsFor?.(preview),
    },
    (target, text) => embedKey(text, options, target),
  );
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
  const request: BatchRequest<NliPair, NliRequestV1> = (target, chunk, signal) => ({
    model: target.providerModel,
    pairs: chunk,
    providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
    signal,
  });
  return runBatch(
    core,
    "nli",
    model,
    options,
    pairs,
    {
      planFor: (target) => planOf(target, target.provider.nli!),
      attempt: async (target, chunk, signal, inspect) => {
        const result = await target.provider.nli!.call(
          withInspector(request(target, chunk, signal), inspect),
        );
        return {
          items: checkCount(result?.results, chunk.length, target, "results"),
          warnings: result.warnings,
        };
      },
    },
    { request, warningsFor: (target, preview) => target.provider.nli!.warningsFor?.(preview) },
    (target, pair) => nliKey(pair, options, target),
  );
}
