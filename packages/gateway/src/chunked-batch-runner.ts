/**
 * Batches split into chunks: `embedBatch` and `inferNliBatch` go upstream in
 * chunks of the size the provider declares (`maxEmbeddingsPerCall`,
 * `maxNliPairsPerCall`; one item per call for a provider that has only the
 * single-item method), and each chunk runs through the retry layer on its
 * own, so a failing chunk is retried alone instead of re-running the batch.
 * Chunks run with bounded concurrency (`maxParallelCalls`) and their
 * results are reassembled in input order. The call's signal and deadline
 * cover every chunk; a chunk that fails after its retries aborts the others
 * and fails the call. A fallback target is tried only when no chunk of the
 * target succeeded (nothing of the batch was produced yet); after that the
 * failure is final.
 */
import { type ProviderPlugin, RatatoskrError } from "@ratatoskr/core";
import { chunk, mapWithConcurrency, raceAbort } from "@ratatoskr/provider-utils";
import {
  type CallContext,
  type CallTarget,
  FinalFailure,
  retryTarget,
  runTargets,
} from "./call-runner.ts";

/** How a target takes a batch: items per upstream call (undefined: all at once) and calls at once. */
export interface ChunkPlan {
  size: number | undefined;
  concurrency: number;
}

/** How {@link runChunkedBatch} splits, sends and checks a batch. */
export interface ChunkedBatch<I, R> {
  /** How a target takes the batch. */
  planFor(target: CallTarget): ChunkPlan;
  /** One upstream call for `chunk`; `signal` is the one to hand the provider. */
  attempt(target: CallTarget, chunk: readonly I[], signal: AbortSignal): Promise<R[]>;
  /** Checks the whole result of a target (throws a RatatoskrError, which may fall back). */
  check?(results: R[], target: CallTarget): void;
}

/**
 * Run a batch on the targets: split per target ({@link ChunkPlan}), each
 * chunk retried on its own, results flattened in input order.
 */
export async function runChunkedBatch<I, R>(
  context: CallContext,
  targets: readonly CallTarget[],
  items: readonly I[],
  batch: ChunkedBatch<I, R>,
): Promise<{ value: R[]; target: CallTarget }> {
  return runTargets(context, targets, async (target) => {
    const results = await runChunks(context, target, items, batch.planFor(target), batch.attempt);
    batch.check?.(results, target);
    return results;
  });
}

async function runChunks<I, R>(
  context: CallContext,
  target: CallTarget,
  items: readonly I[],
  plan: ChunkPlan,
  attempt: (target: CallTarget, chunk: readonly I[], signal: AbortSignal) => Promise<R[]>,
): Promise<R[]> {
  const callSignal = context.scope.signal;
  if (plan.size === undefined || plan.size >= items.length) {
    return retryTarget(
      context,
      target,
      () => raceAbort(attempt(target, items, callSignal), callSignal),
      callSignal,
    );
  }
  let succeeded = 0;
  let failure: { afterSuccess: boolean } | undefined;
  try {
    // The first chunk that fails for good aborts the others (their signal is linked to the call's).
    const results = await mapWithConcurrency(
      chunk(items, plan.size),
      plan.concurrency,
      callSignal,
      async (part, index, signal) => {
        try {
          const value = await retryTarget(
            context,
            target,
            () => raceAbort(attempt(target, part, signal), signal),
            signal,
            index,
          );
          succeeded++;
          return value;
        } catch (error) {
          failure ??= { afterSuccess: succeeded > 0 };
          throw error;
        }
      },
    );
    return results.flat();
  } catch (error) {
    if (callSignal.aborted) throw context.scope.abortError();
    throw failure?.afterSuccess ? new FinalFailure(error as RatatoskrError) : error;
  }
}

/**
 * A plugin's declared limit as a chunk size: undefined (no limit) or a
 * positive integer; anything else is a `configuration` error naming the plugin.
 */
export function chunkSize(
  plugin: ProviderPlugin,
  declared: number | undefined,
  what: string,
): number | undefined {
  if (declared === undefined || declared === Number.POSITIVE_INFINITY) return undefined;
  if (Number.isInteger(declared) && declared >= 1) return declared;
  throw new RatatoskrError({
    code: "configuration",
    message: `Provider "${plugin.id}" declares ${what} = ${String(declared)}; expected a positive integer or undefined`,
    provider: plugin.id,
  });
}

/** A plugin's `maxParallelCalls` (default 1; `Infinity`: every chunk at once), checked like {@link chunkSize}. */
export function chunkConcurrency(plugin: ProviderPlugin): number {
  const declared = plugin.maxParallelCalls;
  if (declared === Number.POSITIVE_INFINITY) return declared;
  return chunkSize(plugin, declared, "maxParallelCalls") ?? 1;
}
