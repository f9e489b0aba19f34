/**
 * `[cache]` and `[redis]` of the configuration file: the gateway's
 * response cache (in memory, or in Redis shared by every `ratd` that uses
 * the same server) and provider cool-downs shared through Redis.
 */
import {
  CACHED_KINDS,
  type CachedKind,
  DEFAULT_CACHE_STORE_TIMEOUT_MS,
  DEFAULT_MEMORY_CACHE_BYTES,
} from "@ratatoskr/gateway";
import { Secret } from "./secret.ts";
import type { TableReader } from "./table-reader.ts";

/** `[cache]`. */
export interface CacheConfig {
  /** `enabled`: answer repeated calls from the response cache (default false). */
  readonly enabled: boolean;
  /** `store`: `memory` (this process, default) or `redis` (`[redis]`, shared by every instance). */
  readonly store: "memory" | "redis";
  /** `max_bytes`: the memory store's bound (default 64 MiB). */
  readonly maxBytes: number;
  /** `chat`: cache deterministic chat (temperature 0 or a seed; default false). */
  readonly chat: boolean;
  /** `generate`: cache deterministic generation (default false). */
  readonly generate: boolean;
  /** `store_timeout_ms`: a store slower than this counts as a miss (default 1,000). */
  readonly storeTimeoutMs: number;
  /** `[cache.ttl_secs]`: time to live per kind, in seconds (absent kinds keep the gateway's defaults). */
  readonly ttlSeconds: Readonly<Partial<Record<CachedKind, number>>>;
}

/** `[redis]`. */
export interface RedisConfig {
  /**
   * The server's URL: `secrets.toml` `[redis].url` (which may hold a
   * password), else `RATATOSKR_REDIS_URL`, else `url` here (which must not).
   */
  readonly url: Secret;
  /** `key_prefix`: the prefix of every key (default `ratatoskr:`; cache entries under `<prefix>cache:`, provider state under `<prefix>providers:`). */
  readonly keyPrefix: string;
  /** `command_timeout_ms`: how long one Redis command may take (default 1,000). */
  readonly commandTimeoutMs: number;
  /** `shared_state`: share provider cool-downs with every instance on this server (default true). */
  readonly sharedState: boolean;
  /** `shared_budgets`: count `[providers.*]` budgets across every instance on this server (default true). */
  readonly sharedBudgets: boolean;
}

/** `[cache]` by default: off. */
export const DEFAULT_CACHE: CacheConfig = Object.freeze({
  enabled: false,
  store: "memory",
  maxBytes: DEFAULT_MEMORY_CACHE_BYTES,
  chat: false,
  generate: false,
  storeTimeoutMs: DEFAULT_CACHE_STORE_TIMEOUT_MS,
  ttlSeconds: Object.freeze({}),
});

/** `[redis].key_prefix` by default. */
export const DEFAULT_REDIS_KEY_PREFIX = "ratatoskr:";

/** The TOML name of each cached kind (`count_tokens` for `countTokens`). */
const TTL_KEYS: ReadonlyMap<string, CachedKind> = new Map(
  CACHED_KINDS.map((kind) => [kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), kind]),
);

/** `[cache]` (absent: {@link DEFAULT_CACHE}). */
export function readCache(cache: TableReader | undefined): CacheConfig {
  if (cache === undefined) return DEFAULT_CACHE;
  const ttl = cache.table("ttl_secs");
  const ttlSeconds: Partial<Record<CachedKind, number>> = {};
  for (const [name, kind] of TTL_KEYS) {
    const seconds = ttl?.integer(name, { min: 1, max: 365 * 24 * 3600 });
    if (seconds !== undefined) ttlSeconds[kind] = seconds;
  }
  ttl?.finish([...TTL_KEYS.keys()]);
  const config: CacheConfig = {
    enabled: cache.boolean("enabled") ?? DEFAULT_CACHE.enabled,
    store: cache.choice("store", ["memory", "redis"] as const) ?? DEFAULT_CACHE.store,
    maxBytes:
      cache.integer("max_bytes", { min: 1024, max: Number.MAX_SAFE_INTEGER }) ??
      DEFAULT_CACHE.maxBytes,
    chat: cache.boolean("chat") ?? DEFAULT_CACHE.chat,
    generate: cache.boolean("generate") ?? DEFAULT_CACHE.generate,
    storeTimeoutMs:
      cache.integer("store_timeout_ms", { min: 1, max: 60_000 }) ?? DEFAULT_CACHE.storeTimeoutMs,
    ttlSeconds: Object.freeze(ttlSeconds),
  };
  cache.finish([
    "enabled",
    "store",
    "max_bytes",
    "chat",
    "generate",
    "store_timeout_ms",
    "ttl_secs",
  ]);
  return Object.freeze(config);
}

/** Whether a Redis URL carries a user or password (`redis://:pw@host`). */
function hasCredentials(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(url);
}

/**
 * `[redis]` (absent: undefined). The URL comes from the secrets file's
 * `[redis].url`, else `RATATOSKR_REDIS_URL`, else this table's `url`,
 * which must not carry a password (it belongs in the secrets file).
 */
export function readRedis(
  redis: TableReader | undefined,
  secretUrl: Secret | undefined,
  env: Readonly<Record<string, string | undefined>>,
): RedisConfig | undefined {
  if (redis === undefined) return undefined;
  const written = redis.string("url");
  if (written !== undefined && hasCredentials(written)) {
    throw redis.error(
      "url",
      "must not carry a user or password: put the whole URL under [redis] url in secrets.toml, or in RATATOSKR_REDIS_URL",
    );
  }
  if (written !== undefined && !/^rediss?:\/\//i.test(written)) {
    throw redis.error(
      "url",
      `must be a redis:// or rediss:// URL (e.g. "redis://127.0.0.1:6379"); got ${JSON.stringify(written.slice(0, 60))}`,
    );
  }
  const fromEnv = env.RATATOSKR_REDIS_URL;
  const url =
    secretUrl ??
    (fromEnv !== undefined && fromEnv !== ""
      ? new Secret(fromEnv, "RATATOSKR_REDIS_URL")
      : written === undefined
        ? undefined
        : new Secret(written, `${redis.file} [redis].url`));
  if (url === undefined) {
    throw redis.error(
      "url",
      "is missing: set url here (no password), [redis] url in secrets.toml, or RATATOSKR_REDIS_URL",
    );
  }
  const config: RedisConfig = {
    url,
    keyPrefix: redis.string("key_prefix") ?? DEFAULT_REDIS_KEY_PREFIX,
    commandTimeoutMs: redis.integer("command_timeout_ms", { min: 1, max: 60_000 }) ?? 1000,
    sharedState: redis.boolean("shared_state") ?? true,
    sharedBudgets: redis.boolean("shared_budgets") ?? true,
  };
  redis.finish(["url", "key_prefix", "command_timeout_ms", "shared_state", "shared_budgets"]);
  return Object.freeze(config);
}
