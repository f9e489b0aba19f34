/**
 * `MemoryCacheStore`: the response cache's default store, an in-process
 * LRU bounded in bytes that honours each entry's time to live.
 */
import { type CacheEntry, type CacheStore, RatatoskrError } from "@ratatoskr/core";

/** Default bound of a {@link MemoryCacheStore}: 64 MiB. */
export const DEFAULT_MEMORY_CACHE_BYTES = 64 * 1024 * 1024;

/** Options of {@link MemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  /**
   * The most bytes the entries may hold (default {@link DEFAULT_MEMORY_CACHE_BYTES}).
   * An entry counts `(key.length + value.length) × 2` bytes (the strings'
   * UTF-16 size; the map's own overhead is not counted). The least recently
   * used entries are evicted to make room; an entry larger than the bound is
   * not stored.
   */
  maxBytes?: number;
  /** The clock, in ms (default `Date.now`); tests pass a fake one. */
  now?: () => number;
}

interface StoredEntry {
  readonly value: string;
  readonly expiresAt: number;
  readonly bytes: number;
}

/** The bytes an entry counts for (see {@link MemoryCacheStoreOptions.maxBytes}). */
export function memoryEntryBytes(key: string, value: string): number {
  return (key.length + value.length) * 2;
}

/**
 * An in-memory {@link CacheStore}: least recently used entries go first when
 * the byte bound is reached, and an entry is a miss (and dropped) once its
 * time to live has passed. Reads and writes never fail.
 */
export class MemoryCacheStore implements CacheStore {
  /** `"memory"`. */
  readonly name = "memory";
  readonly #maxBytes: number;
  readonly #now: () => number;
  /** Insertion order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, StoredEntry>();
  #bytes = 0;

  constructor(options: MemoryCacheStoreOptions = {}) {
    const { maxBytes = DEFAULT_MEMORY_CACHE_BYTES, now = Date.now } = options ?? {};
    if (typeof maxBytes !== "number" || !Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw new RatatoskrError({
        code: "configuration",
        message: `MemoryCacheStore: maxBytes must be a positive integer, got ${String(maxBytes)}`,
      });
    }
    if (typeof now !== "function") {
      throw new RatatoskrError({
        code: "configuration",
        message: `MemoryCacheStore: now must be a function, got ${typeof now}`,
      });
    }
    this.#maxBytes = maxBytes;
    this.#now = now;
  }

  /** Bytes held now (see {@link MemoryCacheStoreOptions.maxBytes}). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries held now (expired ones included until they are read or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const now = this.#now();
    const values = keys.map((key) => {
      const entry = this.#entries.get(key);
      if (entry === undefined) return undefined;
      this.#entries.delete(key);
      if (entry.expiresAt <= now) {
        this.#bytes -= entry.bytes;
        return undefined;
      }
      this.#entries.set(key, entry); // most recently used now
      return entry.value;
    });
    return Promise.resolve(values);
  }

  setMany(entries: readonly CacheEntry[]): Promise<void> {
    const now = this.#now();
    for (const { key, value, ttlMs } of entries) {
      this.#delete(key);
      const bytes = memoryEntryBytes(key, value);
      if (bytes > this.#maxBytes || !(ttlMs > 0)) continue;
      this.#entries.set(key, { value, expiresAt: now + ttlMs, bytes });
      this.#bytes += bytes;
      this.#evict();
    }
    return Promise.resolve();
  }

  /** Drop every entry. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** Drop every entry (nothing else to release). */
  close(): Promise<void> {
    this.clear();
    return Promise.resolve();
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** Evict least recently used entries until the bound holds. */
  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) return;
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }
}
