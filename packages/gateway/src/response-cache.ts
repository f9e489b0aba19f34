/**
 * The response cache at run time: whether a call uses it, its keys, and the
 * store's reads and writes — each bounded by `storeTimeoutMs`, a store that
 * rejects, throws or never answers counting as unavailable. A failed read
 * is a miss for every entry and a failed write leaves the answer unstored;
 * either is a `cache_unavailable` warning (`onWarning`, and the result's
 * `warnings` for chat and generation), never a failed call. Each lookup is
 * reported once to `onCacheLookup`.
 */
import {
  type CacheEntry,
  type CallOptions,
  RatatoskrError,
  redactSecrets,
  type Warning,
  type WarningV1,
} from "@ratatoskr/core";
import { cacheKey } from "./cache-key.ts";
import type { CachedKind, ResolvedCacheOptions } from "./cache-options.ts";
import type { CallContext, CallTarget } from "./call-runner.ts";
import { reportWarnings } from "./call-warnings.ts";
import { emitHook, hookBase, summarizeError } from "./gateway-hooks.ts";

/** What decides one entry's answer besides its kind and target. */
export interface CacheKeyMaterial {
  readonly input: unknown;
  readonly options: unknown;
}

/** The outcome of one lookup: a value per key (undefined: a miss), and the warnings it gave. */
export interface CacheLookup {
  readonly values: readonly (string | undefined)[];
  readonly warnings: Warning[] | undefined;
}

function storeError(store: string, what: "read" | "write", error: unknown): RatatoskrError {
  if (RatatoskrError.isInstance(error) && error.code === "timeout") return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new RatatoskrError({
    code: "network",
    message: `The response cache store "${store}" failed to ${what}: ${redactSecrets(reason)}`,
    isRetryable: true,
  });
}

/** The response cache of one gateway. */
export class ResponseCache {
  readonly #options: ResolvedCacheOptions;

  constructor(options: ResolvedCacheOptions) {
    this.#options = options;
  }

  /** The store's name. */
  get storeName(): string {
    return this.#options.store.name;
  }

  /**
   * Whether a call of `kind` uses the cache: not when the call says
   * `cache: false`; chat and generation only when the cache opts them in
   * and the call is `deterministic`.
   */
  applies(kind: CachedKind, options: CallOptions | undefined, deterministic = true): boolean {
    if (options?.cache === false) return false;
    if (kind === "chat" || kind === "generate") return this.#options[kind] && deterministic;
    return true;
  }

  /** The key of each entry of a call of `kind` on `target`. */
  keys(
    kind: CachedKind,
    target: CallTarget,
    entries: readonly CacheKeyMaterial[],
  ): Promise<string[]> {
    const provider = target.provider.id;
    const providerModel = target.providerModel;
    return Promise.all(
      entries.map(({ input, options }) =>
        cacheKey({ kind, provider, providerModel, input, options }),
      ),
    );
  }

  /** Run a store operation, bounded by `storeTimeoutMs`; a synchronous throw is a rejection. */
  async #bounded<T>(what: "read" | "write", operation: () => Promise<T>): Promise<T> {
    const { store, storeTimeoutMs } = this.#options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new RatatoskrError({
            code: "timeout",
            message: `The response cache store "${store.name}" did not ${what} within ${storeTimeoutMs} ms`,
          }),
        );
      }, storeTimeoutMs);
    });
    try {
      return await Promise.race([new Promise<T>((resolve) => resolve(operation())), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The `cache_unavailable` warning of a failed store operation, reported to `onWarning`. */
  #warn(context: CallContext, target: CallTarget, error: RatatoskrError): Warning[] | undefined {
    const warning: WarningV1 = {
      type: "cache_unavailable",
      store: this.#options.store.name,
      details: error.message,
    };
    return reportWarnings(context, target, [warning]);
  }

  /**
   * Read `keys` for a call on `target` and report the lookup to
   * `onCacheLookup`. A failed read counts every key as a miss.
   */
  async lookup(
    context: CallContext,
    target: CallTarget,
    keys: readonly string[],
  ): Promise<CacheLookup> {
    const store = this.#options.store;
    let values: (string | undefined)[];
    let failure: RatatoskrError | undefined;
    try {
      const read = await this.#bounded("read", () => store.getMany(keys));
      if (!Array.isArray(read) || read.length !== keys.length) {
        throw new Error(
          `getMany returned ${Array.isArray(read) ? `${read.length} values for ${keys.length} keys` : "no array"}`,
        );
      }
      values = read.map((value) => (typeof value === "string" ? value : undefined));
    } catch (error) {
      failure = storeError(store.name, "read", error);
      values = keys.map(() => undefined);
    }
    let hits = 0;
    for (const value of values) if (value !== undefined) hits++;
    if (context.hooks?.onCacheLookup) {
      emitHook(context.hooks, "onCacheLookup", {
        ...hookBase(context),
        provider: target.provider.id,
        providerModel: target.providerModel,
        store: store.name,
        hits,
        misses: values.length - hits,
        ...(failure === undefined ? {} : { error: summarizeError(failure) }),
      });
    }
    return {
      values,
      warnings: failure === undefined ? undefined : this.#warn(context, target, failure),
    };
  }

  /** Write `entries` (time to live of `kind`); a failed write is only a warning (returned). */
  async save(
    context: CallContext,
    target: CallTarget,
    kind: CachedKind,
    entries: readonly { key: string; value: string }[],
  ): Promise<Warning[] | undefined> {
    if (entries.length === 0) return undefined;
    const ttlMs = this.#options.ttlMs[kind];
    const store = this.#options.store;
    const written: CacheEntry[] = entries.map(({ key, value }) => ({ key, value, ttlMs }));
    try {
      await this.#bounded("write", () => store.setMany(written));
      return undefined;
    } catch (error) {
      return this.#warn(context, target, storeError(store.name, "write", error));
    }
  }
}

/** Whether `answered` is the target a key was built for (only its answers are stored). */
export function isKeyTarget(key: CallTarget, answered: CallTarget): boolean {
  return key.provider === answered.provider && key.providerModel === answered.providerModel;
}

/** `a` then `b` (undefined when both are). */
export function joinCacheWarnings(
  a: Warning[] | undefined,
  b: Warning[] | undefined,
): Warning[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return [...a, ...b];
}
