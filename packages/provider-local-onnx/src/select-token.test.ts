import { describe, expect, it } from "vitest";
import { referenceSelectToken } from "./reference-select-token.ts";
import {
  applyRepetitionPenalty,
  argmax,
  exponentialOfNonPositive,
  type SamplingOptions,
  seededRandom,
  selectToken,
} from "./select-token.ts";

/** Logits drawn from a seeded normal distribution (LLM logits look roughly like this), optionally rounded to make ties. */
function gaussianLogits(size: number, seed: number, spread: number, step?: number): Float32Array {
  const random = seededRandom(seed);
  const logits = new Float32Array(size);
  for (let index = 0; index < size; index++) {
    const value =
      spread * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    logits[index] = step === undefined ? value : Math.round(value / step) * step;
  }
  return logits;
}

const SETTINGS: SamplingOptions[] = [
  { temperature: 1 },
  { temperature: 0.7, topP: 0.9 },
  { temperature: 1.3, topK: 50 },
  { temperature: 1, topK: 40, topP: 0.95 },
  { temperature: 2, topP: 0.5 },
  { temperature: 8, topP: 0.98 },
  { temperature: 0.6, topK: 1 },
  { temperature: 1, topK: 2.5 },
  { temperature: 1, topP: 0 },
  { temperature: 0.9, topK: 1e9, topP: 0.8 },
];

/** 1,003 tokens (not a multiple of four), a tenth of them masked to -∞, the largest logit at the end. */
function masked(): Float32Array {
  const logits = gaussianLogits(1003, 6, 3);
  for (let index = 0; index < logits.length; index += 10) logits[index] = Number.NEGATIVE_INFINITY;
  logits[1002] = 20;
  return logits;
}

describe("selectToken: partial selection draws exactly what sorting the vocabulary draws", () => {
  const cases: Array<[string, Float32Array, number]> = [
    ["5 tokens", new Float32Array([1, 3, 2, 0.5, 3]), 400],
    ["1,000 tokens, normal(0, 3)", gaussianLogits(1000, 1, 3), 150],
    ["1,000 tokens rounded to 0.5 (many ties)", gaussianLogits(1000, 2, 3, 0.5), 150],
    ["1,000 tokens nearly flat", gaussianLogits(1000, 3, 0.05), 100],
    ["20,000 tokens, normal(0, 2.5)", gaussianLogits(20_000, 4, 2.5), 6],
    ["1,003 tokens after a larger vocabulary, masked tokens, the best one last", masked(), 100],
  ];
  for (const [name, logits, draws] of cases) {
    it(`${name}: the same token for the same random numbers, every setting`, () => {
      for (const [index, settings] of SETTINGS.entries()) {
        const fast = seededRandom(100 + index);
        const reference = seededRandom(100 + index);
        const picked: number[] = [];
        const expected: number[] = [];
        for (let draw = 0; draw < draws; draw++) {
          picked.push(selectToken(logits, settings, fast));
          expected.push(referenceSelectToken(logits, settings, reference));
        }
        expect(picked, JSON.stringify(settings)).toEqual(expected);
      }
    });
  }

  it("a draw at the very top of [0, 1) returns the last kept token, as the full walk does", () => {
    const logits = gaussianLogits(1000, 5, 3);
    for (const settings of SETTINGS) {
      expect(selectToken(logits, settings, () => 1 - 2 ** -32)).toBe(
        referenceSelectToken(logits, settings, () => 1 - 2 ** -32),
      );
      expect(selectToken(logits, settings, () => 0)).toBe(
        referenceSelectToken(logits, settings, () => 0),
      );
    }
  });

  it("greedy is the first largest logit", () => {
    const logits = new Float32Array([1, 4, 2, 4]);
    expect(selectToken(logits, {}, () => 0.5)).toBe(1);
    expect(selectToken(logits, { temperature: 0, topK: 2 }, () => 0.5)).toBe(1);
    expect(argmax(logits)).toBe(1);
  });
});

/** The sorted walk's running probabilities (best first, ties by id), after top-p: where each token's share ends. */
function referenceBoundaries(logits: Float32Array, temperature: number, topP = 1): number[] {
  const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const max = logits[order[0]!]! / temperature;
  const weights = order.map((index) => Math.exp(logits[index]! / temperature - max));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let keep = weights.length;
  if (topP < 1) {
    let cumulative = 0;
    for (keep = 0; keep < weights.length && cumulative < topP; keep++)
      cumulative += weights[keep]! / total;
  }
  const kept = weights.slice(0, keep).reduce((sum, weight) => sum + weight, 0);
  const boundaries: number[] = [];
  let cumulative = 0;
  for (const weight of weights.slice(0, keep)) {
    cumulative += weight / kept;
    boundaries.push(cumulative);
  }
  return boundaries;
}

/** Expects the same token as the reference for every listed draw, every setting. */
function expectSameDraws(logits: Float32Array, settings: SamplingOptions[], draws: number[]): void {
  for (const setting of settings)
    for (const draw of draws)
      expect(
        selectToken(logits, setting, () => draw),
        `${JSON.stringify(setting)} at ${draw}`,
      ).toBe(referenceSelectToken(logits, setting, () => draw));
}

