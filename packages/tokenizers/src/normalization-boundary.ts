/**
 * Where a long section may be normalised in pieces: a split position such
 * that normalising the text before and from it separately gives the same
 * as normalising it whole, so a long count can pause between pieces.
 */
import type { NormalizerStep } from "./compile-tokenizer.ts";

/** Case-ignorable ASCII characters (final-sigma context reaches across them when lower-casing). */
const CASE_IGNORABLE_ASCII = new Set([0x27, 0x2e, 0x3a, 0x5e, 0x60]);

/** What the normalisers of a tokenizer need from a split. */
export interface NormalizationFacts {
  /** A Unicode normaliser (NFC, NFKC, …) runs. */
  unicode: boolean;
  /** A Lowercase normaliser runs. */
  lowercase: boolean;
  /** Characters of multi-character `Replace` patterns: no split right after them. */
  guardBefore: Set<number>;
  /** Characters a `Replace` before a Unicode normaliser rewrites: no split right before them. */
  guardAt: Set<number>;
}

/** What the normalisers need from a split of a long section (see `#isNormalizationBoundary`). */
export function normalizationFacts(steps: readonly NormalizerStep[]): NormalizationFacts {
  const guardBefore = new Set<number>();
  const guardAt = new Set<number>();
  let unicode = false;
  let lowercase = false;
  const rewritten: number[] = [];
  for (const step of steps) {
    if (step.type === "lowercase") lowercase = true;
    if (step.type === "unicode") {
      unicode = true;
      // A character rewritten before Unicode normalisation may become one that composes backwards.
      for (const code of rewritten) guardAt.add(code);
    }
    if (step.type === "replace") {
      for (let index = 0; index < step.pattern.length; index++) {
        const code = step.pattern.charCodeAt(index);
        rewritten.push(code);
        if (step.pattern.length > 1) guardBefore.add(code);
      }
    }
  }
  return { unicode, lowercase, guardBefore, guardAt };
}

/**
 * Whether `code` begins a new stretch under every Unicode normalisation
 * form: a starter that no normalisation composes with what comes before,
 * decomposes into something that does, or reorders. True for ASCII, CJK
 * unified ideographs, hiragana and katakana letters, and Hangul syllables.
 */
export function startsAnew(code: number): boolean {
  return (
    code < 0x80 ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3041 && code <= 0x3096) ||
    (code >= 0x30a1 && code <= 0x30fa) ||
    (code >= 0xac00 && code <= 0xd7a3)
  );
}

/**
 * Whether normalising `text` before and from `position` separately gives
 * the same as normalising it whole: the character at `position` starts
 * anew under Unicode normalisation (ASCII, CJK ideographs, kana, Hangul
 * syllables: no composition, decomposition or reordering reaches across
 * it), no multi-character `Replace` pattern can span the split, and
 * lower-casing (final sigma) has no context across it.
 */
export function isNormalizationBoundary(
  text: string,
  position: number,
  facts: NormalizationFacts,
): boolean {
  const before = text.charCodeAt(position - 1);
  const at = text.charCodeAt(position);
  if (at >= 0xdc00 && at <= 0xdfff) return false;
  if (facts.guardBefore.has(before) || facts.guardAt.has(at)) return false;
  if (
    facts.lowercase &&
    (before >= 0x80 ||
      at >= 0x80 ||
      CASE_IGNORABLE_ASCII.has(before) ||
      CASE_IGNORABLE_ASCII.has(at))
  )
    return false;
  return !facts.unicode || startsAnew(at);
}
