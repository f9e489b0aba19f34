/**
 * Provider budgets shared through Redis, for gateways behind a load
 * balancer (builder `.providerLimits()` with `.budgetStore()`): every
 * instance takes its slots from the same keys, so together they hold a
 * provider to one `maxInFlight` and one `requestsPerMinute`.
 *
 * Each decision is one Lua script (atomic, on the Redis server's clock):
 * - in flight: a sorted set `<prefix>inflight:<provider>` of lease ids, each
 *   scored by its expiry. Expired leases (an instance that was killed with
 *   slots held) are removed before counting, so they come back after the
 *   lease time to live. An instance renews the leases it holds every third
 *   of that time (one script per provider), so a long stream keeps its slot.
 * - per minute: a counter `<prefix>rate:<provider>` that lives until the end
 *   of the current clock minute (PEXPIRE), a fixed window; its PTTL is the
 *   refusal's `retryAfterMs`.
 */
import { randomUUID } from "node:crypto";
import {
  type BudgetDecision,
  invalidInput,
  type ProviderBudgetStore,
  type ProviderLease,
  type ProviderLimits,
} from "@ratatoskr/core";
import {
  closeConnection,
  openConnection,
  type RedisConnectionOptions,
  runCommand,
} from "./redis-connection.ts";

/** The Redis budget store: a `ProviderBudgetStore` whose `close()` is always there. */
export interface RedisProviderBudgets extends ProviderBudgetStore {
  /** Stop renewing the leases held (they expire by themselves) and close the client the store created. */
  close(): Promise<void>;
}

/** Options of {@link createRedisProviderBudgets}. */
export interface RedisProviderBudgetsOptions extends RedisConnectionOptions {
  /**
   * Prefix of the keys (`<prefix>inflight:<provider>`,
   * `<prefix>rate:<provider>`) (default `"ratatoskr:budgets:"`). Gateways
   * that share budgets use the same prefix; separate deployments on one
   * Redis use different ones.
   */
  keyPrefix?: string;
  /**
   * How long a lease counts without being renewed, in ms (default 30,000).
   * A running instance renews its leases every third of it, however long
   * its requests last; the leases of an instance that died come back after
   * at most this long.
   */
  leaseTtlMs?: number;
}

/** The default {@link RedisProviderBudgetsOptions.keyPrefix}. */
export const DEFAULT_BUDGET_KEY_PREFIX = "ratatoskr:budgets:";

/** The default {@link RedisProviderBudgetsOptions.leaseTtlMs}. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

/** The Redis server's clock, in ms. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: in-flight set, rate counter. ARGV: maxInFlight (0: none),
 * requestsPerMinute (0: none), lease id, lease TTL ms.
 * Returns {1} or {0, limit, retryAfterMs (-1: unknown)}.
 */
const ACQUIRE = `${NOW}
local maxInFlight = tonumber(ARGV[1])
local perMinute = tonumber(ARGV[2])
local ttl = tonumber(ARGV[4])
if maxInFlight > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if redis.call('ZCARD', KEYS[1]) >= maxInFlight then
    return {0, 'maxInFlight', -1}
  end
end
if perMinute > 0 then
  local count = tonumber(redis.call('GET', KEYS[2]) or '0')
  if count >= perMinute then
    return {0, 'requestsPerMinute', redis.call('PTTL', KEYS[2])}
  end
  if redis.call('INCR', KEYS[2]) == 1 then
    redis.call('PEXPIRE', KEYS[2], 60000 - (now % 60000))
  end
end
if maxInFlight > 0 then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
end
return {1}`;

/** KEYS: in-flight set. ARGV: lease TTL ms, lease ids. Renews the leases still there. */
const RENEW = `${NOW}
local ttl = tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return 1`;

function ignore(): void {}

function invalidOption(field: string, problem: string) {
  return invalidInput(`createRedisProviderBudgets: ${field} ${problem}`, { field });
}

/** A count limit as the script takes it (0: none). */
function limitArgument(value: number | undefined): string {
  return value !== undefined && Number.isInteger(value) && value > 0 ? String(value) : "0";
}

