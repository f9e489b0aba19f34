import { describe, expect, it } from "vitest";
import { compare, percentile, printComparison, summarize } from "./harness.ts";

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
  it("runs both variants the same number of times, interleaved, and reports a slower candidate as < 1x", async () => {
    const order: string[] = [];
    // A fake clock: each operation takes exactly the time it adds, whatever the machine is doing.
    let now = 0n;
    const clock = () => now;
    const advance = (microseconds: number) => {
      now += BigInt(microseconds * 1000);
    };
    const result = await compare(
      {
        name: "fast",
        run: () => {
          order.push("a");
          advance(20);
        },
      },
      {
        name: "slow",
        run: async () => {
          order.push("b");
          advance(200);
        },
      },
      { rounds: 4, iterations: 5, warmup: 1, clock },
    );
    expect(order.filter((entry) => entry === "a")).toHaveLength(21);
    expect(order.filter((entry) => entry === "b")).toHaveLength(21);
    // rounds alternate which variant goes first
    expect(order.slice(2, 12).join("")).toBe("aaaaabbbbb");
    expect(order.slice(12, 22).join("")).toBe("bbbbbaaaaa");
    expect(result.throughputRatio).toBeCloseTo(0.1, 10);
    expect(result.addedMeanUs).toBeCloseTo(180, 10);
    expect(result.addedP99Us).toBeCloseTo(180, 10);
    expect(printComparison("t", result)).toContain("ratio (candidate/reference throughput)");
  });
});
