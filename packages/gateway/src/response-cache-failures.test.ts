/**
 * A response cache store that fails — rejects, throws, never answers —
 * degrades to misses and warnings: the call goes upstream and succeeds,
 * and the cache recovers by itself once the store works again.
 */
import { type CacheEntry, type CacheStore, RatatoskrError, type Warning } from "@ratatoskr/core";
import { createMockProvider, mockError } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CacheOptions } from "./cache-options.ts";
import type { CacheLookupEvent } from "./gateway-hooks.ts";
import { MemoryCacheStore, Ratatoskr } from "./index.ts";
import { errorOf, hello } from "./test-helpers.ts";

type Mode = "ok" | "reject" | "throw" | "hang";

/** A store over memory that can be switched between working and failing, for reads and writes apart. */
function switchableStore() {
  const memory = new MemoryCacheStore();
  const state = { read: "ok" as Mode, write: "ok" as Mode };
  /** Called at the next store operation (tests with fake timers wait for it). */
  let touched: () => void = () => {};
  const nextOperation = () =>
    new Promise<void>((resolve) => {
      touched = resolve;
    });
  const fail = <T>(mode: Mode, work: () => Promise<T>): Promise<T> => {
    touched();
    switch (mode) {
      case "reject":
        return Promise.reject(new Error("connection refused (token=sk-secret-value-123456)"));
      case "throw":
        throw new Error("store bug");
      case "hang":
        return new Promise<T>(() => {});
      default:
        return work();
    }
  };
  const store: CacheStore = {
    name: "flaky",
    getMany: (keys: readonly string[]) => fail(state.read, () => memory.getMany(keys)),
    setMany: (entries: readonly CacheEntry[]) => fail(state.write, () => memory.setMany(entries)),
  };
  return { store, state, memory, nextOperation };
}

