/**
 * The demo provider's NLI and zero-shot scores: lexical overlap, not a
 * model. A label (or hypothesis) whose words appear in the text scores
 * higher; shared letter trigrams separate labels that share no whole word,
 * so unrelated labels do not all tie. Negation on one side only ("not",
 * "no", "never", "…n't") turns overlap into contradiction. Deterministic,
 * offline, and labelled as a stand-in wherever the playground shows it.
 */
import type { NliResult } from "@ratatoskr/core";

const NEGATIONS = new Set(["not", "no", "never", "none", "nobody", "nothing", "neither", "nor"]);
const STOP_WORDS = new Set([
  "a",
  "an",
  "the",
  "is",
  "are",
  "was",
  "were",
  "be",
  "this",
  "that",
  "it",
  "of",
  "to",
  "in",
  "on",
  "and",
  "or",
  "about",
  "for",
  "with",
  "example",
]);

/** Lower-case words with a crude English suffix strip ("cats" → "cat", "running" → "runn"). */
export function stems(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []).map((word) =>
    word.length > 4 ? word.replace(/(ing|ed|es|s)$/u, "") : word,
  );
}

function contentStems(text: string): string[] {
  return stems(text).filter((word) => !STOP_WORDS.has(word) && !NEGATIONS.has(word));
}

function trigrams(text: string): Set<string> {
  const letters = ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()} `;
  const grams = new Set<string>();
  for (let index = 0; index + 3 <= letters.length; index += 1)
    grams.add(letters.slice(index, index + 3));
  return grams;
}

/**
 * How much of `part` the `text` covers, in [0, 1]: 0.8 × the share of
 * `part`'s content words found in `text`, plus 0.2 × the share of its
 * letter trigrams found there.
 */
export function coverage(text: string, part: string): number {
  const words = new Set(contentStems(text));
  const wanted = contentStems(part);
  const wordShare =
    wanted.length === 0 ? 0 : wanted.filter((word) => words.has(word)).length / wanted.length;
  const textGrams = trigrams(text);
  const partGrams = [...trigrams(part)];
  const gramShare =
    partGrams.length === 0
      ? 0
      : partGrams.filter((gram) => textGrams.has(gram)).length / partGrams.length;
  return 0.8 * wordShare + 0.2 * gramShare;
}

function negated(text: string): boolean {
  return stems(text).some((word) => NEGATIONS.has(word) || word.endsWith("n't"));
}

/** Entailment, neutral and contradiction (summing to 1) of one pair, from overlap and negation. */
export function lexicalNli(premise: string, hypothesis: string): NliResult {
  const overlap = coverage(premise, hypothesis);
  const flipped = negated(premise) !== negated(hypothesis);
  const entailment = flipped ? 0.05 : 0.05 + overlap;
  const contradiction = flipped ? 0.05 + overlap : 0.05;
  const neutral = 0.05 + (1 - overlap) * 0.6;
  const sum = entailment + neutral + contradiction;
  const result = {
    entailment: entailment / sum,
    neutral: neutral / sum,
    contradiction: contradiction / sum,
  };
  const label =
    result.entailment >= result.neutral && result.entailment >= result.contradiction
      ? "entailment"
      : result.contradiction >= result.neutral
        ? "contradiction"
        : "neutral";
  return { ...result, label } as NliResult;
}

/**
 * Zero-shot scores of `labels` for `text`: a softmax over each label's
 * {@link coverage} (temperature 0.15), or with `multiLabel` each coverage on
 * its own.
 */
export function lexicalZeroShot(
  text: string,
  labels: readonly string[],
  multiLabel: boolean,
): Record<string, number> {
  const raw = labels.map((label) => coverage(text, label));
  const scores: Record<string, number> = {};
  if (multiLabel) {
    labels.forEach((label, index) => {
      scores[label] = raw[index]!;
    });
    return scores;
  }
  const weights = raw.map((value) => Math.exp(value / 0.15));
  const sum = weights.reduce((total, weight) => total + weight, 0);
  labels.forEach((label, index) => {
    scores[label] = weights[index]! / sum;
  });
  return scores;
}

/** Words that argue for something (as {@link stems} leaves them: "opposes" → "oppos"). */
const FAVOR_CUES = new Set([
  "support",
  "favor",
  "favour",
  "love",
  "lov",
  "like",
  "lik",
  "great",
  "best",
  "good",
  "agree",
  "agre",
  "pro",
  "benefit",
  "back",
  "welcome",
  "welcom",
  "excellent",
  "wonderful",
  "endorse",
  "endors",
  "need",
  "should",
  "must",
]);

/** Words that argue against something (as {@link stems} leaves them: "opposes" → "oppos"). */
const AGAINST_CUES = new Set([
  "oppose",
  "oppos",
  "against",
  "hate",
  "hat",
  "bad",
  "worst",
  "terrible",
  "awful",
  "reject",
  "ban",
  "bans",
  "harm",
  "harmful",
  "dangerou",
  "waste",
  "wast",
  "disagree",
  "disagre",
  "stop",
  "wrong",
  "fail",
  "useles",
]);

/**
 * The target of a stance call (`gateway.classifyStance`), when `labels` are
 * its three candidate labels (`supports ‹target›`, `opposes ‹target›`,
 * `is neutral about ‹target›`, as the gateway documents them); else undefined.
 */
export function stanceTarget(labels: readonly string[]): string | undefined {
  const [favor, against, neutral] = labels;
  if (labels.length !== 3 || !favor?.startsWith("supports ")) return undefined;
  const target = favor.slice("supports ".length);
  return against === `opposes ${target}` && neutral === `is neutral about ${target}`
    ? target
    : undefined;
}

/**
 * Favor, against and neutral (summing to 1) of `text` toward `target`, from
 * cue words ("support", "best" … "oppose", "ban" …; a negation swaps them)
 * weighed by how much the text talks about the target ({@link coverage}).
 * No cue, or a text about something else, leans neutral.
 */
export function lexicalStance(
  text: string,
  target: string,
): { favor: number; against: number; neutral: number } {
  const words = stems(text);
  let favorCues = words.filter((word) => FAVOR_CUES.has(word)).length;
  let againstCues = words.filter((word) => AGAINST_CUES.has(word)).length;
  if (negated(text)) [favorCues, againstCues] = [againstCues, favorCues];
  const cues = favorCues + againstCues + 0.5;
  const about = 0.2 + 0.8 * coverage(text, target);
  const favor = 0.05 + (about * favorCues) / cues;
  const against = 0.05 + (about * againstCues) / cues;
  const neutral = 0.05 + 0.25 / cues + 0.3 * (1 - about);
  const sum = favor + against + neutral;
  return { favor: favor / sum, against: against / sum, neutral: neutral / sum };
}
