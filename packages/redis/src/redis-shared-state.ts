/**
 * Provider cool-downs shared through Redis, for gateways behind a load
 * balancer (builder `.sharedState()`): one key per cooling provider, with a
 * PX time to live of the remaining cool-down (so a new instance reads the
 * cool-downs in force with a SCAN, and an ended one disappears by itself),
 * and a pub/sub channel so the running instances learn a cool-down or a
 * recovery at once. Durations cross the wire, never clock readings.
 */
import { randomUUID } from "node:crypto";
import {
  ERROR_CODES,
  type ErrorCode,
  invalidInput,
  type SharedCooldown,
  type SharedProviderEvent,
  type SharedProviderListener,
  type SharedProviderState,
} from "@ratatoskr/core";
import {
  closeConnection,
  openConnection,
  type RedisClient,
  type RedisConnectionOptions,
  runCommand,
} from "./redis-connection.ts";

/** Options of {@link createRedisSharedState}. */
export interface RedisSharedStateOptions extends RedisConnectionOptions {
  /**
   * Prefix of the keys (`<prefix>cooldown:<provider>`) and of the channel
   * (`<prefix>events`) (default `"ratatoskr:providers:"`). Gateways that
   * share cool-downs use the same prefix; separate deployments on one Redis
   * use different ones.
   */
  keyPrefix?: string;
}

/** The default {@link RedisSharedStateOptions.keyPrefix}. */
export const DEFAULT_SHARED_STATE_KEY_PREFIX = "ratatoskr:providers:";

/** What a cool-down key holds (its TTL is the remaining cool-down). */
interface StoredCooldown {
  failures: number;
  lastError: ErrorCode;
}

/** A message on the channel. */
type WireEvent =
  | ({
      v: 1;
      origin: string;
      type: "cooldown";
      provider: string;
      remainingMs: number;
    } & StoredCooldown)
  | { v: 1; origin: string; type: "recovery"; provider: string };

const CODES = new Set<string>(ERROR_CODES);

function ignore(): void {}

/** The stored fields, when `value` holds them; `undefined` for anything else. */
function parseStored(value: unknown): StoredCooldown | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { failures, lastError } = value as Record<string, unknown>;
  if (typeof failures !== "number" || !Number.isInteger(failures) || failures < 0) return undefined;
  if (typeof lastError !== "string" || !CODES.has(lastError)) return undefined;
  return { failures, lastError: lastError as ErrorCode };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The event a channel message carries, unless it is malformed or our own. */
function parseEvent(
  message: string,
  ownOrigin: string,
  now: number,
): SharedProviderEvent | undefined {
  const parsed = parseJson(message) as Partial<WireEvent> | undefined;
  if (typeof parsed !== "object" || parsed === null || parsed.v !== 1) return undefined;
  if (parsed.origin === ownOrigin || typeof parsed.provider !== "string") return undefined;
  if (parsed.type === "recovery") return { type: "recovery", provider: parsed.provider };
  if (parsed.type !== "cooldown") return undefined;
  const stored = parseStored(parsed);
  const { remainingMs } = parsed as { remainingMs?: unknown };
  if (stored === undefined || typeof remainingMs !== "number" || !(remainingMs > 0))
    return undefined;
  return {
    type: "cooldown",
    cooldown: { provider: parsed.provider, until: now + remainingMs, ...stored },
  };
}

/** `text` with the glob characters of a SCAN MATCH pattern escaped. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/**
 * A {@link SharedProviderState} in Redis: give it to every gateway instance
 * with `Ratatoskr.builder().sharedState(createRedisSharedState({ url }))`,
 * one state object per gateway.
 *
 * A cool-down is written as `SET <prefix>cooldown:<provider> … PX
 * <remaining ms>` and published on `<prefix>events`; a recovery deletes the
 * key and is published. `snapshot()` reads the keys in force. Subscribing
 * opens a second connection (a duplicate of the client); after a
 * reconnection it subscribes again and replays the snapshot to its
 * listeners, so cool-downs published during an outage still arrive (a
 * recovery missed during an outage is not replayed: that cool-down just
 * runs out). While Redis is unreachable every method rejects fast with a
 * `network` RatatoskrError and the gateway keeps its local cool-downs.
 *
 * Throws `invalid_input` for bad options.
 */
