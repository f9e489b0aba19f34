/**
 * Benchmark harness: a reference and a candidate run in the same process,
 * interleaved operation by operation (A B, B A, A B, …) so drift, GC, timer
 * wheels and socket state hit both alike. Results are printed as ratios and
 * added time per call; nothing here asserts wall-clock numbers.
 */

/** One side of a comparison. */
export interface Variant {
  name: string;
  /** One operation (a call, a whole stream). */
  run: () => unknown | Promise<unknown>;
}

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Rounds (default 10). */
  rounds?: number;
  /** Operations per round per variant (default 1,000). */
  iterations?: number;
  /** Untimed operations per variant before the first round (default iterations). */
  warmup?: number;
  /** Nanosecond clock (default `process.hrtime.bigint`); tests inject a fake one. */
  clock?: Clock;
  /**
   * How the two sides take turns (default `"operation"`).
   *
   * - `"operation"`: one operation of each per step, alternating which goes
   *   first, so sample `i` of each side is taken next to the other's. On
   *   loopback I/O this is the only fair scheme: an A/A run (the same variant
   *   on both sides) in `"round"` mode reported 0.85x and +12–20 µs at p50,
   *   because the side that runs a block of calls second inherits a warmer
   *   (or busier) socket, timer list and allocator; interleaved per operation
   *   the same A/A run reports about 1.0x and under 1 µs.
   * - `"round"`: `iterations` operations of one side, then of the other
   *   (alternating which goes first per round); for CPU-bound work whose cache
   *   state one operation of the other side would disturb.
   */
  interleave?: "operation" | "round";
}

/** Statistics of one variant, in nanoseconds per operation. */
export interface Stats {
  name: string;
  operations: number;
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
  opsPerSecond: number;
}

/** A reference/candidate comparison. */
export interface Comparison {
  reference: Stats;
  candidate: Stats;
  /** Candidate throughput / reference throughput (1 = same speed, < 1 = slower). */
  throughputRatio: number;
  /** Candidate − reference, microseconds per operation (see {@link addedTime}). */
  addedMeanUs: number;
  addedP50Us: number;
  addedP99Us: number;
}

/** What a candidate adds per operation over a reference, in nanoseconds. */
export interface AddedTime {
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
}

/** The p-th percentile (0–100) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Summarise per-operation samples (ns). */
export function summarize(name: string, samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  const meanNs = total / sorted.length;
  return {
    name,
    operations: sorted.length,
    meanNs,
    p50Ns: percentile(sorted, 50),
    p99Ns: percentile(sorted, 99),
    opsPerSecond: 1e9 / meanNs,
  };
}

/**
 * The time a candidate adds per operation: percentiles of the paired
 * differences `candidate[i] − reference[i]`, where sample `i` of each side
 * was taken at the same position (side by side in `"operation"` mode, at the
 * same position of the same round in `"round"` mode). Not the difference of two
 * independently measured percentiles: a stall that happens to hit the
 * reference (GC, a preempted thread) sets the reference's p99 alone, and
 * `p99(candidate) − p99(reference)` then comes out negative for a candidate
 * that is slower on every single operation. Paired, the added p99 is never
 * below the added p50, and it is negative only when the candidate is faster on
 * at least 99 % of the pairs.
 */
export function addedTime(
  referenceSamples: readonly number[],
  candidateSamples: readonly number[],
): AddedTime {
  if (referenceSamples.length !== candidateSamples.length) {
    throw new RangeError(
      `addedTime needs paired samples: ${referenceSamples.length} reference vs ${candidateSamples.length} candidate`,
    );
  }
  const differences = candidateSamples.map((sample, index) => sample - referenceSamples[index]!);
  const stats = summarize("added", differences);
  return { meanNs: stats.meanNs, p50Ns: stats.p50Ns, p99Ns: stats.p99Ns };
}

/** Nanosecond clock; tests inject a fake one so no assertion depends on wall time. */
export type Clock = () => bigint;

