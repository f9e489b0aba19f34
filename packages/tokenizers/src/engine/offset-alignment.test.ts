import { describe, expect, it } from "vitest";
import type { NormalizerStep } from "./compile-tokenizer.ts";
import {
  type Alignment,
  alignedEnd,
  alignedStart,
  identityAlignment,
  joinAlignments,
  normalizeAligned,
} from "./offset-alignment.ts";

/** Each unit's `[start, end)` in the original. */
function pairs(alignment: Alignment, length: number): Array<[number, number]> {
  return Array.from({ length }, (_, index) => [
    alignedStart(alignment, index),
    alignedEnd(alignment, index),
  ]);
}

describe("normalizeAligned", () => {
  it("leaves an unchanged text on the identity (no arrays)", () => {
    const steps: NormalizerStep[] = [{ type: "unicode", form: "NFC" }, { type: "lowercase" }];
    const { text, alignment } = normalizeAligned(steps, "plain text", identityAlignment(10));
    expect(text).toBe("plain text");
    expect(alignment.starts).toBeUndefined();
    expect(pairs(alignment, 2)).toEqual([
      [10, 11],
      [11, 12],
    ]);
  });

  it("maps a Replace's output to the pattern it replaced, longer or shorter", () => {
    const steps: NormalizerStep[] = [
      { type: "replace", pattern: "ab", content: "X" },
      { type: "replace", pattern: "c", content: "xyz" },
    ];
    const { text, alignment } = normalizeAligned(steps, "abcd", identityAlignment(0));
    expect(text).toBe("Xxyzd");
    expect(pairs(alignment, text.length)).toEqual([
      [0, 2],
      [2, 3],
      [2, 3],
      [2, 3],
      [3, 4],
    ]);
  });

  it("maps a prepended text to an empty span, and only once across pieces of one section", () => {
    const steps: NormalizerStep[] = [{ type: "prepend", prepend: "▁" }];
    const prepended: boolean[] = [];
    const first = normalizeAligned(steps, "ab", identityAlignment(0), prepended);
    const second = normalizeAligned(steps, "cd", identityAlignment(2), prepended);
    expect([first.text, second.text]).toEqual(["▁ab", "cd"]);
    expect(pairs(first.alignment, 3)).toEqual([
      [0, 0],
      [0, 1],
      [1, 2],
    ]);
    const joined = joinAlignments([
      [first.alignment, 3],
      [second.alignment, 2],
    ]);
    expect(pairs(joined, 5).slice(3)).toEqual([
      [2, 3],
      [3, 4],
    ]);
  });

  it("maps NFKC and lowercase character by character, with marks composed into their character", () => {
    const steps: NormalizerStep[] = [{ type: "unicode", form: "NFKC" }, { type: "lowercase" }];
    const { text, alignment } = normalizeAligned(steps, "ﬁe\u0301İ", identityAlignment(0));
    expect(text).toBe("fi\u00e9i\u0307");
    expect(pairs(alignment, text.length)).toEqual([
      [0, 1],
      [0, 1],
      [1, 3],
      [3, 4],
      [3, 4],
    ]);
  });

  it("joins identity pieces that follow one another into the identity", () => {
    const joined = joinAlignments([
      [identityAlignment(5), 3],
      [identityAlignment(8), 2],
    ]);
    expect(joined.starts).toBeUndefined();
    expect(joined.offset).toBe(5);
  });
});