export function createRedisSharedState(options: RedisSharedStateOptions): SharedProviderState {
  const connection = openConnection(options, "createRedisSharedState");
  const prefix = options.keyPrefix ?? DEFAULT_SHARED_STATE_KEY_PREFIX;
  if (typeof prefix !== "string") {
    throw invalidInput("createRedisSharedState: keyPrefix must be a string", {
      field: "keyPrefix",
    });
  }
  const keyOf = (provider: string) => `${prefix}cooldown:${provider}`;
  const channel = `${prefix}events`;
  const origin = randomUUID();
  const listeners = new Set<SharedProviderListener>();
  let subscriber: RedisClient | undefined;
  let closed: Promise<void> | undefined;

  const emit = (event: SharedProviderEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear the event.
      }
    }
  };

  const snapshot = async (): Promise<SharedCooldown[]> =>
    runCommand(connection, "shared state snapshot (SCAN)", async (client) => {
      const keys: string[] = [];
      for await (const batch of client.scanIterator({
        MATCH: `${escapeGlob(prefix)}cooldown:*`,
        COUNT: 100,
      })) {
        keys.push(...batch);
      }
      if (keys.length === 0) return [];
      const pipeline = client.multi();
      for (const key of keys) pipeline.get(key).pTTL(key);
      const replies = (await pipeline.execAsPipeline()) as unknown[];
      const now = Date.now();
      const cooldowns: SharedCooldown[] = [];
      keys.forEach((key, index) => {
        const value = replies[index * 2];
        const ttl = replies[index * 2 + 1];
        if (typeof value !== "string" || typeof ttl !== "number" || ttl <= 0) return;
        const stored = parseStored(parseJson(value));
        if (stored === undefined) return;
        cooldowns.push({ provider: key.slice(keyOf("").length), until: now + ttl, ...stored });
      });
      return cooldowns;
    });

  const onMessage = (message: string) => {
    const event = parseEvent(message, origin, Date.now());
    if (event !== undefined) emit(event);
  };

  /** Replay the cool-downs in force to the listeners (a failure waits for the next `ready`). */
  const replay = async () => {
    try {
      for (const cooldown of await snapshot()) emit({ type: "cooldown", cooldown });
    } catch {
      // The main client is not ready yet: its own `ready` replays again.
    }
  };

  /**
   * On every (re)connection of the subscriber: subscribe, then replay the
   * cool-downs in force. The snapshot goes through the main client, which
   * may reconnect later than the subscriber after an outage; its own
   * `ready` replays once more, so a cool-down published while this
   * instance was not yet listening is still learnt from its key.
   */
  const resync = async (client: RedisClient) => {
    try {
      await client.subscribe(channel, onMessage);
    } catch {
      // Redis went away again; the next `ready` retries.
      return;
    }
    await replay();
  };

  const startSubscriber = () => {
    if (subscriber !== undefined || closed !== undefined) return;
    const client = connection.client.duplicate({ disableOfflineQueue: true });
    subscriber = client;
    client.on("error", ignore);
    client.on("ready", () => void resync(client));
    client.connect().catch(ignore);
    connection.client.on("ready", () => {
      if (closed === undefined && listeners.size > 0) void replay();
    });
  };

  return {
    name: "redis",
    async publish(cooldown: SharedCooldown): Promise<void> {
      const remainingMs = Math.ceil(cooldown.until - Date.now());
      if (!(remainingMs > 0) || typeof cooldown.provider !== "string") return;
      const stored: StoredCooldown = { failures: cooldown.failures, lastError: cooldown.lastError };
      const event: WireEvent = {
        v: 1,
        origin,
        type: "cooldown",
        provider: cooldown.provider,
        remainingMs,
        ...stored,
      };
      await runCommand(connection, "shared state publish", (client) =>
        client
          .multi()
          .set(keyOf(cooldown.provider), JSON.stringify(stored), {
            expiration: { type: "PX", value: remainingMs },
          })
          .publish(channel, JSON.stringify(event))
          .exec(),
      );
    },
    async publishRecovery(provider: string): Promise<void> {
      const event: WireEvent = { v: 1, origin, type: "recovery", provider };
      await runCommand(connection, "shared state publishRecovery", (client) =>
        client.multi().del(keyOf(provider)).publish(channel, JSON.stringify(event)).exec(),
      );
    },
    subscribe(listener: SharedProviderListener): () => void {
      if (typeof listener !== "function") {
        throw invalidInput("subscribe(listener) takes a function", { field: "listener" });
      }
      listeners.add(listener);
      startSubscriber();
      return () => {
        listeners.delete(listener);
      };
    },
    snapshot,
    close(): Promise<void> {
      closed ??= (async () => {
        listeners.clear();
        subscriber?.destroy();
        await closeConnection(connection);
      })();
      return closed;
    },
  };
}
