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