async function gatewayWith(store: CacheStore, options: CacheOptions = {}) {
  const mock = createMockProvider();
  const lookups: CacheLookupEvent[] = [];
  const warnings: Warning[] = [];
  const gateway = await Ratatoskr.builder()
    .use(mock)
    .cache({ store, chat: true, ...options })
    .hooks({
      onCacheLookup: (event) => void lookups.push(event),
      onWarning: (event) => void warnings.push(event.warning),
    })
    .build();
  return { gateway, mock, lookups, warnings };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("a failing cache store", () => {
  it.each(["reject", "throw"] as const)(
    "a read that fails (%s) is a miss with a warning; the cache recovers when the store does",
    async (mode) => {
      const { store, state } = switchableStore();
      const { gateway, mock, lookups, warnings } = await gatewayWith(store);
      await gateway.embed("a", "embedder"); // stored
      state.read = mode;
      const answer = await gateway.embed("a", "embedder");
      expect(answer.values).toHaveLength(8);
      expect(mock.calls).toHaveLength(2);
      expect(lookups[1]).toMatchObject({ hits: 0, misses: 1, store: "flaky" });
      expect(lookups[1]!.error).toMatchObject({ code: "network" });
      expect(warnings).toEqual([
        expect.objectContaining({ type: "cache_unavailable", store: "flaky", provider: "mock" }),
      ]);
      expect(JSON.stringify([lookups, warnings])).not.toContain("sk-secret-value-123456");
      state.read = "ok";
      expect(await gateway.embed("a", "embedder")).toEqual(answer);
      expect(mock.calls).toHaveLength(2);
      expect(lookups[2]).toMatchObject({ hits: 1, misses: 0 });
      expect(lookups[2]!.error).toBeUndefined();
    },
  );

  it("a batch whose read fails sends every entry upstream and answers in order", async () => {
    const { store, state } = switchableStore();
    const { gateway, mock, lookups } = await gatewayWith(store);
    const expected = await gateway.embedBatch(["a", "b"], "embedder");
    state.read = "reject";
    expect(await gateway.embedBatch(["a", "b"], "embedder")).toEqual(expected);
    expect(mock.callsOf("embed").map((call) => call.request.values)).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(lookups[1]).toMatchObject({ hits: 0, misses: 2 });
  });

  it("a store that never answers is bounded by storeTimeoutMs (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { store, state, nextOperation } = switchableStore();
    const { gateway, mock, lookups, warnings } = await gatewayWith(store, { storeTimeoutMs: 50 });
    state.read = "hang";
    state.write = "hang";
    let settled = false;
    const read = nextOperation();
    const call = gateway.embed("a", "embedder").finally(() => {
      settled = true;
    });
    await read;
    await vi.advanceTimersByTimeAsync(49);
    expect(settled).toBe(false);
    expect(mock.calls).toHaveLength(0);
    const write = nextOperation();
    await vi.advanceTimersByTimeAsync(1); // the read gives up; upstream answers
    await write;
    expect(mock.calls).toHaveLength(1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(50); // the write gives up
    expect((await call).values).toHaveLength(8);
    expect(lookups[0]!.error).toMatchObject({ code: "timeout" });
    expect(warnings.map((warning) => warning.type)).toEqual([
      "cache_unavailable",
      "cache_unavailable",
    ]);
    expect(warnings[0]).toMatchObject({ details: expect.stringContaining("within 50 ms") });
  });

  it("a failed write is only a warning: on the chat result and to onWarning", async () => {
    const { store, state, memory } = switchableStore();
    const { gateway, lookups, warnings } = await gatewayWith(store);
    state.write = "reject";
    const response = await gateway.chat(hello, { model: "chatter", temperature: 0 });
    expect(response.content).not.toBe("");
    expect(response.warnings).toEqual([
      expect.objectContaining({ type: "cache_unavailable", store: "flaky", provider: "mock" }),
    ]);
    expect(warnings).toEqual(response.warnings);
    expect(lookups[0]).toMatchObject({ hits: 0, misses: 1 });
    expect(lookups[0]!.error).toBeUndefined();
    expect(memory.size).toBe(0);
    // Working again: stored, and the hit carries no stale cache warning.
    state.write = "ok";
    const stored = await gateway.chat(hello, { model: "chatter", temperature: 0 });
    expect(stored.warnings).toBeUndefined();
    const hit = await gateway.chat(hello, { model: "chatter", temperature: 0 });
    expect(hit.warnings).toBeUndefined();
    expect(hit.content).toBe(stored.content);
  });

  it("a read failure's warning is on the generate result; the answer stored once the write works", async () => {
    const { store, state, memory } = switchableStore();
    const { gateway } = await gatewayWith(store, { generate: true });
    state.read = "throw";
    const response = await gateway.generate("hi", { model: "writer", seed: 1 });
    expect(response.warnings).toEqual([expect.objectContaining({ type: "cache_unavailable" })]);
    expect(memory.size).toBe(1);
    state.read = "ok";
    const hit = await gateway.generate("hi", { model: "writer", seed: 1 });
    expect(hit.warnings).toBeUndefined();
    expect(hit.text).toBe(response.text);
  });

  it("a store that answers with the wrong shape counts as unavailable", async () => {
    const store: CacheStore = {
      name: "odd",
      getMany: async () => ["only one"],
      setMany: async () => {},
    };
    const { gateway, mock, lookups } = await gatewayWith(store);
    await gateway.embedBatch(["a", "b"], "embedder");
    expect(mock.calls).toHaveLength(1);
    expect(lookups[0]).toMatchObject({ hits: 0, misses: 2, error: { code: "network" } });
  });

  it("an entry that does not decode is a miss", async () => {
    const store: CacheStore = {
      name: "garbage",
      getMany: async (keys) => keys.map(() => "{not json"),
      setMany: async () => {},
    };
    const { gateway, mock } = await gatewayWith(store);
    expect((await gateway.embed("a", "embedder")).values).toHaveLength(8);
    expect(mock.calls).toHaveLength(1);
  });
});

describe("what the cache stores", () => {
  it("a fallback's answer is not stored under the primary's key", async () => {
    const primary = createMockProvider({ id: "primary" });
    const backup = createMockProvider({ id: "backup" });
    primary.failNext("embed", mockError("provider", "down", { status: 503 }), 9);
    const memory = new MemoryCacheStore();
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .use(backup)
      .retry(false)
      .fallbacks("embed", ["backup:other"])
      .cache({ store: memory })
      .build();
    const answer = await gateway.embed("a", "primary:m");
    expect(answer.model).toBe("other");
    expect(memory.size).toBe(0);
  });

  it("strict mode holds for a hit too", async () => {
    const mock = createMockProvider({ knownProviderOptions: [] });
    const gateway = await Ratatoskr.builder().use(mock).cache().build();
    const options = { providerOptions: { mock: { odd: 1 } } };
    await gateway.embed("a", "embedder", options); // non-strict: stored, with a warning
    const error = await errorOf(gateway.embed("a", "embedder", { ...options, strict: true }));
    expect(error.code).toBe("invalid_input");
    expect(RatatoskrError.isInstance(error)).toBe(true);
    const batchError = await errorOf(
      gateway.embedBatch(["a"], "embedder", { ...options, strict: true }),
    );
    expect(batchError.code).toBe("invalid_input");
    expect(mock.calls).toHaveLength(1);
  });
});
