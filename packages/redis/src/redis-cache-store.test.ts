import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { RatatoskrError } from "@ratatoskr/core";
import { expectNoSecret } from "@ratatoskr/testing";
import { type RedisTestServer, startRedisServer } from "@ratatoskr/testing/servers";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCacheStore } from "./redis-cache-store.ts";

let redis: RedisTestServer;
const stores: Array<{ close?(): Promise<void> }> = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close?.()));
  await redis.stop();
});

function store(options: Parameters<typeof createRedisCacheStore>[0]) {
  const created = createRedisCacheStore(options);
  stores.push(created);
  return created;
}

async function rawClient(url: string) {
  const client = createClient({ url });
  await client.connect();
  return client;
}

describe("createRedisCacheStore against a real redis-server", () => {
  it("writes with SET PX behind the key prefix and reads with MGET, misses as undefined", async () => {
    const cache = store({ url: redis.url, keyPrefix: "t1:" });
    expect(cache.name).toBe("redis");
    await cache.setMany([
      { key: "a", value: "alpha", ttlMs: 60_000 },
      { key: "b", value: "beta", ttlMs: 5_000 },
    ]);
    expect(await cache.getMany(["a", "missing", "b"])).toEqual(["alpha", undefined, "beta"]);
    expect(await cache.getMany([])).toEqual([]);

    const raw = await rawClient(redis.url);
    try {
      expect(await raw.get("t1:a")).toBe("alpha");
      const ttl = await raw.pTTL("t1:b");
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5_000);
      await raw.pExpire("t1:a", 1);
      await expect.poll(() => raw.exists("t1:a")).toBe(0);
    } finally {
      await raw.close();
    }
    expect(await cache.getMany(["a"])).toEqual([undefined]);
  });

  it("uses ratatoskr:cache: as the default prefix", async () => {
    const cache = store({ url: redis.url });
    await cache.setMany([{ key: "k", value: "v", ttlMs: 60_000 }]);
    const raw = await rawClient(redis.url);
    try {
      expect(await raw.get("ratatoskr:cache:k")).toBe("v");
    } finally {
      await raw.close();
    }
  });

  it("works over a client of yours and leaves it open on close", async () => {
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    await client.connect();
    const cache = createRedisCacheStore({ client, keyPrefix: "t3:" });
    await cache.setMany([{ key: "x", value: "1", ttlMs: 60_000 }]);
    expect(await cache.getMany(["x"])).toEqual(["1"]);
    await cache.close?.();
    expect(await client.get("t3:x")).toBe("1");
    await client.close();
  });

  it("refuses bad options with invalid_input at creation and bad entries by rejecting", async () => {
    for (const options of [
      {},
      { url: "http://localhost" },
      { url: redis.url, client: createClient() },
      { url: redis.url, commandTimeoutMs: 0 },
      { url: redis.url, keyPrefix: 3 },
    ]) {
      let thrown: unknown;
      try {
        createRedisCacheStore(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(RatatoskrError.isInstance(thrown) && thrown.code).toBe("invalid_input");
    }
    const cache = store({ url: redis.url });
    const pending = cache.setMany([{ key: "k", value: "v", ttlMs: 0 }]);
    await expect(pending).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("a Redis outage", () => {
  it("rejects fast with a network error while Redis is down and recovers by itself on restart", async () => {
    const outage = await startRedisServer();
    try {
      const cache = store({ url: outage.url, keyPrefix: "o:" });
      await cache.setMany([{ key: "k", value: "before", ttlMs: 60_000 }]);
      expect(await cache.getMany(["k"])).toEqual(["before"]);

      await outage.kill();
      // Neither a synchronous throw nor a hang: a RatatoskrError rejection.
      let read: Promise<unknown> | undefined;
      expect(() => {
        read = cache.getMany(["k"]);
      }).not.toThrow();
      const readError = await read?.catch((error: unknown) => error);
      expect(RatatoskrError.isInstance(readError) && readError.code).toBe("network");
      await expect(cache.setMany([{ key: "k", value: "v", ttlMs: 1_000 }])).rejects.toMatchObject({
        code: "network",
      });

      await outage.restart();
      // No persistence: the restarted server is empty, and the same store works again.
      await expect.poll(() => cache.getMany(["k"]).catch(() => "down")).toEqual([undefined]);
      await cache.setMany([{ key: "k", value: "after", ttlMs: 60_000 }]);
      expect(await cache.getMany(["k"])).toEqual(["after"]);
    } finally {
      await outage.stop();
    }
  });

  it("never shows the URL's password: in errors, causes, util.inspect, nor the store", async () => {
    const password = ["redis", "canary", randomUUID().replaceAll("-", "")].join("-");
    const secured = await startRedisServer({ args: ["--requirepass", password] });
    try {
      const url = `redis://default:${password}@127.0.0.1:${secured.port}`;
      const cache = store({ url, keyPrefix: "p:" });
      await expect.poll(() => cache.getMany(["k"]).catch(() => "down")).toEqual([undefined]);
      expectNoSecret(cache, password);
      expect(inspect(cache, { depth: 10, showHidden: true })).not.toContain(password);

      await secured.kill();
      const error = await cache.getMany(["k"]).catch((caught: unknown) => caught);
      expect(RatatoskrError.isInstance(error)).toBe(true);
      expectNoSecret(error, password);

      // A wrong password: the AUTH failure is a network error without either password.
      await secured.restart();
      const wrong = ["wrong", randomUUID().replaceAll("-", "")].join("-");
      const badAuth = store({ url: `redis://default:${wrong}@127.0.0.1:${secured.port}` });
      const authError = await badAuth.getMany(["k"]).catch((caught: unknown) => caught);
      expect(RatatoskrError.isInstance(authError) && authError.code).toBe("network");
      expectNoSecret(authError, wrong);
      expectNoSecret(authError, password);
    } finally {
      await secured.stop();
    }
  });
});
