import { MAX_MODEL_LENGTH } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { Ratatoskr } from "./index.ts";
import { RouteCache, stringBytes } from "./route-cache.ts";

describe("RouteCache", () => {
  it("stays within its byte budget, evicting the oldest entries first", () => {
    const cache = new RouteCache<string>({
      maxEntries: 1_000,
      maxBytes: 10_000,
      sizeOf: (key, value) => stringBytes(key) + stringBytes(value),
    });
    for (let index = 0; index < 100; index++) {
      cache.set(`key-${index}`.padEnd(500, "k"), "v".repeat(500));
      expect(cache.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.size).toBeGreaterThan(0);
    // The newest entry is kept, the oldest are gone.
    expect(cache.get("key-99".padEnd(500, "k"))).toBe("v".repeat(500));
    expect(cache.get("key-0".padEnd(500, "k"))).toBeUndefined();
  });

  it("stays within its entry cap, and never stores an entry larger than the whole budget", () => {
    const cache = new RouteCache<number>({
      maxEntries: 3,
      maxBytes: 1_000,
      sizeOf: (key) => stringBytes(key),
    });
    for (let index = 0; index < 10; index++) cache.set(`k${index}`, index);
    expect(cache.size).toBe(3);
    expect([cache.get("k7"), cache.get("k8"), cache.get("k9")]).toEqual([7, 8, 9]);
    cache.set("x".repeat(1_000), 1);
    expect(cache.get("x".repeat(1_000))).toBeUndefined();
    expect(cache.bytes).toBeLessThanOrEqual(1_000);
  });

  it("replacing a key accounts for its bytes once", () => {
    const cache = new RouteCache<string>({
      maxEntries: 10,
      maxBytes: 10_000,
      sizeOf: (key, value) => stringBytes(key) + stringBytes(value),
    });
    cache.set("a", "x".repeat(100));
    cache.set("a", "y");
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(stringBytes("a") + stringBytes("y"));
  });
});

describe("the gateway's route cache", () => {
  it("routes thousands of distinct longest-allowed models correctly while bounded", async () => {
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder().use(mock).build();
    for (let index = 0; index < 3_000; index++) {
      const model = `${index}-`.padEnd(MAX_MODEL_LENGTH, "m");
      expect(gateway.route("chat", model).providerModel).toBe(model);
    }
    const again = "0-".padEnd(MAX_MODEL_LENGTH, "m");
    expect((await gateway.embed("x", again)).model).toBe(again);
  });
});
