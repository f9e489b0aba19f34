/**
 * A cache of routing results bounded both in entries and in (estimated)
 * bytes, so distinct model strings — each up to core's `MAX_MODEL_LENGTH`
 * characters — can never make it hold more than its budget. Full: the
 * oldest entries go first. A hit costs one `Map.get`.
 */
import type { CallTarget } from "./call-runner.ts";
import type { RouteDecision } from "./router.ts";

/** Bounds and the size estimate of a {@link RouteCache}. */
export interface RouteCacheOptions<V> {
  /** Most entries held. */
  maxEntries: number;
  /** Most bytes held, as estimated by `sizeOf`. */
  maxBytes: number;
  /** Estimated bytes of one entry (its key included). */
  sizeOf(key: string, value: V): number;
}

interface Entry<V> {
  value: V;
  bytes: number;
}

/** Estimated bytes of a string held in memory (UTF-16, the worst case). */
export function stringBytes(text: string): number {
  return text.length * 2;
}

/** A FIFO cache bounded in entries and bytes. */
export class RouteCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #options: RouteCacheOptions<V>;
  #bytes = 0;

  constructor(options: RouteCacheOptions<V>) {
    this.#options = options;
  }

  /** The value cached for `key`. */
  get(key: string): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Cache `value` for `key`, evicting the oldest entries to stay within both bounds. */
  set(key: string, value: V): void {
    this.#delete(key);
    const bytes = this.#options.sizeOf(key, value);
    if (bytes > this.#options.maxBytes || this.#options.maxEntries < 1) return;
    while (
      this.#entries.size >= this.#options.maxEntries ||
      this.#bytes + bytes > this.#options.maxBytes
    ) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#delete(oldest.value);
    }
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.#bytes;
  }
}

/** Bytes counted per cache entry besides its strings (the entry, the cached object, its arrays). */
const ENTRY_OVERHEAD_BYTES = 256;
/** Bytes counted per item of a cached array besides its strings. */
const ITEM_OVERHEAD_BYTES = 64;

/** Estimated bytes of a cached route decision under `key`. */
export function routeDecisionBytes(key: string, decision: RouteDecision): number {
  let bytes =
    ENTRY_OVERHEAD_BYTES +
    stringBytes(key) +
    stringBytes(decision.model) +
    stringBytes(decision.providerModel) +
    stringBytes(decision.explanation);
  for (const candidate of decision.candidates) {
    bytes += ITEM_OVERHEAD_BYTES + stringBytes(candidate.provider);
    if (candidate.reason !== undefined) bytes += stringBytes(candidate.reason);
  }
  for (const provider of decision.providers) bytes += ITEM_OVERHEAD_BYTES + stringBytes(provider);
  return bytes;
}

/** Estimated bytes of a cached target list under `key`. */
export function callTargetsBytes(key: string, targets: readonly CallTarget[]): number {
  let bytes = ENTRY_OVERHEAD_BYTES + stringBytes(key);
  for (const target of targets) bytes += ITEM_OVERHEAD_BYTES + stringBytes(target.providerModel);
  return bytes;
}
