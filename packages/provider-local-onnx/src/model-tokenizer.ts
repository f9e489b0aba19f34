/**
 * A model's own tokenizer (`tokenizer.json` + `tokenizer_config.json`,
 * loaded with `@huggingface/tokenizers`), plus what that library leaves out:
 * truncation (the Hugging Face tokenizers' `longest_first`, `only_first` and
 * `only_second`, special tokens kept), padding to the longest sequence of a
 * batch, and the `int64` tensors the ONNX exports take.
 *
 * @see https://huggingface.co/docs/transformers/pad_truncation
 */
import { readFile } from "node:fs/promises";
import type { Tokenizer } from "@huggingface/tokenizers";
import { invalidInput, RatatoskrError } from "@ratatoskr/core";

/** One encoded sequence (before padding). */
export interface EncodedSequence {
  ids: number[];
  typeIds: number[];
  /** True when tokens were dropped to fit `maxLength`. */
  truncated: boolean;
}

/** A padded batch, row-major, ready to become `[batch, length]` int64 tensors. */
export interface EncodedBatch {
  batch: number;
  length: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Real (unpadded) length of each row. */
  lengths: number[];
}

/**
 * How a (first, second) pair is cut to fit, named and behaving as in the
 * Hugging Face tokenizers: `longest_first` shares the room between both,
 * `only_first` / `only_second` cut one sequence and never touch the other.
 *
 * @see https://github.com/huggingface/tokenizers/blob/main/tokenizers/src/utils/truncation.rs
 */
export type TruncationStrategy = "longest_first" | "only_first" | "only_second";

/**
 * How many tokens of each sequence to keep when `budget` tokens (the limit
 * minus the special tokens) must hold sequences of `first` and `second`
 * tokens. `longest_first` is the Hugging Face tokenizers' rule: the shorter
 * sequence keeps all it can, and when both must be cut the shorter (on a tie,
 * the first) gets `budget / 2` and the other `budget / 2 + budget % 2`. Returns
 * undefined when the strategy cannot fit (the sequence it may cut is too short).
 */
export function truncatedLengths(
  first: number,
  second: number,
  budget: number,
  strategy: TruncationStrategy,
): [number, number] | undefined {
  if (first + second <= budget) return [first, second];
  const excess = first + second - budget;
  if (strategy === "only_first") return first > excess ? [first - excess, second] : undefined;
  if (strategy === "only_second") return second > excess ? [first, second - excess] : undefined;
  const swapped = first > second;
  let shorter = swapped ? second : first;
  let longer = shorter > budget ? shorter : Math.max(shorter, budget - shorter);
  if (shorter + longer > budget) {
    shorter = Math.floor(budget / 2);
    longer = shorter + (budget % 2);
  }
  return swapped ? [longer, shorter] : [shorter, longer];
}

/** A loaded tokenizer with truncation and padding. */
export class ModelTokenizer {
  readonly tokenizer: Tokenizer;
  readonly config: Record<string, unknown>;
  /** Id used for padding (`pad_token`, else 0). */
  readonly padId: number;

  /** Wrap a loaded `@huggingface/tokenizers` Tokenizer and its `tokenizer_config.json`. */
  constructor(tokenizer: Tokenizer, config: Record<string, unknown>) {
    this.tokenizer = tokenizer;
    this.config = config;
    const padToken = tokenText(config.pad_token);
    this.padId = (padToken === undefined ? undefined : this.tokenizer.token_to_id(padToken)) ?? 0;
  }

