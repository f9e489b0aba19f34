/**
 * The text analysis behind the lexicon provider: a deliberately tiny,
 * deterministic stand-in for real models, good enough that duplicates are
 * similar, "X" and "not X" contradict and "loves"/"hates" take sides. Words
 * are lowercased, stop words dropped and endings stripped; negations and
 * sentiment words set a polarity.
 */

const STOP_WORDS = new Set(
  "a an the text example is are was were be been am i you he she it we they this that these those of in on at to for from with by and or but so because as over under about than then there here his her its their our my your has have had do does did will would can could should".split(
    " ",
  ),
);
const NEGATIONS = new Set(["not", "no", "never", "nobody", "nothing", "neither", "nor"]);
const POSITIVE = new Set(["love", "like", "prefer", "support", "enjoy", "good", "great", "want"]);
const NEGATIVE = new Set(["hate", "dislike", "avoid", "oppose", "against", "bad", "awful"]);

/** Lowercase words, contractions split (`doesn't` → `does`, `not`). */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? []).flatMap((word) =>
    word.endsWith("n't") ? [word.slice(0, -3), "not"] : [word.replace(/'s$/, "")],
  );
}

/** A crude stemmer: `remotely` → `remote`, `mornings` → `morn`, `loves` → `love`. */
export function stem(word: string): string {
  let base =
    word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
  for (const ending of ["ly", "ing", "ed"]) {
    if (base.length > ending.length + 3 && base.endsWith(ending)) {
      base = base.slice(0, -ending.length);
      break;
    }
  }
  return base;
}

/** What a text says, as far as this lexicon can tell. */
export interface Reading {
  /** Stemmed content words (no stop words, negations or sentiment words). */
  content: Set<string>;
  /** Sentiment words found: +1 positive, -1 negative, 0 none. */
  sentiment: -1 | 0 | 1;
  /** Whether an odd number of negations occurs. */
  negated: boolean;
}

/** Read `text`. */
export function read(text: string): Reading {
  const content = new Set<string>();
  let sentiment: -1 | 0 | 1 = 0;
  let negations = 0;
  for (const word of words(text)) {
    if (NEGATIONS.has(word)) negations++;
    else if (STOP_WORDS.has(word)) continue;
    else {
      const stemmed = stem(word);
      if (POSITIVE.has(stemmed)) sentiment = 1;
      else if (NEGATIVE.has(stemmed)) sentiment = -1;
      else content.add(stemmed);
    }
  }
  return { content, sentiment, negated: negations % 2 === 1 };
}

/** +1 when the text affirms what it is about, -1 when it denies or opposes it. */
export function polarity(reading: Reading): 1 | -1 {
  const base = reading.sentiment === 0 ? 1 : reading.sentiment;
  return reading.negated ? (-base as 1 | -1) : base;
}

/** The share of `hypothesis`'s content words that `premise` also has (0 when it has none). */
export function coverage(premise: Reading, hypothesis: Reading): number {
  if (hypothesis.content.size === 0) return 0;
  let shared = 0;
  for (const word of hypothesis.content) if (premise.content.has(word)) shared++;
  return shared / hypothesis.content.size;
}

/**
 * A bag-of-words vector: each content word (and a `not` feature for a
 * negated text, a sentiment feature) hashed (FNV-1a) into `dimensions`
 * buckets, L2-normalised. The same words give the same vector, whatever
 * their order.
 */
export function bagOfWordsVector(text: string, dimensions: number): number[] {
  const reading = read(text);
  const features = [...reading.content];
  if (reading.negated) features.push("<not>");
  if (reading.sentiment !== 0) features.push(reading.sentiment > 0 ? "<positive>" : "<negative>");
  const vector = new Array<number>(dimensions).fill(0);
  for (const feature of features) {
    let hash = 2166136261;
    for (let i = 0; i < feature.length; i++) {
      hash ^= feature.charCodeAt(i);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    vector[hash % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/** Tokens for counting: words and punctuation marks, as a word-level tokenizer would split. */
export function tokenPieces(text: string): string[] {
  return text.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g) ?? [];
}
