/**
 * The Redis connection both stores share: a client that rejects fast while
 * Redis is unreachable (no offline queue, a per-command timeout) and
 * reconnects by itself with a capped backoff; and the mapping of every
 * Redis failure to a `network` RatatoskrError whose message and cause hold
 * no credential of the connection URL.
 */
import { invalidInput, RatatoskrError, registerSecret } from "@ratatoskr/core";
import { createClient, type RedisClientType } from "redis";

/** A client of the official `redis` package (`createClient()` from `redis`). */
export type RedisClient = RedisClientType;

/** How a store reaches Redis: a URL (the store owns its client) or a client of yours. */
export interface RedisConnectionOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS).
   * The store creates, connects and (on `close()`) closes its own client.
   * The password never appears in an error, its cause or `util.inspect`.
   */
  url?: string;
  /**
   * A client you created with `createClient()` from `redis`. It stays
   * yours: connect it, and close it after the store. Create it with
   * `disableOfflineQueue: true` so calls reject at once while Redis is down
   * instead of waiting in its queue until `commandTimeoutMs`.
   */
  client?: RedisClient;
  /** Longest wait for one Redis command or pipeline, in ms (default 1,000). */
  commandTimeoutMs?: number;
}

/** Default per-command timeout: Redis answers in well under a millisecond on a healthy network. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

/** Longest wait between two reconnection attempts, in ms. */
export const MAX_RECONNECT_DELAY_MS = 2_000;

/** The backoff between reconnection attempts: 50 ms doubling to {@link MAX_RECONNECT_DELAY_MS}, never giving up. */
export function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS);
}

/** A connection as a store holds it. */
export interface RedisConnection {
  /** The client every command goes through. */
  readonly client: RedisClient;
  /** Whether the store created the client (and so closes it). */
  readonly owned: boolean;
  /** Longest wait for one command or pipeline, in ms. */
  readonly commandTimeoutMs: number;
  /** Strings that must never appear in an error (the URL's password and user info). */
  readonly secrets: readonly string[];
  /**
   * Settles when the first connection attempt does (ready, or its first
   * error): calls made just after creation wait for it instead of failing
   * as "offline" while the client is still connecting.
   */
  readonly firstAttempt: Promise<void>;
}

/** A promise that settles on the client's first `ready` or `error` event (at once when it is ready). */
function firstAttemptOf(client: RedisClient): Promise<void> {
  if (client.isReady) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      client.off("ready", done);
      client.off("error", done);
      resolve();
    };
    client.on("ready", done);
    client.on("error", done);
  });
}

function urlSecrets(url: string): string[] {
  const match = /^[a-z]+:\/\/([^@/]*)@/i.exec(url);
  if (match === null) return [];
  const userInfo = match[1] ?? "";
  const colon = userInfo.indexOf(":");
  const password = colon === -1 ? userInfo : userInfo.slice(colon + 1);
  const secrets = [userInfo, password, safeDecode(password)].filter((part) => part !== "");
  for (const secret of secrets) registerSecret(secret);
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Check the options and open (or adopt) the client. Throws `invalid_input` on bad options. */
export function openConnection(options: RedisConnectionOptions, what: string): RedisConnection {
  if (options === null || typeof options !== "object") {
    throw invalidOption(what, "options", "must be an object");
  }
  const { url, client, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS } = options;
  if ((url === undefined) === (client === undefined)) {
    throw invalidOption(what, "url", "give exactly one of url and client");
  }
  if (!Number.isInteger(commandTimeoutMs) || commandTimeoutMs <= 0) {
    throw invalidOption(what, "commandTimeoutMs", "must be a positive integer");
  }
  if (client !== undefined) {
    if (typeof client !== "object" || client === null || typeof client.sendCommand !== "function") {
      throw invalidOption(what, "client", "must be a client of the redis package");
    }
    // A client without an `error` listener crashes the process on a disconnect.
    client.on("error", ignore);
    return {
      client,
      owned: false,
      commandTimeoutMs,
      secrets: [],
      firstAttempt: firstAttemptOf(client),
    };
  }
  if (typeof url !== "string" || !/^rediss?:\/\//i.test(url)) {
    throw invalidOption(what, "url", "must be a redis:// or rediss:// URL");
  }
  const secrets = urlSecrets(url);
  const created: RedisClient = createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: reconnectDelay },
  });
  created.on("error", ignore);
  const firstAttempt = firstAttemptOf(created);
  created.connect().catch(ignore);
  return { client: created, owned: true, commandTimeoutMs, secrets, firstAttempt };
}

/** Close the client when the store owns it. Never rejects. */
export async function closeConnection(connection: RedisConnection): Promise<void> {
  if (!connection.owned) return;
  const { client } = connection;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  // A graceful close waits for the replies in flight, at most one command timeout.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, connection.commandTimeoutMs);
  });
  try {
    await Promise.race([client.close(), late]);
  } catch {
    // Closing a broken connection: destroy it below.
  } finally {
    clearTimeout(timer);
    if (client.isOpen) client.destroy();
  }
}

function ignore(): void {}

function invalidOption(what: string, field: string, problem: string): RatatoskrError {
  return invalidInput(`${what}: ${field} ${problem}`, { field });
}

function scrub(text: string, secrets: readonly string[]): string {
  let clean = text.replace(/(\b[a-z]+:\/\/)[^@/\s]*@/gi, "$1[REDACTED]@");
  for (const secret of secrets) clean = clean.split(secret).join("[REDACTED]");
  return clean;
}

/**
 * A Redis failure as a `network` RatatoskrError: the message says what
 * failed; the cause is a plain copy (name and message, scrubbed), never the
 * redis package's error object with its options.
 */
export function redisFailure(
  connection: RedisConnection,
  operation: string,
  error: unknown,
): RatatoskrError {
  const name = error instanceof Error ? error.name : "Error";
  const message = scrub(error instanceof Error ? error.message : String(error), connection.secrets);
  const cause = new Error(message);
  cause.name = name;
  cause.stack = `${name}: ${message}`;
  return new RatatoskrError({
    code: "network",
    message: `Redis ${operation} failed: ${message || name}`,
    cause,
  });
}

/**
 * Run one Redis command (or pipeline) under the connection's timeout; any
 * failure, a synchronous throw included, rejects with {@link redisFailure}.
 */
export async function runCommand<T>(
  connection: RedisConnection,
  operation: string,
  command: (client: RedisClient) => Promise<T>,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no reply within ${connection.commandTimeoutMs} ms`)),
      connection.commandTimeoutMs,
    );
    timer.unref?.();
  });
  try {
    const pending = connection.firstAttempt.then(() => command(connection.client));
    pending.catch(ignore);
    return await Promise.race([pending, timeout]);
  } catch (error) {
    throw redisFailure(connection, operation, error);
  } finally {
    clearTimeout(timer);
  }
}
