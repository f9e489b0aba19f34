/**
 * Turns a tiktoken rank table (as `gpt-tokenizer` ships it) into a Hugging
 * Face `tokenizer.json`: the byte-level vocabulary is the rank table, and
 * each token's merge is found by running tiktoken's BPE on the token's bytes
 * with only lower ranks allowed (the conversion `transformers` uses). This
 * is how `cl100k_base` (GPT-4, GPT-3.5) is available without a download when
 * the optional peer `gpt-tokenizer` is installed.
 *
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken/_educational.py
 */
import { BYTE_TO_CHARACTER } from "./byte-level.ts";

/** The tiktoken encodings this package can convert, with their split patterns and special tokens. */
export const TIKTOKEN_ENCODINGS = {
  cl100k_base: {
    pattern:
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    special: {
      "<|endoftext|>": 100257,
      "<|fim_prefix|>": 100258,
      "<|fim_middle|>": 100259,
      "<|fim_suffix|>": 100260,
      "<|im_start|>": 100264,
      "<|im_end|>": 100265,
      "<|im_sep|>": 100266,
      "<|endofprompt|>": 100276,
    } as Record<string, number>,
  },
  o200k_base: {
    pattern:
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    special: { "<|endoftext|>": 199999, "<|endofprompt|>": 200018 } as Record<string, number>,
  },
} as const;

/** A tiktoken encoding name this package can convert. */
export type TiktokenEncoding = keyof typeof TIKTOKEN_ENCODINGS;

const textEncoder = new TextEncoder();

/**
 * Build a `tokenizer.json` object from a rank table: entry `i` is the token
 * of rank `i`, as UTF-8 text or as raw bytes (holes allowed).
 */
export function tiktokenToTokenizerJson(
  ranks: ReadonlyArray<string | readonly number[] | undefined>,
  encoding: TiktokenEncoding,
): Record<string, unknown> {
  const { pattern, special } = TIKTOKEN_ENCODINGS[encoding];
  const vocab: Record<string, number> = {};
  const byRank: string[] = [];
  const rankOf = new Map<string, number>();
  ranks.forEach((entry, rank) => {
    if (entry === undefined) return;
    const bytes = typeof entry === "string" ? textEncoder.encode(entry) : entry;
    let token = "";
    for (const byte of bytes) token += BYTE_TO_CHARACTER[byte];
    vocab[token] = rank;
    byRank[rank] = token;
    rankOf.set(token, rank);
  });
  const merges: Array<[string, string]> = [];
  byRank.forEach((token, rank) => {
    if (token === undefined || token.length < 2) return;
    const parts = bytePairSplit(token, rankOf, rank);
    if (parts.length === 2) merges.push([parts[0]!, parts[1]!]);
  });
  return {
    version: "1.0",
    added_tokens: Object.entries(special).map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: pattern }, behavior: "Removed", invert: true },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab,
      merges,
    },
  };
}

/** tiktoken's BPE on `token`'s characters, merging only pairs whose rank is below `maxRank`. */
function bytePairSplit(token: string, rankOf: Map<string, number>, maxRank: number): string[] {
  const parts = [...token];
  for (;;) {
    let best = -1;
    let bestRank = maxRank;
    for (let index = 0; index < parts.length - 1; index++) {
      const rank = rankOf.get(parts[index]! + parts[index + 1]!);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = index;
      }
    }
    if (best === -1) return parts;
    parts.splice(best, 2, parts[best]! + parts[best + 1]!);
  }
}
