/**
 * The response cache's store in Redis: one string key per entry (the
 * gateway's key behind `keyPrefix`), read with one MGET, written with one
 * pipeline of `SET key value PX ttl`. Shared by every gateway pointed at the
 * same Redis, so an answer cached by one instance is a hit on all of them.
 */
import { type CacheEntry, type CacheStore, invalidInput } from "@ratatoskr/core";
import {
  closeConnection,
  openConnection,
  type RedisConnectionOptions,
  runCommand,
} from "./redis-connection.ts";

/** Options of {@link createRedisCacheStore}. */
export interface RedisCacheStoreOptions extends RedisConnectionOptions {
  /** Prefix of every key the store writes (default `"ratatoskr:cache:"`). */
  keyPrefix?: string;
}

/** The default {@link RedisCacheStoreOptions.keyPrefix}. */
export const DEFAULT_CACHE_KEY_PREFIX = "ratatoskr:cache:";

/**
 * A {@link CacheStore} in Redis for the gateway's response cache.
 *
 * While Redis is unreachable every call rejects fast (no offline queue, at
 * most `commandTimeoutMs`) with a `network` RatatoskrError — the gateway
 * then treats the lookup as a miss and calls upstream — and the store
 * reconnects by itself when Redis is back. It never throws synchronously
 * and never lets the client's `error` event go unhandled.
 *
 * ```ts
 * const cache = createRedisCacheStore({ url: "redis://cache.internal:6379" });
 * ```
 *
 * Throws `invalid_input` for bad options (at creation, not per call).
 */
export function createRedisCacheStore(options: RedisCacheStoreOptions): CacheStore {
  const connection = openConnection(options, "createRedisCacheStore");
  const prefix = options.keyPrefix ?? DEFAULT_CACHE_KEY_PREFIX;
  if (typeof prefix !== "string") {
    throw invalidInput("createRedisCacheStore: keyPrefix must be a string", { field: "keyPrefix" });
  }
  let closed: Promise<void> | undefined;

  return {
    name: "redis",
    async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
      if (keys.length === 0) return [];
      const values = await runCommand(connection, "cache getMany (MGET)", (client) =>
        client.mGet(keys.map((key) => prefix + key)),
      );
      return keys.map((_, index) => {
        const value = values[index];
        return typeof value === "string" ? value : undefined;
      });
    },
    async setMany(entries: readonly CacheEntry[]): Promise<void> {
      entries.forEach((entry, index) => {
        if (!Number.isInteger(entry?.ttlMs) || entry.ttlMs <= 0) {
          throw invalidInput(`entries[${index}].ttlMs must be a positive integer`, {
            field: `entries[${index}].ttlMs`,
          });
        }
      });
      if (entries.length === 0) return;
      await runCommand(connection, "cache setMany (SET PX)", async (client) => {
        const pipeline = client.multi();
        for (const entry of entries) {
          pipeline.set(prefix + entry.key, entry.value, {
            expiration: { type: "PX", value: entry.ttlMs },
          });
        }
        await pipeline.execAsPipeline();
      });
    },
    close(): Promise<void> {
      closed ??= closeConnection(connection);
      return closed;
    },
  };
}
