/**
 * The response cache's options (builder `.cache()`), their defaults and
 * their check: a bad option is a `configuration` error naming the field.
 */
import { CAPABILITIES, type CacheStore, RatatoskrError } from "@ratatoskr/core";
import { MemoryCacheStore } from "./memory-cache-store.ts";

/**
 * What the response cache can hold: `tokenize` is apart from `countTokens`
 * (same route, a different answer); `classify` covers `classifyZeroShot`
 * and `classifyStance`.
 */
export type CachedKind =
  | "chat"
  | "generate"
  | "embed"
  | "nli"
  | "classify"
  | "countTokens"
  | "tokenize";

/** Every {@link CachedKind}. */
export const CACHED_KINDS: readonly CachedKind[] = [...CAPABILITIES, "tokenize"];

const HOUR_MS = 60 * 60 * 1000;

/**
 * Default time to live of each kind of entry, in ms: a day for embeddings,
 * NLI, classifications and token counts (the same model gives the same
 * answer; a day bounds how long a model updated behind the same name keeps
 * its old answers), an hour for chat and generation.
 */
export const DEFAULT_CACHE_TTL_MS: Readonly<Record<CachedKind, number>> = Object.freeze({
  chat: HOUR_MS,
  generate: HOUR_MS,
  embed: 24 * HOUR_MS,
  nli: 24 * HOUR_MS,
  classify: 24 * HOUR_MS,
  countTokens: 24 * HOUR_MS,
  tokenize: 24 * HOUR_MS,
});

/** Default bound of each store read or write, in ms: a slower store counts as unavailable. */
export const DEFAULT_CACHE_STORE_TIMEOUT_MS = 1000;

/** Options of the response cache (builder `.cache()`). See `docs/cache.md`. */
export interface CacheOptions {
  /** Where entries live (default: a new `MemoryCacheStore` of 64 MiB). */
  store?: CacheStore;
  /** Time to live per kind, in ms (positive integers), over {@link DEFAULT_CACHE_TTL_MS}. */
  ttlMs?: Partial<Record<CachedKind, number>>;
  /** Cache deterministic `chat()` answers (temperature 0 or a seed set). Default false. */
  chat?: boolean;
  /** Cache deterministic `generate()` answers (temperature 0 or a seed set). Default false. */
  generate?: boolean;
  /**
   * Bound of each store read or write, in ms (default
   * {@link DEFAULT_CACHE_STORE_TIMEOUT_MS}): a store that has not answered
   * by then counts as unavailable (a miss, or an answer not stored).
   */
  storeTimeoutMs?: number;
}

/** The cache's options with defaults applied. */
export interface ResolvedCacheOptions {
  readonly store: CacheStore;
  readonly ttlMs: Readonly<Record<CachedKind, number>>;
  readonly chat: boolean;
  readonly generate: boolean;
  readonly storeTimeoutMs: number;
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  "store",
  "ttlMs",
  "chat",
  "generate",
  "storeTimeoutMs",
]);

function configuration(field: string, message: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message: `cache: ${field} ${message}` });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return String(value);
  return typeof value;
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw configuration(field, `must be a positive integer of ms, got ${describe(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function assertStore(store: unknown): asserts store is CacheStore {
  if (!isRecord(store)) {
    throw configuration("store", `must be a CacheStore object, got ${describe(store)}`);
  }
  if (typeof store.name !== "string" || store.name === "") {
    throw configuration("store.name", "must be a non-empty string");
  }
  for (const method of ["getMany", "setMany"] as const) {
    if (typeof store[method] !== "function") {
      throw configuration(`store.${method}`, `must be a function, got ${describe(store[method])}`);
    }
  }
}

/** Check `options` and apply the defaults; throws `configuration` naming the bad field. */
export function resolveCacheOptions(options: unknown): ResolvedCacheOptions {
  if (options === undefined) options = {};
  if (!isRecord(options)) {
    throw configuration("options", `must be an object or false, got ${describe(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) {
      throw configuration(
        name,
        `is not an option; the options are ${[...OPTION_NAMES].join(", ")}`,
      );
    }
  }
  if (options.store !== undefined) assertStore(options.store);
  for (const name of ["chat", "generate"] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== "boolean") {
      throw configuration(name, `must be true or false, got ${describe(value)}`);
    }
  }
  const ttlMs = { ...DEFAULT_CACHE_TTL_MS };
  if (options.ttlMs !== undefined) {
    if (!isRecord(options.ttlMs)) {
      throw configuration(
        "ttlMs",
        `must be an object keyed by kind, got ${describe(options.ttlMs)}`,
      );
    }
    for (const [kind, value] of Object.entries(options.ttlMs)) {
      if (!CACHED_KINDS.includes(kind as CachedKind)) {
        throw configuration(
          `ttlMs.${kind}`,
          `is not a cached kind; they are ${CACHED_KINDS.join(", ")}`,
        );
      }
      if (value !== undefined) ttlMs[kind as CachedKind] = positiveInteger(value, `ttlMs.${kind}`);
    }
  }
  return {
    store: (options.store as CacheStore | undefined) ?? new MemoryCacheStore(),
    ttlMs,
    chat: options.chat === true,
    generate: options.generate === true,
    storeTimeoutMs:
      options.storeTimeoutMs === undefined
        ? DEFAULT_CACHE_STORE_TIMEOUT_MS
        : positiveInteger(options.storeTimeoutMs, "storeTimeoutMs"),
  };
}
