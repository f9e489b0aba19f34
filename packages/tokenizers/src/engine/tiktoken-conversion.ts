/**
 * tiktoken encodings from their rank tables (as `gpt-tokenizer` ships them):
 *
 * - {@link compileTiktokenRanks} makes the engine's data straight from the
 *   ranks, with tiktoken's own merge rule (a pair merges when its
 *   concatenation is a token, lowest rank first), so loading costs little
 *   more than reading the table. This is how `o200k_base` and `cl100k_base`
 *   load when the optional peer `gpt-tokenizer` is installed.
 * - {@link tiktokenToTokenizerJson} writes a Hugging Face `tokenizer.json`
 *   instead: the byte-level vocabulary is the rank table, and each token's
 *   merge is found by running tiktoken's BPE on the token's bytes with only
 *   lower ranks allowed (the conversion `transformers` uses). Slow (seconds),
 *   for tools that want the file.
 *
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken/_educational.py
 */
import { BYTE_TO_CHARACTER } from "./byte-level.ts";
import { COMPILED_FORMAT, type RankedTokenizerData } from "./compile-tokenizer.ts";
import { translateOnigurumaPattern } from "./oniguruma-pattern.ts";
import { type RankEntry, RankTable } from "./rank-table.ts";

/** The tiktoken encodings this package can convert, with their split patterns and special tokens. */
export const TIKTOKEN_ENCODINGS = {
  /** GPT-4 and GPT-3.5's encoding. */
  cl100k_base: {
    /** The pre-tokenizer split pattern. */
    pattern:
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    /** The special tokens, by text, with their ids. */
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
  /** GPT-4o's (and later models') encoding. */
  o200k_base: {
    /** The pre-tokenizer split pattern. */
    pattern:
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    /** The special tokens, by text, with their ids. */
    special: { "<|endoftext|>": 199999, "<|endofprompt|>": 200018 } as Record<string, number>,
  },
} as const;

/** A tiktoken encoding name this package can convert. */
export type TiktokenEncoding = keyof typeof TIKTOKEN_ENCODINGS;

const textEncoder = new TextEncoder();

/**
 * The engine's data for a tiktoken encoding, straight from its rank table
 * (entry `i` is the token of rank `i`: UTF-8 text, or bytes where the token
 * is not valid UTF-8; holes allowed). Encodes exactly as tiktoken.
 */
export function compileTiktokenRanks(
  ranks: readonly RankEntry[],
  encoding: TiktokenEncoding,
): RankedTokenizerData {
  const { pattern, special } = TIKTOKEN_ENCODINGS[encoding];
  const split = translateOnigurumaPattern(pattern);
  if (!split.ok) throw new Error(`The ${encoding} split pattern: ${split.reason}`);
  return {
    spec: {
      format: COMPILED_FORMAT,
      normalizers: [],
      preTokenizers: [{ type: "split", regex: split.source, behavior: "removed", invert: true }],
      byteLevel: true,
      ignoreMerges: true,
      byteFallback: false,
      fuseUnknown: false,
      unknownId: -1,
      addedTokens: Object.entries(special).map(([content, id]) => ({ id, content, special: true })),
      prefixIds: [],
      suffixIds: [],
      decoders: [{ type: "byteLevel" }],
      cleanUpTokenizationSpaces: false,
    },
    ranks: RankTable.fromRanks(ranks),
  };
}

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
