import { describe, expect, it } from "vitest";
import { MemoryCacheStore, memoryEntryBytes } from "./memory-cache-store.ts";
import { errorOf } from "./test-helpers.ts";

/** A clock tests move by hand. */
function fakeClock(start = 1_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("MemoryCacheStore", () => {
  it("returns what was stored, in key order, undefined for a miss", async () => {
    const store = new MemoryCacheStore();
    await store.setMany([
      { key: "a", value: "1", ttlMs: 1000 },
      { key: "b", value: "2", ttlMs: 1000 },
    ]);
    expect(await store.getMany(["b", "x", "a"])).toEqual(["2", undefined, "1"]);
    expect(store.name).toBe("memory");
  });

  it("an entry expires once its time to live has passed (fake clock)", async () => {
    const clock = fakeClock();
    const store = new MemoryCacheStore({ now: clock.now });
    await store.setMany([
      { key: "short", value: "s", ttlMs: 100 },
      { key: "long", value: "l", ttlMs: 1000 },
    ]);
    clock.advance(99);
    expect(await store.getMany(["short", "long"])).toEqual(["s", "l"]);
    clock.advance(1);
    expect(await store.getMany(["short", "long"])).toEqual([undefined, "l"]);
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(memoryEntryBytes("long", "l"));
    clock.advance(900);
    expect(await store.getMany(["long"])).toEqual([undefined]);
    expect(store.bytes).toBe(0);
  });

  it("evicts the least recently used entries when the byte bound is reached", async () => {
    const entry = memoryEntryBytes("k1", "vvvv"); // 12 bytes
    const store = new MemoryCacheStore({ maxBytes: entry * 3 });
    await store.setMany(["k1", "k2", "k3"].map((key) => ({ key, value: "vvvv", ttlMs: 1000 })));
    expect(store.bytes).toBe(entry * 3);
    await store.getMany(["k1"]); // k1 is now the most recently used; k2 the least
    await store.setMany([{ key: "k4", value: "vvvv", ttlMs: 1000 }]);
    expect(await store.getMany(["k1", "k2", "k3", "k4"])).toEqual([
      "vvvv",
      undefined,
      "vvvv",
      "vvvv",
    ]);
    expect(store.bytes).toBe(entry * 3);
  });

  it("counts bytes as UTF-16 length × 2; replacing a key does not count it twice", async () => {
    const store = new MemoryCacheStore();
    await store.setMany([{ key: "key", value: "ä€😀", ttlMs: 1000 }]);
    expect(store.bytes).toBe((3 + 4) * 2);
    await store.setMany([{ key: "key", value: "x", ttlMs: 1000 }]);
    expect(store.bytes).toBe((3 + 1) * 2);
    expect(store.size).toBe(1);
  });

  it("does not store an entry larger than the bound (and keeps the others)", async () => {
    const store = new MemoryCacheStore({ maxBytes: 20 });
    await store.setMany([{ key: "a", value: "b", ttlMs: 1000 }]);
    await store.setMany([{ key: "big", value: "x".repeat(20), ttlMs: 1000 }]);
    expect(await store.getMany(["a", "big"])).toEqual(["b", undefined]);
  });

  it("clear() and close() drop everything", async () => {
    const store = new MemoryCacheStore();
    await store.setMany([{ key: "a", value: "b", ttlMs: 1000 }]);
    await store.close();
    expect(await store.getMany(["a"])).toEqual([undefined]);
    expect(store.bytes).toBe(0);
  });

  it("rejects a bad maxBytes or clock as a configuration error naming it", async () => {
    for (const maxBytes of [0, -1, 1.5, Number.NaN, "64"]) {
      const error = await errorOf(
        Promise.resolve().then(() => new MemoryCacheStore({ maxBytes: maxBytes as number })),
      );
      expect(error.code).toBe("configuration");
      expect(error.message).toContain("maxBytes");
    }
    const error = await errorOf(
      Promise.resolve().then(() => new MemoryCacheStore({ now: 5 as unknown as () => number })),
    );
    expect(error.message).toContain("now");
  });
});
