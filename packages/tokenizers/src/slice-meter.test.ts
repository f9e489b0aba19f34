/**
 * Counting never holds the event loop: a long count runs in slices with
 * `setImmediate` turns between them (other work runs there), and stops
 * when its signal fires. Bounded by work (a fixed 20 MB text), not
 * by wall time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateCorpus } from "./__fixtures__/corpus.ts";
import { DEFAULT_SLICE_SIZE, runSlices, sliceMeter, spend } from "./engine/slice-meter.ts";
import type { HfTokenizer } from "./hf-tokenizer.ts";
import { createTokenizers, type TokenizersProvider } from "./tokenizers-provider.ts";

const MODEL = "llama-3.1-8b-instruct";
/** 20 MB of varied text (code, prose in many scripts, emoji, whitespace runs). */
const BIG = generateCorpus(1_000_000, 3).repeat(20);
const MEDIUM = BIG.slice(0, 2_000_000);

let cacheDir: string;
let plugin: TokenizersProvider;
let tokenizer: HfTokenizer;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "ratatoskr-slices-"));
  plugin = createTokenizers({ cacheDir, offline: true });
  tokenizer = (await plugin.registry.load(MODEL)).tokenizer;
});

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/** The provider's v1 count of `text` for {@link MODEL}, stopped by `signal`. */
const countWithProvider = (text: string, signal = new AbortController().signal) =>
  plugin.tokenCounting.countTokens({ model: MODEL, text, providerOptions: {}, signal });

/** Let the event loop turn once (a `setImmediate` queued now runs before one queued later). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function* counting(slices: number): Generator<void, number, void> {
  for (let index = 0; index < slices; index++) yield;
  return slices;
}

describe("runSlices", () => {
  it("runs sliced work to its result, one event-loop turn per slice", async () => {
    const meter = sliceMeter(10);
    expect([spend(meter, 4), spend(meter, 5), spend(meter, 1), spend(meter, 3)]).toEqual([
      false,
      false,
      true,
      false,
    ]);
    // Other work queued on the event loop runs between the slices.
    let otherTurns = 0;
    const other = () => {
      otherTurns++;
      if (otherTurns < 1000) setImmediate(other);
    };
    setImmediate(other);
    expect(await runSlices(counting(50))).toBe(50);
    expect(otherTurns).toBeGreaterThanOrEqual(45);
    otherTurns = 1000;
    expect(() => sliceMeter(0)).toThrow(RangeError);
  });

  it("stops the work and rejects with aborted when the signal fires between slices", async () => {
    const controller = new AbortController();
    let stoppedAt = -1;
    function* work(): Generator<void, string, void> {
      let slice = 0;
      try {
        for (; slice < 1000; slice++) yield;
        return "done";
      } finally {
        stoppedAt = slice;
      }
    }
    const result = runSlices(work(), controller.signal);
    await nextTurn();
    controller.abort();
    const error = await result.catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "aborted")).toBe(true);
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(10);
  });
});

describe("countTokens on a 20 MB text", () => {
  it("keeps the event loop turning: short slices, a turn between them, the same count", async () => {
    // Warm up (JIT, pre-token cache, a flat string) and get the count in one go.
    const expected = tokenizer.count(BIG);
    const original = tokenizer.countInSlices.bind(tokenizer);
    const sliceCpuMs: number[] = [];
    const spy = vi.spyOn(tokenizer, "countInSlices").mockImplementation(function* (...args) {
      const work = original(...args);
      for (;;) {
        const before = process.threadCpuUsage();
        const step = work.next();
        const used = process.threadCpuUsage(before);
        sliceCpuMs.push((used.user + used.system) / 1000);
        if (step.done) return step.value;
        yield;
      }
    });
    // The loop's turns while counting, counted by an immediate that queues itself again each
    // turn: counting in one go leaves it one turn; counting in slices gives it a turn at each
    // slice boundary. Counted by events, not measured in time, so a busy machine cannot fail it.
    let turns = 0;
    let spinning = true;
    const spin = () => {
      if (!spinning) return;
      turns++;
      setImmediate(spin);
    };
    try {
      setImmediate(spin);
      const result = await countWithProvider(BIG);
      spinning = false;
      expect(result).toEqual({ count: expected, approximate: false, source: "llama-3.1" });
      // By work: at least one slice per 2 × DEFAULT_SLICE_SIZE characters, each holding the
      // loop for a few ms of this thread's CPU (the clock ticks in ~4 ms steps on Linux). A
      // garbage collection of the 20 MB heap inside a slice can take 100 ms on a loaded
      // machine, so a few slices may be long: the 95th percentile is what slicing bounds.
      // In one go there is a single slice: the whole count.
      expect(sliceCpuMs.length).toBeGreaterThanOrEqual(BIG.length / (2 * DEFAULT_SLICE_SIZE));
      const sorted = [...sliceCpuMs].sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length * 0.95)]).toBeLessThan(20);
      // The loop turned between slices: other work (here the immediate) ran while counting.
      expect(turns).toBeGreaterThanOrEqual(sliceCpuMs.length / 2);
    } finally {
      spinning = false;
      spy.mockRestore();
    }
  });
});

describe("stopping a long count", () => {
  it("rejects with aborted when the signal fires mid-count", async () => {
    const controller = new AbortController();
    const call = countWithProvider(MEDIUM, controller.signal);
    await nextTurn();
    controller.abort();
    const error = await call.catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "aborted")).toBe(true);
  });

  it("stops counting once aborted, instead of finishing the text in the background", async () => {
    const original = tokenizer.countInSlices.bind(tokenizer);
    let slices = 0;
    let finished = false;
    const spy = vi.spyOn(tokenizer, "countInSlices").mockImplementation(function* (...args) {
      const work = original(...args);
      let step = work.next();
      for (; !step.done; step = work.next()) {
        slices++;
        yield;
      }
      finished = true;
      return step.value;
    });
    try {
      const controller = new AbortController();
      const call = countWithProvider(MEDIUM, controller.signal);
      while (slices < 3) await nextTurn();
      controller.abort();
      await expect(call).rejects.toMatchObject({ code: "aborted" });
      for (let turn = 0; turn < 5; turn++) await nextTurn();
      expect(finished).toBe(false);
      expect(slices).toBeLessThan(MEDIUM.length / DEFAULT_SLICE_SIZE / 2);
    } finally {
      spy.mockRestore();
    }
  });
});