describe("selectToken without top-k: edge cases of the bucketed walk", () => {
  const WHOLE_VOCABULARY: SamplingOptions[] = [
    { temperature: 1 },
    { temperature: 0.7, topP: 0.9 },
    { temperature: 2, topP: 0.5 },
    { temperature: 0.3, topP: 0.999 },
  ];
  const EDGE_DRAWS = [0, 1e-300, 0.25, 0.5, 0.75, 1 - 2 ** -32, 1 - 2 ** -53];

  it("draws a hair (1e-12) either side of every boundary between two tokens pick the reference's token", () => {
    const logits = gaussianLogits(400, 11, 2);
    for (const settings of [
      { temperature: 1 },
      { temperature: 0.8, topP: 0.9 },
    ] satisfies SamplingOptions[]) {
      const boundaries = referenceBoundaries(logits, settings.temperature, settings.topP);
      const draws = boundaries
        .slice(0, -1)
        .flatMap((boundary) => [boundary - 1e-12, boundary + 1e-12])
        .filter((draw) => draw > 0 && draw < 1);
      expect(draws.length).toBeGreaterThan(100);
      expectSameDraws(logits, [settings], draws);
    }
  });

  it("logits just either side of the exponential's steps (the bucket edges) land in the right buckets", () => {
    // Bucket n holds scaled logits within half a step (ln 2 / 256 nat) of −n steps: put tokens on
    // the edges themselves and one float32 either side of them.
    const step = Math.LN2 / 256;
    // The best token at 0, so that scaled logits are the logits themselves.
    const values: number[] = [0];
    for (let edge = 0; edge < 300; edge++) {
      const at = Math.fround(-(edge + 0.5) * step);
      const bits = new Float32Array([at]);
      const view = new Int32Array(bits.buffer);
      values.push(at);
      view[0]! += 1;
      values.push(bits[0]!);
      view[0]! -= 2;
      values.push(bits[0]!);
    }
    const logits = Float32Array.from(values);
    const random = seededRandom(12);
    const draws = Array.from({ length: 300 }, () => random());
    expectSameDraws(logits, [{ temperature: 1 }, { temperature: 1, topP: 0.6 }], draws);
    // At temperature 1 every token's bucket is decided by its edge: the boundaries too.
    const boundaries = referenceBoundaries(logits, 1);
    expectSameDraws(
      logits,
      [{ temperature: 1 }],
      boundaries.slice(0, -1).map((boundary) => boundary + 1e-12),
    );
  });

  it("many tokens just above and below the 64-nat floor, with masked ones, and the best far above", () => {
    // Below −64 nats tokens are weighed as if at −64 (e^-64 ≈ 1.6e-28 each): 30,000 of them
    // still cannot move a draw, and the last kept token is still the full walk's.
    const logits = new Float32Array(30_001);
    for (let index = 0; index < 30_000; index++)
      logits[index] = index % 7 === 0 ? Number.NEGATIVE_INFINITY : -64 + ((index % 5) - 2) * 0.01;
    logits[30_000] = 0;
    expectSameDraws(logits, WHOLE_VOCABULARY, EDGE_DRAWS);
    // A temperature that brings the tail back within reach: it then carries most of the mass.
    expectSameDraws(logits, [{ temperature: 8 }, { temperature: 8, topP: 0.9 }], EDGE_DRAWS);
  });

  it("all tokens equal: ties drawn by id, as the sorted walk draws them", () => {
    const logits = new Float32Array(1000).fill(2.5);
    const random = seededRandom(13);
    expectSameDraws(logits, WHOLE_VOCABULARY, [
      ...EDGE_DRAWS,
      ...Array.from({ length: 50 }, () => random()),
    ]);
  });

  it("a single finite token is always drawn, whatever the draw", () => {
    const logits = new Float32Array(500).fill(Number.NEGATIVE_INFINITY);
    logits[321] = -3;
    for (const settings of WHOLE_VOCABULARY)
      for (const draw of EDGE_DRAWS) expect(selectToken(logits, settings, () => draw)).toBe(321);
  });

  it("NaN logits still give a token id of the vocabulary, never a thrown error", () => {
    const logits = gaussianLogits(100, 14, 3);
    logits[5] = Number.NaN;
    for (const settings of WHOLE_VOCABULARY)
      for (const draw of EDGE_DRAWS) {
        const token = selectToken(logits, settings, () => draw);
        expect(Number.isInteger(token) && token >= 0 && token < 100).toBe(true);
      }
    const allNaN = new Float32Array(10).fill(Number.NaN);
    for (const draw of EDGE_DRAWS) {
      const token = selectToken(allNaN, { temperature: 1 }, () => draw);
      expect(Number.isInteger(token) && token >= 0 && token < 10).toBe(true);
    }
  });
});

describe("applyRepetitionPenalty", () => {
  it("divides positive and multiplies negative logits of the context tokens, once each", () => {
    const logits = new Float32Array([2, -2, 3, 0.5]);
    applyRepetitionPenalty(logits, new Set([0, 1]), 2);
    expect([...logits]).toEqual([1, -4, 3, 0.5]);
    applyRepetitionPenalty(logits, new Set([2]), 1);
    expect([...logits]).toEqual([1, -4, 3, 0.5]);
  });
});

describe("exponentialOfNonPositive", () => {
  it("agrees with Math.exp to 2e-15 relative over the normal range, and gives 0 below the underflow", () => {
    let worst = 0;
    for (let x = 0; x > -700; x -= 0.01234567) {
      const expected = Math.exp(x);
      worst = Math.max(worst, Math.abs(exponentialOfNonPositive(x) - expected) / expected);
    }
    expect(worst).toBeLessThan(2e-15);
    // Subnormal results (below e^-708) keep few significant bits either way.
    for (let x = -700; x > -745; x -= 0.37)
      expect(Math.abs(exponentialOfNonPositive(x) - Math.exp(x))).toBeLessThan(1e-310);
    expect(exponentialOfNonPositive(0)).toBe(1);
    expect(exponentialOfNonPositive(-800)).toBe(0);
    expect(exponentialOfNonPositive(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(exponentialOfNonPositive(Number.NaN)).toBeNaN();
  });
});
