/**
 * The response cache's storage contract. The gateway's response cache
 * (builder `.cache()`) reads and writes entries through a {@link CacheStore}:
 * an in-memory LRU bounded in bytes ships with the gateway, a Redis store
 * with `@ratatoskr/redis`, and any other store fits the same shape.
 *
 * Keys are opaque strings the gateway builds (a hash of the capability, the
 * resolved provider and model, the input, the options that change the
 * result and a cache-format version). Values are opaque strings the gateway
 * encodes and decodes; a store never interprets them.
 */

/** One entry to write. */
export interface CacheEntry {
  /** The key, as the gateway built it. */
  readonly key: string;
  /** The encoded value. */
  readonly value: string;
  /** Time to live in ms (a positive integer). */
  readonly ttlMs: number;
}

/**
 * A store of cached responses. Both methods may reject (a store that is
 * unreachable); the gateway then treats every key as a miss, reports a
 * `cache_unavailable` warning through `onWarning` and the `onCacheLookup`
 * hook, and the call goes upstream as if no cache were set. A store must
 * never throw synchronously.
 */
export interface CacheStore {
  /** A short name for hooks, metrics and warnings (`"memory"`, `"redis"`). */
  readonly name: string;
  /** The value of each key, in order; `undefined` for a miss or an expired entry. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Write entries, each with its own time to live. */
  setMany(entries: readonly CacheEntry[]): Promise<void>;
  /** Release connections and timers. Optional; the gateway never calls it on its own. */
  close?(): Promise<void>;
}
