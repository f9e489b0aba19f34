/**
 * The response cache through the gateway: what is cached and how (per text,
 * per pair), what the keys take in, hits as fresh copies, the hook, and
 * the options.
 */
import { type CacheStore, type Embedding, Message, RatatoskrError } from "@ratatoskr/core";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { keyHashing } from "./cache-key.ts";
import type { CacheOptions } from "./cache-options.ts";
import type { CacheLookupEvent, CompleteEvent } from "./gateway-hooks.ts";
import { MemoryCacheStore, Ratatoskr } from "./index.ts";
import { errorOf, hello } from "./test-helpers.ts";

/** A gateway over `mock` with the cache on, recording `onCacheLookup`. */
async function cachedGateway(mock: MockProvider, options: CacheOptions = {}) {
  const lookups: CacheLookupEvent[] = [];
  const gateway = await Ratatoskr.builder()
    .use(mock)
    .cache(options)
    .hooks({ onCacheLookup: (event) => void lookups.push(event) })
    .build();
  return { gateway, lookups };
}

/** The texts each upstream embed call received. */
const embedInputs = (mock: MockProvider) =>
  mock.callsOf("embed").map((call) => call.request.values);

describe("the response cache: embeddings", () => {
  it("a repeated embed is answered from the cache, equal to the first answer", async () => {
    const mock = createMockProvider();
    const { gateway, lookups } = await cachedGateway(mock);
    const first = await gateway.embed("hello", "embedder");
    const second = await gateway.embed("hello", "embedder");
    expect(second).toEqual(first);
    expect(embedInputs(mock)).toEqual([["hello"]]);
    expect(lookups.map(({ hits, misses }) => ({ hits, misses }))).toEqual([
      { hits: 0, misses: 1 },
      { hits: 1, misses: 0 },
    ]);
    expect(lookups[1]).toMatchObject({
      capability: "embed",
      model: "embedder",
      provider: "mock",
      providerModel: "embedder",
      store: "memory",
      stream: false,
    });
    expect(lookups[1]!.error).toBeUndefined();
  });

  it("a batch with some hits sends only its misses upstream and answers in the caller's order", async () => {
    const mock = createMockProvider();
    const { gateway, lookups } = await cachedGateway(mock);
    const direct = await gateway.embedBatch(["a", "b", "c", "d"], "embedder", { cache: false });
    await gateway.embedBatch(["b", "d"], "embedder");
    mock.reset();
    const mixed = await gateway.embedBatch(["a", "b", "c", "d"], "embedder");
    expect(embedInputs(mock)).toEqual([["a", "c"]]);
    expect(mixed).toEqual(direct);
    expect(lookups.at(-1)).toMatchObject({ hits: 2, misses: 2 });
    // Everything is cached now: nothing goes upstream.
    mock.reset();
    expect(await gateway.embedBatch(["d", "c", "b", "a"], "embedder")).toEqual(
      [...direct].reverse(),
    );
    expect(mock.calls).toEqual([]);
    expect(lookups.at(-1)).toMatchObject({ hits: 4, misses: 0 });
  });

  it("a batch whose misses a fallback answered is asked again whole: one answer never mixes two models", async () => {
    const primary = createMockProvider({ id: "primary", dimensions: 8 });
    const backup = createMockProvider({ id: "backup", dimensions: 4 });
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .use(backup)
      .cache()
      .retry(false)
      .fallbacks("embed", ["backup:embedder"])
      .build();
    await gateway.embedBatch(["a"], "primary:embedder");
    primary.failNext(
      "embed",
      new RatatoskrError({ code: "provider", status: 503, message: "down", isRetryable: true }),
      2,
    );
    const answer = await gateway.embedBatch(["a", "b"], "primary:embedder");
    expect(answer.map((embedding) => embedding.values.length)).toEqual([4, 4]);
    expect(backup.callsOf("embed").map((call) => call.request.values)).toEqual([["b"], ["a", "b"]]);
  });

  it("embed and embedBatch share entries (one per text)", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock);
    const one = await gateway.embed("x", "embedder");
    mock.reset();
    const [batched, other] = await gateway.embedBatch(["x", "y"], "embedder");
    expect(batched).toEqual(one);
    expect(other?.values).toHaveLength(8);
    expect(embedInputs(mock)).toEqual([["y"]]);
  });

  it("a hit is a fresh copy: mutating a returned embedding changes neither the cache nor other answers", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock);
    const original = structuredClone(await gateway.embed("hello", "embedder"));
    const hit = await gateway.embed("hello", "embedder");
    hit.values[0] = 42;
    (hit as Partial<Embedding>).model = "changed";
    expect(await gateway.embed("hello", "embedder")).toEqual(original);
  });

  it("two identical concurrent calls both get the right answer", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock);
    const [a, b] = await Promise.all([
      gateway.embedBatch(["p", "q"], "embedder"),
      gateway.embedBatch(["p", "q"], "embedder"),
    ]);
    const expected = await gateway.embedBatch(["p", "q"], "embedder", { cache: false });
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    mock.reset();
    expect(await gateway.embedBatch(["q", "p"], "embedder")).toEqual([...expected].reverse());
    expect(mock.calls).toEqual([]);
  });
});

