/**
 * Tiny `tokenizer.json` objects in the real formats, built in code so tests
 * stay fast: a byte-level BPE (GPT-2 style), a SentencePiece-style BPE with
 * byte fallback as Mistral 7B v0.1 ships it (Prepend/Replace normaliser,
 * Strip decoder), and the Metaspace variant newer conversions use.
 */
import { BYTE_TO_CHARACTER } from "../engine/byte-level.ts";

type Json = Record<string, unknown>;

function withMerges(base: string[], merges: Array<[string, string]>): { vocab: Record<string, number>; merges: string[] } {
  const vocab: Record<string, number> = {};
  for (const token of base) vocab[token] ??= Object.keys(vocab).length;
  for (const [left, right] of merges) vocab[left + right] ??= Object.keys(vocab).length;
  return { vocab, merges: merges.map(([left, right]) => `${left} ${right}`) };
}

/** A GPT-2 style byte-level BPE: ByteLevel pre-tokenizer with its regex, a few merges, one special token. */
export function tinyByteLevelTokenizer(): Json {
  const merges: Array<[string, string]> = [
    ["h", "e"],
    ["l", "l"],
    ["he", "ll"],
    ["hell", "o"],
    ["Ġ", "w"],
    ["o", "r"],
    ["Ġw", "or"],
    ["Ġwor", "ld"],
    ["l", "d"],
    ["Ġ", "t"],
    ["Ġt", "he"],
    ["a", "a"],
    ["aa", "aa"],
  ];
  const { vocab, merges: mergeStrings } = withMerges(BYTE_TO_CHARACTER.slice(), merges);
  const special = Object.keys(vocab).length;
  return {
    version: "1.0",
    added_tokens: [
      { id: special, content: "<|endoftext|>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: special + 1, content: "<tool>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: false },
    ],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: mergeStrings,
    },
  };
}

function sentencePieceVocabulary(): { vocab: Record<string, number>; merges: string[] } {
  const base = ["<unk>", "<s>", "</s>"];
  for (let byte = 0; byte < 256; byte++) base.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
  for (const character of "▁abcdefghijklmnopqrstuvwxyzHTW.,!'") base.push(character);
  return withMerges(base, [
    ["▁", "t"],
    ["h", "e"],
    ["▁t", "he"],
    ["▁", "w"],
    ["o", "r"],
    ["▁w", "or"],
    ["▁wor", "l"],
    ["▁worl", "d"],
    ["l", "l"],
    ["▁", "h"],
    ["▁h", "e"],
    ["▁he", "ll"],
    ["▁hell", "o"],
    ["▁", "▁"],
    ["▁▁", "▁▁"],
  ]);
}

/** Mistral 7B v0.1 style: Prepend ▁ + Replace " " → ▁, no pre-tokenizer, byte fallback, `<s>` template. */
export function tinySentencePieceTokenizer(): Json {
  const { vocab, merges } = sentencePieceVocabulary();
  return {
    version: "1.0",
    added_tokens: [
      { id: 0, content: "<unk>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 1, content: "<s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 2, content: "</s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: "▁" },
        { type: "Replace", pattern: { String: " " }, content: "▁" },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "<s>", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "<s>", type_id: 1 } },
        { Sequence: { id: "B", type_id: 1 } },
      ],
      special_tokens: { "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] } },
    },
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "▁" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<unk>",
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges,
    },
  };
}

/** The Metaspace pre-tokenizer/decoder form of the same vocabulary. */
export function tinyMetaspaceTokenizer(): Json {
  const base = tinySentencePieceTokenizer();
  return {
    ...base,
    normalizer: null,
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false },
    decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false },
  };
}

/** Config with a ChatML template, as Qwen-style tokenizers ship it. */
export const CHATML_CONFIG: Json = {
  bos_token: null,
  eos_token: "<|endoftext|>",
  chat_template:
    "{% for message in messages %}{{ '<|endoftext|>' + message['role'] + '\\n' + message['content'] + '<|endoftext|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|endoftext|>assistant\\n' }}{% endif %}",
};
