import { describe, expect, it } from "vitest";
import { addedTime, compare, percentile, printComparison, summarize } from "./harness.ts";

/** A fake nanosecond clock: each operation advances it by exactly the time it "takes". */
function fakeClock() {
  let now = 0n;
  return {
    clock: () => now,
    advance: (microseconds: number) => {
      now += BigInt(microseconds * 1000);
    },
  };
}

/**
 * A fast (20 µs, sync) and a slow (200 µs, async) variant on a fake clock,
 * recording the order they ran in ("a", "b").
 */
function recordingVariants() {
  const order: string[] = [];
  const { clock, advance } = fakeClock();
  return {
    order,
    clock,
    fast: {
      name: "fast",
      run: () => {
        order.push("a");
        advance(20);
      },
    },
    slow: {
      name: "slow",
      run: async () => {
        order.push("b");
        advance(200);
      },
    },
  };
}

describe("percentile", () => {
  it("uses the nearest-rank method on ascending samples", () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("summarize", () => {
  it("computes mean, p50, p99 and ops/s from unsorted samples", () => {
    const stats = summarize("x", [300, 100, 200, 400]);
    expect(stats).toMatchObject({ name: "x", operations: 4, meanNs: 250, p50Ns: 200, p99Ns: 400 });
    expect(stats.opsPerSecond).toBeCloseTo(4_000_000, 0);
  });
});

describe("compare", () => {
  it("runs both variants the same number of times, interleaved per operation, and reports a slower candidate as < 1x", async () => {
    const { order, fast, slow, clock } = recordingVariants();
    const result = await compare(fast, slow, { rounds: 4, iterations: 5, warmup: 1, clock });
    expect(order.filter((entry) => entry === "a")).toHaveLength(21);
    expect(order.filter((entry) => entry === "b")).toHaveLength(21);
    // one warm-up step, then every step alternates which variant goes first
    expect(order.slice(0, 2).join("")).toBe("ab");
    expect(order.slice(2, 10).join("")).toBe("abbaabba");
    expect(result.throughputRatio).toBeCloseTo(0.1, 10);
    expect(result.addedMeanUs).toBeCloseTo(180, 10);
    expect(result.addedP99Us).toBeCloseTo(180, 10);
    expect(printComparison("t", result)).toContain("ratio (candidate/reference throughput)");
  });

  it("interleaves whole rounds in round mode, alternating which variant goes first", async () => {
    const { order, fast, slow, clock } = recordingVariants();
    const result = await compare(fast, slow, {
      rounds: 4,
      iterations: 5,
      warmup: 1,
      clock,
      interleave: "round",
    });
    expect(order).toHaveLength(42);
    expect(order.slice(2, 12).join("")).toBe("aaaaabbbbb");
    expect(order.slice(12, 22).join("")).toBe("bbbbbaaaaa");
    expect(result.throughputRatio).toBeCloseTo(0.1, 10);
  });

  it("pairs each candidate sample with the reference sample taken beside it", async () => {
    // The machine slows down over time (each step costs 1 µs more than the
    // last); paired side by side, the candidate's 3 µs extra is all that shows.
    const { clock, advance } = fakeClock();
    let step = 0;
    const result = await compare(
      {
        name: "reference",
        run: () => advance(10 + Math.floor(step++ / 2)),
      },
      { name: "candidate", run: () => advance(13 + Math.floor(step++ / 2)) },
      { rounds: 3, iterations: 20, warmup: 0, clock },
    );
    expect(result.addedP50Us).toBeCloseTo(3, 10);
    expect(result.addedP99Us).toBeCloseTo(3, 10);
  });
});

describe("added time", () => {
  it("is the candidate's extra cost per operation, never negative when every operation costs more", async () => {
    // The reference has a rare stall (one operation in 50, as a GC pause or a
    // preempted thread would give), so its own p99 is the stall; the candidate
    // always costs 2 µs more than the reference's usual 10 µs and never stalls.
    // Subtracting the two p99s gave 12 − 1,000 = −988 µs "added".
    const { clock, advance } = fakeClock();
    let referenceCalls = 0;
    const result = await compare(
      {
        name: "reference",
        run: () => {
          referenceCalls++;
          advance(referenceCalls % 50 === 0 ? 1_000 : 10);
        },
      },
      { name: "candidate", run: () => advance(12) },
      { rounds: 4, iterations: 50, warmup: 0, clock },
    );
    expect(result.reference.p99Ns).toBe(1_000_000);
    expect(result.candidate.p99Ns).toBe(12_000);
    expect(result.addedP50Us).toBeCloseTo(2, 10);
    expect(result.addedP99Us).toBeCloseTo(2, 10);
    expect(result.addedP99Us).toBeGreaterThanOrEqual(result.addedP50Us);
  });

  it("keeps the candidate's own stalls in the added p99", async () => {
    const { clock, advance } = fakeClock();
    let candidateCalls = 0;
    const result = await compare(
      { name: "reference", run: () => advance(10) },
      {
        name: "candidate",
        run: () => {
          candidateCalls++;
          advance(candidateCalls % 20 === 0 ? 510 : 12);
        },
      },
      { rounds: 2, iterations: 100, warmup: 0, clock },
    );
    expect(result.addedP50Us).toBeCloseTo(2, 10);
    expect(result.addedP99Us).toBeCloseTo(500, 10);
  });
});

describe("addedTime", () => {
  it("pairs samples by position and refuses unpaired ones", () => {
    expect(addedTime([10, 20, 30], [15, 20, 40])).toEqual({ meanNs: 5, p50Ns: 5, p99Ns: 10 });
    expect(() => addedTime([1, 2], [1])).toThrow(/paired samples: 2 reference vs 1 candidate/);
  });
});