/**
 * A {@link ProviderBudgetStore} in Redis: give it to every gateway instance
 * with `Ratatoskr.builder().providerLimits({ … }).budgetStore(createRedisProviderBudgets({ url }))`,
 * one store object per gateway, all with the same limits. See the module
 * comment for the keys and scripts.
 *
 * While Redis is unreachable `acquire` rejects fast with a `network`
 * RatatoskrError (no password in it) and the gateway uses its in-memory
 * budget, with a warning; a `release` that fails is left to the lease time
 * to live. `close()` stops the renewals (the leases still held then expire
 * by themselves) and closes the client the store created.
 *
 * Throws `invalid_input` for bad options.
 */
export function createRedisProviderBudgets(
  options: RedisProviderBudgetsOptions,
): RedisProviderBudgets {
  // Checked before the connection opens, so a bad option leaves no client behind.
  const prefix = options?.keyPrefix ?? DEFAULT_BUDGET_KEY_PREFIX;
  if (typeof prefix !== "string") throw invalidOption("keyPrefix", "must be a string");
  const ttl = options?.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isInteger(ttl) || ttl < 3)
    throw invalidOption("leaseTtlMs", "must be an integer ≥ 3");
  const connection = openConnection(options, "createRedisProviderBudgets");
  const inFlightKey = (provider: string) => `${prefix}inflight:${provider}`;
  const rateKey = (provider: string) => `${prefix}rate:${provider}`;
  /** The in-flight leases this instance holds, by provider (renewed until released). */
  const held = new Map<string, Set<string>>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const renew = () => {
    for (const [provider, ids] of held) {
      if (ids.size === 0) continue;
      runCommand(connection, "budget lease renewal (EVAL)", (client) =>
        client.eval(RENEW, { keys: [inFlightKey(provider)], arguments: [String(ttl), ...ids] }),
      ).catch(ignore);
    }
  };

  const hold = (lease: ProviderLease) => {
    let ids = held.get(lease.provider);
    if (ids === undefined) {
      ids = new Set();
      held.set(lease.provider, ids);
    }
    ids.add(lease.id);
    if (timer === undefined && !closed) {
      timer = setInterval(renew, Math.floor(ttl / 3));
      timer.unref?.();
    }
  };

  const drop = (lease: ProviderLease): boolean => {
    const ids = held.get(lease.provider);
    if (ids === undefined || !ids.delete(lease.id)) return false;
    if (ids.size === 0) held.delete(lease.provider);
    if (held.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
    return true;
  };

  return {
    name: "redis",

    async acquire(provider: string, limits: ProviderLimits): Promise<BudgetDecision> {
      const maxInFlight = limitArgument(limits?.maxInFlight);
      const id = randomUUID();
      const reply = await runCommand(connection, "budget acquire (EVAL)", (client) =>
        client.eval(ACQUIRE, {
          keys: [inFlightKey(provider), rateKey(provider)],
          arguments: [maxInFlight, limitArgument(limits?.requestsPerMinute), id, String(ttl)],
        }),
      );
      const [granted, limit, retryAfter] = Array.isArray(reply) ? reply : [];
      const lease: ProviderLease = { provider, id };
      if (granted === 1) {
        if (maxInFlight !== "0") hold(lease);
        return { granted: true, lease };
      }
      if (limit === "maxInFlight") return { granted: false, limit };
      const retryAfterMs =
        typeof retryAfter === "number" && retryAfter >= 0 ? retryAfter : undefined;
      return {
        granted: false,
        limit: "requestsPerMinute",
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    },

    async release(lease: ProviderLease): Promise<void> {
      // Only leases that count in flight are in the set; a rate-only lease has nothing to give back.
      if (!drop(lease)) return;
      await runCommand(connection, "budget release (ZREM)", (client) =>
        client.zRem(inFlightKey(lease.provider), lease.id),
      );
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      held.clear();
      await closeConnection(connection);
    },
  };
}
