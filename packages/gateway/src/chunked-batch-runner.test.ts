import {
  type Embedding,
  type EmbeddingRequestV1,
  type EmbeddingResultV1,
  type NliPair,
  type ProviderV1,
  RatatoskrError,
} from "@ratatoskr/core";
import { createMockProvider, hashEmbedding } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RetryEvent } from "./gateway-hooks.ts";
import { Ratatoskr } from "./index.ts";
import { errorOf } from "./test-helpers.ts";

/** Retries without waiting: backoff 0 ms. */
const NO_WAIT = { initialDelayMs: 0, maxDelayMs: 0 };

const texts = (count: number) => Array.from({ length: count }, (_, index) => `t${index}`);

const unavailable = () =>
  new RatatoskrError({ code: "provider", message: "503", status: 503, isRetryable: true });

/** An embedding provider with a chunk size, failing where `fail` says (by the chunk's first text). */
function chunkedPlugin(
  options: {
    id?: string;
    size?: number;
    parallel?: number;
    fail?: (first: string, call: number) => Error | undefined;
    hang?: boolean;
  } = {},
) {
  const calls: Array<{ texts: readonly string[]; signal: AbortSignal | undefined }> = [];
  let active = 0;
  let peak = 0;
  const plugin: ProviderV1 = {
    specificationVersion: "v1",
    id: options.id ?? "chunked",
    embedding: {
      ...(options.parallel === undefined ? {} : { maxParallelCalls: options.parallel }),
      maxEmbeddingsPerCall: () => options.size,
      async embed({ values: batch, model, signal }: EmbeddingRequestV1) {
        calls.push({ texts: batch, signal });
        active++;
        peak = Math.max(peak, active);
        try {
          if (options.hang) await new Promise(() => {});
          await new Promise((resolve) => setImmediate(resolve));
          const failure = options.fail?.(batch[0]!, calls.length);
          if (failure) throw failure;
          return {
            embeddings: batch.map(
              (text): Embedding => ({ values: hashEmbedding(text, 4), model, dimensions: 4 }),
            ),
          };
        } finally {
          active--;
        }
      },
    },
  };
  return {
    plugin,
    calls,
    get peak() {
      return peak;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("embedBatch in chunks", () => {
  it("splits by maxEmbeddingsPerCall, one call per chunk, results in input order", async () => {
    const mock = createMockProvider({ maxEmbeddingsPerCall: 3, dimensions: 4 });
    const gateway = await Ratatoskr.builder().use(mock).build();
    const embeddings = await gateway.embedBatch(texts(10), "m");
    expect(embeddings.map((embedding) => embedding.values)).toEqual(
      texts(10).map((text) => hashEmbedding(text, 4)),
    );
    expect(mock.callsOf("embed").map((call) => call.request.values.length)).toEqual([3, 3, 3, 1]);
  });

  it("retries only the chunk that failed: one extra call, reported with its chunk", async () => {
    const source = chunkedPlugin({
      size: 2,
      parallel: 3,
      fail: (first, call) => (first === "t4" && call <= 5 ? unavailable() : undefined),
    });
    const retries: RetryEvent[] = [];
    const gateway = await Ratatoskr.builder()
      .use(source.plugin)
      .retry(NO_WAIT)
      .hooks({ onRetry: (event) => retries.push(event) })
      .build();
    const embeddings = await gateway.embedBatch(texts(10), "m");
    expect(embeddings).toHaveLength(10);
    expect(source.calls).toHaveLength(6);
    expect(source.calls.filter((call) => call.texts[0] === "t4")).toHaveLength(2);
    expect(retries).toEqual([expect.objectContaining({ chunk: 2, attempt: 1 })]);
  });

  it("runs at most maxParallelCalls chunks at once (default: one after another)", async () => {
    const parallel = chunkedPlugin({ size: 1, parallel: 2 });
    await (await Ratatoskr.builder().use(parallel.plugin).build()).embedBatch(texts(6), "m");
    expect(parallel.peak).toBe(2);
    const serial = chunkedPlugin({ size: 1 });
    await (await Ratatoskr.builder().use(serial.plugin).build()).embedBatch(texts(6), "m");
    expect(serial.peak).toBe(1);
    expect(serial.calls).toHaveLength(6);
  });

  it("falls back when the target failed before any chunk succeeded", async () => {
    const primary = chunkedPlugin({ id: "primary", size: 2, fail: () => unavailable() });
    const fallback = createMockProvider({ id: "fallback", dimensions: 4 });
    const gateway = await Ratatoskr.builder()
      .use(primary.plugin)
      .use(fallback)
      .retry(NO_WAIT)
      .fallbacks("embed", ["fallback:m"])
      .build();
    const embeddings = await gateway.embedBatch(texts(6), "primary:m");
    expect(embeddings).toHaveLength(6);
    expect(primary.calls).toHaveLength(3); // the first chunk, three attempts
    expect(fallback.callsOf("embed").map((call) => call.request.values)).toEqual([texts(6)]);
  });

  it("a fallback naming the target that already failed is skipped; the next one serves", async () => {
    const primary = chunkedPlugin({ id: "primary", size: 2, fail: () => unavailable() });
    const fallback = createMockProvider({ id: "fallback", dimensions: 4 });
    const fallbacks: unknown[] = [];
    const gateway = await Ratatoskr.builder()
      .use(primary.plugin)
      .use(fallback)
      .retry(NO_WAIT)
      .fallbacks("embed", ["primary:m", "fallback:m"])
      .hooks({ onFallback: (event) => fallbacks.push(event.to) })
      .build();
    expect(await gateway.embedBatch(texts(6), "primary:m")).toHaveLength(6);
    expect(primary.calls).toHaveLength(3); // the first chunk's three attempts, never a second round
    expect(fallbacks).toEqual([{ provider: "fallback", model: "m" }]);
    expect(fallback.callsOf("embed").map((call) => call.request.values)).toEqual([texts(6)]);
  });

  it("fails the call, without a fallback, when a chunk fails after another succeeded", async () => {
    const primary = chunkedPlugin({
      id: "primary",
      size: 2,
      fail: (first) => (first === "t2" ? unavailable() : undefined),
    });
    const fallback = createMockProvider({ id: "fallback" });
    const gateway = await Ratatoskr.builder()
      .use(primary.plugin)
      .use(fallback)
      .retry(NO_WAIT)
      .fallbacks("embed", ["fallback:m"])
      .build();
    const error = await errorOf(gateway.embedBatch(texts(6), "primary:m"));
    expect(error).toMatchObject({ code: "provider", status: 503 });
    // chunk 0 once, chunk 1 three times; chunk 2 never started
    expect(primary.calls.map((call) => call.texts[0])).toEqual(["t0", "t2", "t2", "t2"]);
    expect(fallback.calls).toHaveLength(0);
  });

  it("a chunk failing for good aborts the chunks in flight and starts no other", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const signals: AbortSignal[] = [];
    const plugin: ProviderV1 = {
      specificationVersion: "v1",
      id: "p",
      embedding: {
        maxParallelCalls: 2,
        maxEmbeddingsPerCall: () => 1,
        async embed({ values: batch, signal }) {
          signals.push(signal);
          if (batch[0] === "t1") {
            await released;
            throw new RatatoskrError({ code: "authentication", message: "401", status: 401 });
          }
          release();
          return new Promise<EmbeddingResultV1>(() => {}); // only the abort ends it
        },
      },
    };
    const gateway = await Ratatoskr.builder().use(plugin).build();
    const error = await errorOf(gateway.embedBatch(texts(5), "m"));
    expect(error.code).toBe("authentication");
    expect(signals).toHaveLength(2);
    expect(signals[0]!.aborted).toBe(true);
  });

  it("the caller's abort ends every chunk", async () => {
    const source = chunkedPlugin({ size: 1, parallel: 2, hang: true });
    const gateway = await Ratatoskr.builder().use(source.plugin).build();
    const controller = new AbortController();
    const pending = gateway.embedBatch(texts(4), "m", { signal: controller.signal });
    await expect.poll(() => source.calls.length).toBe(2);
    controller.abort();
    expect((await errorOf(pending)).code).toBe("aborted");
    expect(source.calls.map((call) => call.signal?.aborted)).toEqual([true, true]);
    expect(source.calls).toHaveLength(2);
  });

  it("the call's total deadline covers every chunk", async () => {
    vi.useFakeTimers();
    const source = chunkedPlugin({ size: 1, hang: true });
    const gateway = await Ratatoskr.builder().use(source.plugin).build();
    const pending = errorOf(gateway.embedBatch(texts(3), "m", { timeout: 5_000 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await pending).toMatchObject({ code: "timeout", timeoutKind: "total" });
    expect(source.calls).toHaveLength(1);
    expect(source.calls[0]!.signal?.aborted).toBe(true);
  });

  it("calls a provider that takes one text per request one text at a time, each retried alone", async () => {
    const seen: string[] = [];
    const plugin: ProviderV1 = {
      specificationVersion: "v1",
      id: "single",
      embedding: {
        maxEmbeddingsPerCall: () => 1,
        async embed({ values: [text], model }) {
          seen.push(text!);
          if (text === "t1" && seen.filter((item) => item === "t1").length === 1) {
            throw unavailable();
          }
          return { embeddings: [{ values: hashEmbedding(text!, 4), model, dimensions: 4 }] };
        },
      },
    };
    const gateway = await Ratatoskr.builder().use(plugin).retry(NO_WAIT).build();
    expect(await gateway.embedBatch(texts(3), "m")).toHaveLength(3);
    expect(seen).toEqual(["t0", "t1", "t1", "t2"]);
  });

  it("rejects a nonsensical declared chunk size with a configuration error naming the provider", async () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      const gateway = await Ratatoskr.builder()
        .use(chunkedPlugin({ id: "odd", size }).plugin)
        .build();
      const error = await errorOf(gateway.embedBatch(texts(3), "m"));
      expect(error.code).toBe("configuration");
      expect(error.message).toContain('"odd" declares embedding.maxEmbeddingsPerCall');
    }
  });
});

describe("a batch is validated whole before routing", () => {
  it.each([
    [
      "a bad text in a later chunk",
      (g: Gw) => g.embedBatch(["a", "b", "c", 42 as never], "m"),
      "texts[3]",
    ],
    [
      "bad embedBatch options",
      (g: Gw) => g.embedBatch(texts(4), "m", { timeout: Number.NaN }),
      "options.timeout",
    ],
    [
      "a bad pair in a later chunk",
      (g: Gw) =>
        g.inferNliBatch(
          [
            { premise: "p0", hypothesis: "h" },
            { premise: "p1", hypothesis: "h" },
            { premise: "p2", hypothesis: 7 as never },
          ],
          "m",
        ),
      "pairs[2]",
    ],
    [
      "bad inferNliBatch options",
      (g: Gw) =>
        g.inferNliBatch([{ premise: "p", hypothesis: "h" }], "m", { retry: { jitter: 3 } }),
      "options.retry.jitter",
    ],
  ])("%s: invalid_input, no chunk sent, no hook", async (_name, call, field) => {
    const mock = createMockProvider({ maxEmbeddingsPerCall: 2, maxPairsPerCall: 2 });
    const hooked: string[] = [];
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .hooks({
        onRequestStart: () => hooked.push("start"),
        onError: () => hooked.push("error"),
      })
      .build();
    const error = await errorOf(call(gateway));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain(field);
    expect(mock.calls).toHaveLength(0);
    expect(hooked).toEqual([]);
  });
});

type Gw = Awaited<ReturnType<ReturnType<typeof Ratatoskr.builder>["build"]>>;

describe("inferNliBatch in chunks", () => {
  it("splits by maxPairsPerCall and retries a failing chunk alone", async () => {
    const mock = createMockProvider({ maxPairsPerCall: 2 }).failNext("nli", unavailable());
    const gateway = await Ratatoskr.builder().use(mock).retry(NO_WAIT).build();
    const pairs: NliPair[] = Array.from({ length: 5 }, (_, index) => ({
      premise: `p${index}`,
      hypothesis: "h",
    }));
    const results = await gateway.inferNliBatch(pairs, "m");
    expect(results).toHaveLength(5);
    expect(
      mock.callsOf("nli").map((call) => call.request.pairs.map((pair) => pair.premise)),
    ).toEqual([["p0", "p1"], ["p0", "p1"], ["p2", "p3"], ["p4"]]);
  });
});
