/**
 * A batch through the response cache, entry by entry (each text or pair
 * has its own key, built for the call's first routed target): one lookup
 * for the whole batch, only the misses sent upstream, the answers put back
 * in the caller's order, and the misses' answers stored when that target
 * answered them. When the misses were answered by a fallback while other
 * entries were hits, the whole batch is sent again so that one answer never
 * mixes two models (embeddings of two models are not comparable).
 */
import type { CachedKind } from "./cache-options.ts";
import { decodeCached } from "./cached-unary.ts";
import type { CallContext, CallTarget } from "./call-runner.ts";
import { type CacheKeyMaterial, isKeyTarget, type ResponseCache } from "./response-cache.ts";
import { reportComplete } from "./unary-call.ts";

/** Send `items` upstream (routing, chunks, retries, fallbacks); their answers in order and who answered. */
export type BatchRun<I, R> = (items: readonly I[]) => Promise<{ items: R[]; target: CallTarget }>;

/** What a cached batch needs of its call. */
export interface CachedBatch<I, R> {
  keyOf(target: CallTarget, item: I): CacheKeyMaterial;
  run: BatchRun<I, R>;
  /** Strict mode: throw when `target` would not honour the whole batch (an all-hit batch is checked too). */
  check(target: CallTarget): void;
}

/** Run `items` through the cache (completion reported here; errors by the caller). */
export async function runCachedBatch<I, R>(
  cache: ResponseCache,
  context: CallContext,
  first: CallTarget,
  kind: CachedKind,
  items: readonly I[],
  batch: CachedBatch<I, R>,
): Promise<R[]> {
  const keys = await cache.keys(
    kind,
    first,
    items.map((item) => batch.keyOf(first, item)),
  );
  const lookup = await cache.lookup(context, first, keys);
  const results: (R | undefined)[] = lookup.values.map((value) => decodeCached<R>(value));
  const missing: number[] = [];
  for (const [index, result] of results.entries()) if (result === undefined) missing.push(index);
  if (missing.length === 0) {
    batch.check(first);
    reportComplete(context, first, undefined);
    return results as R[];
  }
  const sent = missing.map((index) => items[index]!);
  const { items: answers, target } = await batch.run(sent);
  if (!isKeyTarget(first, target) && missing.length < items.length) {
    // The hits are the first target's, the misses another's: ask the route again for everything.
    const whole = await batch.run(items);
    reportComplete(context, whole.target, undefined);
    return whole.items;
  }
  for (const [position, index] of missing.entries()) results[index] = answers[position];
  if (isKeyTarget(first, target)) {
    await cache.save(
      context,
      first,
      kind,
      missing.map((index, position) => ({
        key: keys[index]!,
        value: JSON.stringify(answers[position]),
      })),
    );
  }
  reportComplete(context, target, undefined);
  return results as R[];
}