const hrtime: Clock = () => process.hrtime.bigint();

async function runOnce(variant: Variant, clock: Clock): Promise<number> {
  const start = clock();
  const result = variant.run();
  if (result !== null && typeof result === "object" && "then" in (result as object)) await result;
  return Number(clock() - start);
}

/** Time `iterations` operations of `variant`, returning per-operation samples (ns). */
export async function sample(
  variant: Variant,
  iterations: number,
  clock: Clock = hrtime,
): Promise<number[]> {
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) samples[i] = await runOnce(variant, clock);
  return samples;
}

/** Compare `candidate` against `reference`, interleaved (see {@link CompareOptions.interleave}). */
export async function compare(
  reference: Variant,
  candidate: Variant,
  options: CompareOptions = {},
): Promise<Comparison> {
  const rounds = options.rounds ?? 10;
  const iterations = options.iterations ?? 1_000;
  const warmup = options.warmup ?? iterations;
  const clock = options.clock ?? hrtime;
  const referenceSamples: number[] = [];
  const candidateSamples: number[] = [];
  if ((options.interleave ?? "operation") === "operation") {
    const step = async (index: number, into?: [number[], number[]]) => {
      // Alternate which goes first so neither always follows the other.
      const referenceFirst = index % 2 === 0;
      const firstNs = await runOnce(referenceFirst ? reference : candidate, clock);
      const secondNs = await runOnce(referenceFirst ? candidate : reference, clock);
      into?.[0].push(referenceFirst ? firstNs : secondNs);
      into?.[1].push(referenceFirst ? secondNs : firstNs);
    };
    for (let index = 0; index < warmup; index++) await step(index);
    for (let index = 0; index < rounds * iterations; index++) {
      await step(index, [referenceSamples, candidateSamples]);
    }
  } else {
    await sample(reference, warmup, clock);
    await sample(candidate, warmup, clock);
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first so neither always runs on a warmer heap.
      const order = round % 2 === 0 ? [reference, candidate] : [candidate, reference];
      for (const variant of order) {
        const samples = await sample(variant, iterations, clock);
        (variant === reference ? referenceSamples : candidateSamples).push(...samples);
      }
    }
  }
  const referenceStats = summarize(reference.name, referenceSamples);
  const candidateStats = summarize(candidate.name, candidateSamples);
  const added = addedTime(referenceSamples, candidateSamples);
  return {
    reference: referenceStats,
    candidate: candidateStats,
    throughputRatio: referenceStats.meanNs / candidateStats.meanNs,
    addedMeanUs: added.meanNs / 1000,
    addedP50Us: added.p50Ns / 1000,
    addedP99Us: added.p99Ns / 1000,
  };
}

function us(ns: number): string {
  return (ns / 1000).toFixed(ns < 10_000 ? 2 : 1);
}

/** Print a comparison as a small table plus its ratio line; returns the text. */
export function printComparison(title: string, comparison: Comparison, target?: string): string {
  const rows = [comparison.reference, comparison.candidate].map((stats) => [
    stats.name,
    String(stats.operations),
    us(stats.meanNs),
    us(stats.p50Ns),
    us(stats.p99Ns),
    Math.round(stats.opsPerSecond).toLocaleString("en-US"),
  ]);
  const header = ["variant", "ops", "mean µs", "p50 µs", "p99 µs", "ops/s"];
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
  const text = [
    `\n## ${title}`,
    line(header),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
    `ratio (candidate/reference throughput): ${comparison.throughputRatio.toFixed(3)}x; ` +
      `added per op: mean ${comparison.addedMeanUs.toFixed(2)} µs, p50 ${comparison.addedP50Us.toFixed(2)} µs, p99 ${comparison.addedP99Us.toFixed(2)} µs` +
      (target ? `  [target: ${target}]` : ""),
  ].join("\n");
  console.log(text);
  return text;
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