describe("the response cache: keys", () => {
  it("a changed provider option, model or text misses; a changed timeout, retry or strict hits", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock);
    await gateway.embed("t", "embedder", { providerOptions: { mock: { truncate: true } } });
    await gateway.embed("t", "embedder", {
      timeout: 5_000,
      retry: { maxAttempts: 1 },
      strict: false,
      providerOptions: { mock: { truncate: true }, other: { ignored: 1 } },
    });
    expect(mock.calls).toHaveLength(1); // another provider's options do not take part
    await gateway.embed("t", "embedder", { providerOptions: { mock: { truncate: false } } });
    await gateway.embed("t", "embedder");
    await gateway.embed("t", "another-embedder");
    await gateway.embed("T", "embedder");
    expect(mock.calls).toHaveLength(5);
  });

  it("classification: labels, hypothesis template and multiLabel take part", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock);
    const first = await gateway.classifyZeroShot("good day", ["good", "bad"], "clf");
    expect(await gateway.classifyZeroShot("good day", ["good", "bad"], "clf")).toEqual(first);
    expect(mock.calls).toHaveLength(1);
    await gateway.classifyZeroShot("good day", ["good", "bad"], "clf", { multiLabel: true });
    await gateway.classifyZeroShot("good day", ["good", "bad"], "clf", {
      hypothesisTemplate: "It is {}.",
    });
    await gateway.classifyZeroShot("good day", ["bad", "good"], "clf");
    expect(mock.calls).toHaveLength(4);
  });

  it("token counts: allowApproximate takes part; tokenize and countTokens are apart", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock);
    const count = await gateway.countTokens("one two three", "counter");
    expect(await gateway.countTokens("one two three", "counter")).toEqual(count);
    await gateway.countTokens("one two three", "counter", { allowApproximate: true });
    expect(mock.callsOf("countTokens")).toHaveLength(2);
    const tokens = await gateway.tokenize("one two three", "counter");
    expect(await gateway.tokenize("one two three", "counter")).toEqual(tokens);
    expect(mock.callsOf("tokenize")).toHaveLength(1);
  });
});

describe("the response cache: NLI, stance", () => {
  it("inferNliBatch is cached per pair and shares entries with inferNli", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock);
    const single = await gateway.inferNli("p1", "h1", "nli-model");
    mock.reset();
    const pairs = [
      { premise: "p0", hypothesis: "h0" },
      { premise: "p1", hypothesis: "h1" },
      { premise: "p2", hypothesis: "h2" },
    ];
    const results = await gateway.inferNliBatch(pairs, "nli-model");
    expect(mock.callsOf("nli").map((call) => call.request.pairs)).toEqual([[pairs[0], pairs[2]]]);
    expect(results[1]).toEqual(single);
    expect(results).toEqual(await gateway.inferNliBatch(pairs, "nli-model", { cache: false }));
  });

  it("classifyStance is cached through its classification", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock);
    const first = await gateway.classifyStance("I support taxes", "taxes", "nli-model");
    expect(await gateway.classifyStance("I support taxes", "taxes", "nli-model")).toEqual(first);
    expect(mock.calls).toHaveLength(1);
  });
});

