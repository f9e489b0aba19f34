/**
 * A model's own tokenizer (`tokenizer.json` + `tokenizer_config.json`,
 * loaded with `@huggingface/tokenizers`), plus what that library leaves out:
 * truncation (longest-first for pairs, special tokens kept), padding to the
 * longest sequence of a batch, and the `int64` tensors the ONNX exports take.
 *
 * @see https://huggingface.co/docs/transformers/pad_truncation
 */
import { readFile } from "node:fs/promises";
import type { Tokenizer } from "@huggingface/tokenizers";
import { RatatoskrError } from "@ratatoskr/core";

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

interface Layout {
  prefix: number;
  middle: number;
  suffix: number;
}

function sameIds(full: number[], start: number, part: number[]): boolean {
  if (start + part.length > full.length) return false;
  for (let index = 0; index < part.length; index++)
    if (full[start + index] !== part[index]) return false;
  return true;
}

/** Find `full = prefix + a + middle + b + suffix` with small special-token runs. */
function locate(full: number[], a: number[], b: number[] | undefined): Layout | undefined {
  for (let prefix = 0; prefix <= Math.min(8, full.length); prefix++) {
    if (!sameIds(full, prefix, a)) continue;
    if (b === undefined) return { prefix, middle: 0, suffix: full.length - prefix - a.length };
    for (let middle = 0; middle <= 8; middle++) {
      const start = prefix + a.length + middle;
      if (sameIds(full, start, b) && full.length - start - b.length <= 8) {
        return { prefix, middle, suffix: full.length - start - b.length };
      }
    }
  }
  return undefined;
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

  /** Encode one text or a (text, pair) with special tokens, truncated to `maxLength` tokens. */
  encode(text: string, pair: string | undefined, maxLength: number): EncodedSequence {
    const full = this.tokenizer.encode(text, {
      text_pair: pair ?? null,
      return_token_type_ids: true,
    });
    const typeIds = full.token_type_ids ?? full.ids.map(() => 0);
    if (full.ids.length <= maxLength) return { ids: full.ids, typeIds, truncated: false };
    const a = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const b =
      pair === undefined
        ? undefined
        : this.tokenizer.encode(pair, { add_special_tokens: false }).ids;
    const layout = locate(full.ids, a, b);
    if (!layout) {
      // Unknown layout: keep the head and the final (special) token.
      const keep = [...Array(maxLength - 1).keys(), full.ids.length - 1];
      return {
        ids: keep.map((i) => full.ids[i]!),
        typeIds: keep.map((i) => typeIds[i]!),
        truncated: true,
      };
    }
    const overhead = layout.prefix + layout.middle + layout.suffix;
    const budget = maxLength - overhead;
    if (budget < (b === undefined ? 1 : 2)) {
      throw new RatatoskrError({
        code: "configuration",
        provider: "local",
        message: `maxLength ${maxLength} leaves no room for text next to ${overhead} special tokens`,
      });
    }
    let lengthA = a.length;
    let lengthB = b?.length ?? 0;
    // Longest-first: drop one token at a time from the longer sequence.
    while (lengthA + lengthB > budget) {
      if (lengthA > lengthB) lengthA--;
      else lengthB--;
    }
    const pick = (source: number[]) => {
      const out: number[] = [];
      const push = (start: number, count: number) => {
        for (let index = start; index < start + count; index++) out.push(source[index]!);
      };
      push(0, layout.prefix + lengthA);
      if (b !== undefined) {
        push(layout.prefix + a.length, layout.middle + lengthB);
      }
      push(full.ids.length - layout.suffix, layout.suffix);
      return out;
    };
    return { ids: pick(full.ids), typeIds: pick(typeIds), truncated: true };
  }

  /** Encode and pad a batch (to its longest row) as int64 row-major arrays. */
  encodeBatch(
    items: ReadonlyArray<{ text: string; pair?: string }>,
    maxLength: number,
  ): EncodedBatch {
    const sequences = items.map((item) => this.encode(item.text, item.pair, maxLength));
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
export async function readJson(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, "utf8");
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new Error("not a JSON object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new RatatoskrError({
      code: "data",
      provider: "local",
      message: `${path} is not a valid JSON object`,
      cause: error,
    });
  }
}
