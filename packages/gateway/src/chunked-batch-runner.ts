/**
 * Batches split into chunks: `embedBatch` and `inferNliBatch` go upstream in
 * chunks of the size the provider declares (`maxEmbeddingsPerCall`,
 * `maxPairsPerCall`), and each chunk runs through the retry layer on its
 * own, so a failing chunk is retried alone instead of re-running the batch.
 * Chunks run with bounded concurrency (`maxParallelCalls`) and their
 * results are reassembled in input order. The call's signal and deadline
 * cover every chunk; a chunk that fails after its retries aborts the others
 * and fails the call. A fallback target is tried only when no chunk of the
 * target succeeded (nothing of the batch was produced yet); after that the
 * failure is final. Warnings of the chunks are collected once each.
 */
import { type ExchangeInspectorV1, RatatoskrError, type WarningV1 } from "@ratatoskr/core";
import { chunk, mapWithConcurrency } from "@ratatoskr/provider-utils";
import { AttemptScope } from "./attempt-scope.ts";
import {
  type CallContext,
  type CallTarget,
  FinalFailure,
  normalizeError,
  retryTarget,
  runTargets,
} from "./call-runner.ts";
import { exchangeInspector } from "./provider-exchanges.ts";

/** How a target takes a batch: items per upstream call (undefined: all at once) and calls at once. */
export interface ChunkPlan {
  size: number | undefined;
  concurrency: number;
}

/** One chunk's answer: its results in order, and the provider's warnings. */
export interface ChunkResult<R> {
  items: readonly R[];
  warnings?: readonly WarningV1[] | undefined;
}

/** How {@link runChunkedBatch} splits, sends and checks a batch. */
export interface ChunkedBatch<I, R> {
  /** How a target takes the batch. */
  planFor(target: CallTarget): ChunkPlan;
  /**
   * One upstream call for `chunk`; `signal` is the attempt's, `inspect` the
   * call's exchange inspector (for the request, when set). Check the
   * answer's shape here.
   */
  attempt(
    target: CallTarget,
    chunk: readonly I[],
    signal: AbortSignal,
    inspect: ExchangeInspectorV1 | undefined,
  ): Promise<ChunkResult<R>>;
  /** Checks the whole result of a target (throws a RatatoskrError, which may fall back). */
  check?(results: R[], target: CallTarget): void;
}

/** A batch's results and the distinct warnings its chunks gave. */
export interface BatchResult<R> {
  items: R[];
  warnings: WarningV1[];
}

/**
 * Run a batch on the targets: split per target ({@link ChunkPlan}), each
 * chunk retried on its own, results flattened in input order.
 * `strictCheck` runs before the first chunk on each target (strict mode).
 */
export async function runChunkedBatch<I, R>(
  context: CallContext,
  targets: readonly CallTarget[],
  items: readonly I[],
  batch: ChunkedBatch<I, R>,
  strictCheck?: (target: CallTarget) => void,
): Promise<{ value: BatchResult<R>; target: CallTarget }> {
  return runTargets(context, targets, {
    run: async (target) => {
      const result = await runChunks(context, target, items, batch.planFor(target), batch);
      batch.check?.(result.items, target);
      return result;
    },
    ...(strictCheck === undefined ? {} : { check: strictCheck }),
  });
}

/** One chunk attempt: its own scope (attempt and total deadlines, the batch's signal), raced. */
async function attemptChunk<I, R>(
  context: CallContext,
  target: CallTarget,
  part: readonly I[],
  parent: AbortSignal | undefined,
  batch: ChunkedBatch<I, R>,
): Promise<ChunkResult<R>> {
  const scope = new AttemptScope(
    context.scope,
    parent,
    context.policy.attemptTimeout,
    target.provider.id,
  );
  try {
    const inspect = exchangeInspector(context, target);
    return await scope.race(batch.attempt(target, part, scope.signal, inspect));
  } catch (error) {
    throw normalizeError(error, target.provider.id, scope.signal);
  } finally {
    scope.dispose();
  }
}

async function runChunks<I, R>(
  context: CallContext,
  target: CallTarget,
  items: readonly I[],
  plan: ChunkPlan,
  batch: ChunkedBatch<I, R>,
): Promise<BatchResult<R>> {
  const caller = context.scope.caller;
  const warnings = new Map<string, WarningV1>();
  const collect = (result: ChunkResult<R>): readonly R[] => {
    for (const warning of result.warnings ?? []) warnings.set(JSON.stringify(warning), warning);
    return result.items;
  };
  if (plan.size === undefined || plan.size >= items.length) {
    const result = await retryTarget(
      context,
      target,
      () => attemptChunk(context, target, items, caller, batch),
      caller,
    );
    return { items: [...collect(result)], warnings: [...warnings.values()] };
  }
  let succeeded = 0;
  let failure: { afterSuccess: boolean } | undefined;
  try {
    // The first chunk that fails for good aborts the others (their signal is linked to the caller's).
    const results = await mapWithConcurrency(
      chunk(items, plan.size),
      plan.concurrency,
      caller,
      async (part, index, signal) => {
        try {
          const value = await retryTarget(
            context,
            target,
            () => attemptChunk(context, target, part, signal, batch),
            signal,
            index,
          );
          succeeded++;
          return collect(value);
        } catch (error) {
          failure ??= { afterSuccess: succeeded > 0 };
          throw error;
        }
      },
    );
    return { items: results.flat(), warnings: [...warnings.values()] };
  } catch (error) {
    if (context.scope.over) throw context.scope.abortError();
    throw failure?.afterSuccess ? new FinalFailure(error as RatatoskrError) : error;
  }
}

/**
 * A provider's declared chunk limit: undefined (no limit) or a positive
 * integer; anything else is a `configuration` error naming the provider.
 */
export function chunkSize(
  target: CallTarget,
  declared: number | undefined,
  what: string,
): number | undefined {
  if (declared === undefined || declared === Number.POSITIVE_INFINITY) return undefined;
  if (Number.isInteger(declared) && declared >= 1) return declared;
  throw new RatatoskrError({
    code: "configuration",
    message: `Provider "${target.provider.id}" declares ${what} = ${String(declared)} for model "${target.providerModel}"; expected a positive integer or undefined`,
    provider: target.provider.id,
  });
}