describe("the response cache: chat and generate", () => {
  it("are not cached unless opted in", async () => {
    const mock = createMockProvider();
    const { gateway, lookups } = await cachedGateway(mock);
    await gateway.chat(hello, { model: "chatter", temperature: 0 });
    await gateway.chat(hello, { model: "chatter", temperature: 0 });
    await gateway.generate("hi", { model: "writer", seed: 1 });
    await gateway.generate("hi", { model: "writer", seed: 1 });
    expect(mock.calls).toHaveLength(4);
    expect(lookups).toEqual([]);
  });

  it("opted in, a deterministic chat is cached (no usage on a hit); a sampled one is not", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock, { chat: true });
    const first = await gateway.chat(hello, { model: "chatter", temperature: 0 });
    expect(first.usage).toBeDefined();
    const hit = await gateway.chat(hello, { model: "chatter", temperature: 0, timeout: 9_000 });
    const { usage: _usage, ...rest } = first;
    expect(hit).toEqual(rest);
    expect(hit.provider).toBe("mock");
    expect(mock.calls).toHaveLength(1);
    await gateway.chat(hello, { model: "chatter", temperature: 0.7 });
    await gateway.chat(hello, { model: "chatter", temperature: 0.7 });
    await gateway.chat(hello, { model: "chatter" });
    expect(mock.calls).toHaveLength(4);
    // A seed makes a call deterministic; settings, tools and messages take part in the key.
    await gateway.chat(hello, { model: "chatter", temperature: 0.7, seed: 3 });
    await gateway.chat(hello, { model: "chatter", temperature: 0.7, seed: 3 });
    expect(mock.calls).toHaveLength(5);
    await gateway.chat(hello, { model: "chatter", temperature: 0, maxTokens: 5 });
    await gateway.chat([Message.user("other")], { model: "chatter", temperature: 0 });
    await gateway.chat(hello, {
      model: "chatter",
      temperature: 0,
      responseFormat: { type: "json_object" },
    });
    expect(mock.calls).toHaveLength(8);
  });

  it("a hit is reported to onComplete with no attempt and no usage", async () => {
    const mock = createMockProvider();
    const completes: CompleteEvent[] = [];
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .cache({ chat: true })
      .hooks({ onComplete: (event) => void completes.push(event) })
      .build();
    await gateway.chat(hello, { model: "chatter", temperature: 0 });
    await gateway.chat(hello, { model: "chatter", temperature: 0 });
    expect(completes[0]).toMatchObject({ attempts: 1, usage: expect.any(Object) });
    expect(completes[1]).toMatchObject({ attempts: 0, provider: "mock", providerModel: "chatter" });
    expect(completes[1]!.usage).toBeUndefined();
  });

  it("opted in, a deterministic generate is cached, equal to the first but for usage", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock, { generate: true });
    const first = await gateway.generate("hi", { model: "writer", seed: 1 });
    const hit = await gateway.generate("hi", { model: "writer", seed: 1 });
    const { usage: _usage, ...rest } = first;
    expect(hit).toEqual(rest);
    expect(mock.calls).toHaveLength(1);
    await gateway.generate("hi", { model: "writer", seed: 2 });
    expect(mock.calls).toHaveLength(2);
  });

  it("streams are not cached", async () => {
    const mock = createMockProvider();
    const { gateway, lookups } = await cachedGateway(mock, { chat: true });
    for (let i = 0; i < 2; i++) {
      for await (const _event of gateway.chatStream(hello, { model: "chatter", temperature: 0 })) {
        // drain
      }
    }
    expect(mock.callsOf("chatStream")).toHaveLength(2);
    expect(lookups).toEqual([]);
  });
});

