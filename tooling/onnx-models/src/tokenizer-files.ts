/**
 * Tokenizer files (`tokenizer.json`, `tokenizer_config.json`) in the Hugging
 * Face format, for the test models: a BERT WordPiece tokenizer and a GPT-2
 * style byte-level BPE tokenizer, small enough to read.
 */

/** Special tokens of the WordPiece vocabulary, at ids 0–4 as in BERT. */
export const WORDPIECE_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

const WORDS = [
  "the",
  "a",
  "an",
  "cat",
  "cats",
  "dog",
  "dogs",
  "sat",
  "sits",
  "on",
  "mat",
  "is",
  "are",
  "not",
  "hello",
  "world",
  "animal",
  "happy",
  "sad",
  "this",
  "example",
  "about",
  "sports",
  "politics",
  "weather",
  "i",
  "love",
  "hate",
  "it",
  "rain",
  "sun",
  "today",
  "game",
  "team",
  "won",
  "vote",
  "election",
  "sleeping",
  "running",
  "man",
  "woman",
  "person",
  "outside",
  "inside",
  "good",
  "bad",
];
const PUNCTUATION = [".", ",", "!", "?", "'", "-", ":", ";"];
const LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789".split("");

/** The WordPiece vocabulary: token → id. */
export function wordPieceVocabulary(): Record<string, number> {
  const tokens = [
    ...WORDPIECE_SPECIALS,
    ...WORDS,
    ...PUNCTUATION,
    ...LETTERS,
    ...LETTERS.map((letter) => `##${letter}`),
    "##s",
    "##ing",
  ];
  const vocabulary: Record<string, number> = {};
  for (const token of tokens)
    if (!(token in vocabulary)) vocabulary[token] = Object.keys(vocabulary).length;
  return vocabulary;
}

/** A BERT-style `tokenizer.json` (lowercasing, WordPiece, `[CLS] A [SEP] B [SEP]`). */
export function wordPieceTokenizerJson(
  vocabulary: Record<string, number>,
): Record<string, unknown> {
  const special = (content: string) => ({
    id: vocabulary[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const cls = vocabulary["[CLS]"]!;
  const sep = vocabulary["[SEP]"]!;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: WORDPIECE_SPECIALS.map(special),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [cls], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [sep], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: vocabulary,
    },
  };
}

/** The `tokenizer_config.json` of a BERT-style tokenizer. */
export function wordPieceTokenizerConfig(modelMaxLength: number): Record<string, unknown> {
  return {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    model_max_length: modelMaxLength,
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    mask_token: "[MASK]",
    clean_up_tokenization_spaces: true,
  };
}

/** GPT-2's reversible byte → printable character map. */
export function bytesToUnicode(): Map<number, string> {
  const printable: number[] = [];
  for (let byte = 33; byte <= 126; byte++) printable.push(byte);
  for (let byte = 161; byte <= 172; byte++) printable.push(byte);
  for (let byte = 174; byte <= 255; byte++) printable.push(byte);
  const map = new Map<number, string>();
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    if (printable.includes(byte)) map.set(byte, String.fromCodePoint(byte));
    else map.set(byte, String.fromCodePoint(256 + extra++));
  }
  return map;
}

/** End-of-text token of the byte-level tokenizer. */
export const END_OF_TEXT = "<|endoftext|>";

/** Merges of the byte-level BPE (each adds one token after the 256 bytes and `<|endoftext|>`). */
export const BYTE_LEVEL_MERGES: ReadonlyArray<[string, string]> = [
  ["l", "l"],
  ["Ġ", "t"],
  ["e", "n"],
];

/** The byte-level vocabulary: byte b has id b, `<|endoftext|>` 256, then one id per merge. */
export function byteLevelVocabulary(): Record<string, number> {
  const vocabulary: Record<string, number> = {};
  for (const [byte, character] of bytesToUnicode()) vocabulary[character] = byte;
  vocabulary[END_OF_TEXT] = 256;
  for (const [left, right] of BYTE_LEVEL_MERGES)
    vocabulary[left + right] = Object.keys(vocabulary).length;
  return vocabulary;
}

/** A GPT-2 style byte-level BPE `tokenizer.json`. */
export function byteLevelTokenizerJson(
  vocabulary: Record<string, number>,
): Record<string, unknown> {
  const byteLevel = {
    type: "ByteLevel",
    add_prefix_space: false,
    trim_offsets: true,
    use_regex: true,
  };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: vocabulary[END_OF_TEXT],
        content: END_OF_TEXT,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: vocabulary,
      merges: BYTE_LEVEL_MERGES.map(([left, right]) => `${left} ${right}`),
    },
  };
}

/** The `tokenizer_config.json` of the byte-level tokenizer. */
export function byteLevelTokenizerConfig(modelMaxLength: number): Record<string, unknown> {
  return {
    tokenizer_class: "GPT2Tokenizer",
    model_max_length: modelMaxLength,
    bos_token: END_OF_TEXT,
    eos_token: END_OF_TEXT,
    unk_token: END_OF_TEXT,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
  };
}

/** Encode `text` with the byte-level tokenizer's rules, without merges (one token per byte). */
export function byteIds(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}
