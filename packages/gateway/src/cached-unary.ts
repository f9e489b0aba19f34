/**
 * The response cache's part of a unary call: its one key (built for the
 * call's first routed target), the lookup, and after a miss the write of
 * the answer — only when that target answered (a fallback's answer is
 * never stored under the primary's key).
 */
import type { Warning } from "@ratatoskr/core";
import type { CachedKind } from "./cache-options.ts";
import type { CallContext, CallTarget } from "./call-runner.ts";
import {
  type CacheKeyMaterial,
  isKeyTarget,
  joinCacheWarnings,
  type ResponseCache,
} from "./response-cache.ts";

/** How one kind of unary call uses the response cache. */
export interface UnaryCacheSpec<Result> {
  readonly kind: CachedKind;
  /** Chat and generation: whether the call is deterministic (temperature 0 or a seed). */
  readonly deterministic?: boolean;
  /** The input and the options that change the answer, for `target`. */
  keyOf(target: CallTarget): CacheKeyMaterial;
  /** What is stored of a result (default: all of it). */
  stored?(result: Result): Result;
  /** The result with the cache's warnings added (chat and generation; others report them only to `onWarning`). */
  withWarnings?(result: Result, warnings: readonly Warning[]): Result;
}

/** A unary call's cache entry, once looked up. */
export interface UnaryCacheSlot<Result> {
  /** The stored answer (a fresh copy), or undefined on a miss. */
  readonly hit: Result | undefined;
  /** After a miss: store `result` when `answered` is the key's target; the result with the cache's warnings. */
  save(result: Result, answered: CallTarget): Promise<Result>;
}

/** A stored value, decoded; undefined (a miss) when it is not one. */
export function decodeCached<T>(value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

/** Look up the call's entry (reported to `onCacheLookup`). */
export async function openUnaryCache<Result>(
  cache: ResponseCache,
  context: CallContext,
  target: CallTarget,
  spec: UnaryCacheSpec<Result>,
): Promise<UnaryCacheSlot<Result>> {
  const [key] = await cache.keys(spec.kind, target, [spec.keyOf(target)]);
  const lookup = await cache.lookup(context, target, [key!]);
  return {
    hit: decodeCached<Result>(lookup.values[0]),
    async save(result, answered) {
      let warnings = lookup.warnings;
      if (isKeyTarget(target, answered)) {
        const value = JSON.stringify(spec.stored === undefined ? result : spec.stored(result));
        warnings = joinCacheWarnings(
          warnings,
          await cache.save(context, target, spec.kind, [{ key: key!, value }]),
        );
      }
      if (warnings === undefined || spec.withWarnings === undefined) return result;
      return spec.withWarnings(result, warnings);
    },
  };
}