describe("the response cache: per-call cache option", () => {
  it("cache: false neither reads nor writes", async () => {
    const mock = createMockProvider();
    const store = new MemoryCacheStore();
    const { gateway, lookups } = await cachedGateway(mock, { store });
    await gateway.embed("a", "embedder", { cache: false });
    expect(store.size).toBe(0);
    await gateway.embed("a", "embedder");
    expect(store.size).toBe(1);
    await gateway.embed("a", "embedder");
    await gateway.embed("a", "embedder", { cache: false });
    await gateway.embedBatch(["a"], "embedder", { cache: false });
    expect(mock.calls).toHaveLength(4); // the third call was a hit
    expect(lookups).toHaveLength(2);
  });

  it("a cache option that is not a boolean is invalid_input naming it", async () => {
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock, { chat: true });
    for (const call of [
      gateway.embed("a", "embedder", { cache: "no" as unknown as boolean }),
      gateway.embedBatch(["a"], "embedder", { cache: 0 as unknown as boolean }),
      gateway.chat(hello, { model: "chatter", cache: null as unknown as boolean }),
    ]) {
      const error = await errorOf(call);
      expect(error.code).toBe("invalid_input");
      expect(error.message).toContain("options.cache");
    }
    expect(mock.calls).toEqual([]);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the response cache: time to live", () => {
  it("an entry past its kind's time to live is a miss (fake clock)", async () => {
    let now = 0;
    const store = new MemoryCacheStore({ now: () => now });
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock, { store, ttlMs: { embed: 1_000 } });
    await gateway.embed("a", "embedder");
    now = 999;
    await gateway.embed("a", "embedder");
    expect(mock.calls).toHaveLength(1);
    now = 1_000;
    await gateway.embed("a", "embedder");
    expect(mock.calls).toHaveLength(2);
  });
});

describe("the response cache: without .cache()", () => {
  it("calls hash nothing", async () => {
    const digest = vi.spyOn(keyHashing, "sha256Hex");
    const mock = createMockProvider();
    const plain = await Ratatoskr.builder().use(mock).build();
    await plain.embed("a", "embedder");
    await plain.embedBatch(["a", "b"], "embedder");
    await plain.chat(hello, { model: "chatter", temperature: 0 });
    expect(digest).not.toHaveBeenCalled();
    const { gateway } = await cachedGateway(mock);
    await gateway.embed("a", "embedder");
    expect(digest).toHaveBeenCalledTimes(1);
  });

  it("no store is consulted and the hook never fires", async () => {
    const mock = createMockProvider();
    const lookups: CacheLookupEvent[] = [];
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .hooks({ onCacheLookup: (event) => void lookups.push(event) })
      .build();
    await gateway.embed("a", "embedder");
    await gateway.embed("a", "embedder");
    expect(mock.calls).toHaveLength(2);
    expect(lookups).toEqual([]);
  });

  it(".cache(false) turns an earlier .cache() off", async () => {
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder().use(mock).cache().cache(false).build();
    await gateway.embed("a", "embedder");
    await gateway.embed("a", "embedder");
    expect(mock.calls).toHaveLength(2);
  });
});

describe("the response cache: options", () => {
  const bad: Array<[unknown, string]> = [
    ["yes", "options"],
    [{ store: {} }, "store.name"],
    [{ store: { name: "x", getMany: () => undefined } }, "store.setMany"],
    [{ ttlMs: { embed: 0 } }, "ttlMs.embed"],
    [{ ttlMs: { embed: 1.5 } }, "ttlMs.embed"],
    [{ ttlMs: { streams: 10 } }, "ttlMs.streams"],
    [{ ttlMs: [] }, "ttlMs"],
    [{ chat: "yes" }, "chat"],
    [{ generate: 1 }, "generate"],
    [{ storeTimeoutMs: -5 }, "storeTimeoutMs"],
    [{ ttl: 10 }, "ttl"],
  ];
  it.each(bad)("%j is a configuration error naming %s", (options, field) => {
    let caught: unknown;
    try {
      Ratatoskr.builder().cache(options as CacheOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "configuration" });
    expect((caught as Error).message).toContain(`cache: ${field} `);
  });

  it("ttlMs overrides a kind's time to live (entries written with it)", async () => {
    const written: number[] = [];
    const memory = new MemoryCacheStore();
    const store: CacheStore = {
      name: "spy",
      getMany: (keys) => memory.getMany(keys),
      setMany: (entries) => {
        written.push(...entries.map((entry) => entry.ttlMs));
        return memory.setMany(entries);
      },
    };
    const mock = createMockProvider();
    const { gateway } = await cachedGateway(mock, { store, ttlMs: { embed: 5_000 } });
    await gateway.embed("a", "embedder");
    await gateway.countTokens("a", "counter");
    expect(written).toEqual([5_000, 24 * 60 * 60 * 1000]);
  });
});