  /** Load `tokenizer.json` (required) and `tokenizer_config.json` (optional) from their paths. */
  static async load(
    tokenizerPath: string,
    configPath: string | undefined,
  ): Promise<ModelTokenizer> {
    const json = await readJson(tokenizerPath);
    const config = configPath === undefined ? {} : await readJson(configPath);
    try {
      // Imported on first use, like onnxruntime-node: importing this package stays cheap.
      const { Tokenizer } = await import("@huggingface/tokenizers");
      return new ModelTokenizer(new Tokenizer(json, config), config);
    } catch (error) {
      throw new RatatoskrError({
        code: "data",
        provider: "local",
        message: `Could not load the tokenizer at ${tokenizerPath}: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    }
  }

  /** The id of a token string, if it is in the vocabulary. */
  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /**
   * Encode one text or a (text, pair) with special tokens, truncated to
   * `maxLength` tokens as the Hugging Face tokenizers do: the sequences are
   * cut before the special tokens are added, so those are always kept.
   * `strategy` says which sequence of a pair may be cut (default
   * `longest_first`); `secondField` names the second text in the
   * `invalid_input` error when `only_first` cannot fit it.
   */
  encode(
    text: string,
    pair: string | undefined,
    maxLength: number,
    strategy: TruncationStrategy = "longest_first",
    secondField = "the second text",
  ): EncodedSequence {
    const full = this.tokenizer.encode(text, {
      text_pair: pair ?? null,
      return_token_type_ids: true,
    });
    const typeIds = full.token_type_ids ?? full.ids.map(() => 0);
    if (full.ids.length <= maxLength) return { ids: full.ids, typeIds, truncated: false };
    // The library encodes a pair as post_process(tokens(text), tokens(pair)): cut the token lists,
    // then let the tokenizer's own post-processor add the special tokens, as the Rust library does.
    const first = this.tokenizer.tokenize(text);
    const second = pair === undefined ? undefined : this.tokenizer.tokenize(pair);
    const special = Math.max(0, full.ids.length - first.length - (second?.length ?? 0));
    const budget = maxLength - special;
    if (budget < (second === undefined ? 1 : 2)) {
      throw new RatatoskrError({
        code: "configuration",
        provider: "local",
        message: `maxLength ${maxLength} leaves no room for text next to ${special} special tokens`,
      });
    }
    const lengths = truncatedLengths(first.length, second?.length ?? 0, budget, strategy);
    if (!lengths) {
      const kept = strategy === "only_first" ? secondField : "the first text";
      const keptLength = strategy === "only_first" ? (second?.length ?? 0) : first.length;
      throw invalidInput(
        `${kept} has ${keptLength} tokens, which with ${special} special tokens leaves no room for the other text within the limit of ${maxLength} tokens (truncation ${strategy} never cuts it); shorten it`,
        { field: kept, tokens: keptLength, limit: maxLength },
      );
    }
    const [keepFirst, keepSecond] = lengths;
    const processed = this.#postProcess(
      first.slice(0, keepFirst),
      second === undefined ? undefined : second.slice(0, keepSecond),
    );
    // Token strings map to the ids the full encoding gave them (the same lookup encode() made).
    const idOf = new Map<string, number>();
    full.tokens.forEach((token, index) => {
      idOf.set(token, full.ids[index]!);
    });
    return {
      ids: processed.tokens.map(
        (token) => idOf.get(token) ?? this.tokenizer.token_to_id(token) ?? 0,
      ),
      typeIds: processed.token_type_ids ?? processed.tokens.map(() => 0),
      truncated: true,
    };
  }

  #postProcess(
    first: string[],
    second: string[] | undefined,
  ): { tokens: string[]; token_type_ids?: number[] } {
    const processor = this.tokenizer.post_processor;
    if (!processor) return { tokens: [...first, ...(second ?? [])] };
    return processor.post_process(first, second ?? null, true);
  }

  /**
   * Encode and pad a batch (to its longest row) as int64 row-major arrays;
   * `strategy` and each item's `pairField` as in {@link ModelTokenizer.encode}.
   */
  encodeBatch(
    items: ReadonlyArray<{ text: string; pair?: string; pairField?: string }>,
    maxLength: number,
    strategy: TruncationStrategy = "longest_first",
  ): EncodedBatch {
    const sequences = items.map((item) =>
      this.encode(item.text, item.pair, maxLength, strategy, item.pairField),
    );
    return padBatch(sequences, this.padId);
  }

  /** Decode ids to text. */
  decode(ids: number[], skipSpecialTokens = true): string {
    if (ids.length === 0) return "";
    return this.tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens });
  }
}

/** Pad sequences to the longest (right padding, mask 0 on padding). */
export function padBatch(sequences: readonly EncodedSequence[], padId: number): EncodedBatch {
  const batch = sequences.length;
  const length = Math.max(1, ...sequences.map((sequence) => sequence.ids.length));
  const inputIds = new BigInt64Array(batch * length).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(batch * length);
  const tokenTypeIds = new BigInt64Array(batch * length);
  sequences.forEach((sequence, row) => {
    const offset = row * length;
    sequence.ids.forEach((id, column) => {
      inputIds[offset + column] = BigInt(id);
      attentionMask[offset + column] = 1n;
      tokenTypeIds[offset + column] = BigInt(sequence.typeIds[column] ?? 0);
    });
  });
  return {
    batch,
    length,
    inputIds,
    attentionMask,
    tokenTypeIds,
    lengths: sequences.map((sequence) => sequence.ids.length),
  };
}

/** A special token from `tokenizer_config.json`: a string or `{ content }`. */
export function tokenText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (
    value &&
    typeof value === "object" &&
    typeof (value as { content?: unknown }).content === "string"
  ) {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** Read and parse a JSON file, as a `data` error when it is not JSON. */
export async function readJsonValue(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RatatoskrError({
      code: "data",
      provider: "local",
      message: `${path} is not valid JSON`,
      cause: error,
    });
  }
}

/** Read and parse a JSON file holding an object, as a `data` error when it is not one. */
export async function readJson(path: string): Promise<Record<string, unknown>> {
  const value = await readJsonValue(path);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new RatatoskrError({
      code: "data",
      provider: "local",
      message: `${path} is not a valid JSON object`,
    });
  }
  return value as Record<string, unknown>;
}
