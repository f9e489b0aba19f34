/**
 * Turn a feature-extraction response into one vector per input text.
 *
 * Sentence-embedding models (sentence-transformers, TEI) return pooled
 * vectors: `number[]` for one string, `number[][]` for a list. Plain encoder
 * models return token-level vectors: `number[][]` for one string,
 * `number[][][]` for a list; those are pooled here (mean over tokens by
 * default, or the first token for CLS pooling) and L2-normalised unless
 * disabled.
 *
 * @see https://huggingface.co/docs/inference-providers/tasks/feature-extraction
 */
import { huggingFaceDataError } from "./huggingface-error.ts";

/** How token-level outputs are reduced to one vector. */
export type HuggingFacePooling = "mean" | "cls";

/** Options of {@link toEmbeddingVectors}. */
export interface EmbeddingMappingOptions {
  /** The model the vectors came from, named in errors. */
  model: string;
  /** Number of texts sent. */
  count: number;
  /** True when `inputs` was a single string rather than a list. */
  single: boolean;
  /** Pooling for token-level outputs (default `mean`). */
  pooling?: HuggingFacePooling;
  /** L2-normalise vectors pooled here (default true). Pooled server outputs are returned as sent. */
  normalize?: boolean;
}

const TASK = "feature-extraction";

/** One vector per input, in input order; throws a `data` error on any other shape. */
export function toEmbeddingVectors(output: unknown, options: EmbeddingMappingOptions): number[][] {
  const { count, single, model } = options;
  const expected = single
    ? "number[] (pooled) or number[][] (token-level)"
    : `${count} vectors as number[][] (pooled) or number[][][] (token-level)`;
  const depth = numericDepth(output);
  if (depth === undefined)
    throw huggingFaceDataError(model, TASK, `${expected} of finite numbers`, output);
  const pool = (tokens: number[][]) => poolTokens(tokens, options);
  let vectors: number[][];
  if (single) {
    if (depth === 1) vectors = [output as number[]];
    else if (depth === 2 && (output as unknown[]).length === 1)
      vectors = [(output as number[][])[0]!];
    else if (depth === 2) vectors = [pool(output as number[][])];
    else if (depth === 3 && (output as unknown[]).length === 1)
      vectors = [pool((output as number[][][])[0]!)];
    else throw huggingFaceDataError(model, TASK, expected, output);
  } else {
    const rows = output as unknown[];
    if (depth === 2 && rows.length === count) vectors = output as number[][];
    else if (depth === 2 && count === 1) vectors = [pool(output as number[][])];
    else if (depth === 3 && rows.length === count) vectors = (output as number[][][]).map(pool);
    else throw huggingFaceDataError(model, TASK, expected, output);
  }
  const dimensions = vectors[0]?.length ?? 0;
  if (dimensions === 0) throw huggingFaceDataError(model, TASK, "non-empty vectors", output);
  vectors.forEach((vector, index) => {
    if (vector.length !== dimensions) {
      throw huggingFaceDataError(
        model,
        TASK,
        `every vector to have ${dimensions} dimensions, but vector ${index} has ${vector.length}`,
      );
    }
  });
  return vectors;
}

/** Reduce token vectors to one vector (mean or CLS), optionally L2-normalised. */
export function poolTokens(
  tokens: readonly number[][],
  {
    pooling = "mean",
    normalize = true,
    model,
  }: Pick<EmbeddingMappingOptions, "pooling" | "normalize" | "model">,
): number[] {
  const first = tokens[0];
  if (first === undefined || first.length === 0) {
    throw huggingFaceDataError(model, TASK, "at least one token vector");
  }
  let vector: number[];
  if (pooling === "cls") {
    vector = [...first];
  } else {
    vector = new Array<number>(first.length).fill(0);
    for (const token of tokens) {
      if (token.length !== first.length) {
        throw huggingFaceDataError(model, TASK, "token vectors of equal length");
      }
      for (let i = 0; i < token.length; i++) vector[i]! += token[i]!;
    }
    for (let i = 0; i < vector.length; i++) vector[i]! /= tokens.length;
  }
  return normalize ? l2Normalize(vector) : vector;
}

/** `vector / ‖vector‖₂` (a zero vector stays zero). */
export function l2Normalize(vector: number[]): number[] {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

/** A non-empty array of numbers (JSON numbers are always finite; NaN is refused too). */
function isNumberRow(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (let index = 0; index < value.length; index++) {
    const item = value[index];
    if (typeof item !== "number" || Number.isNaN(item)) return false;
  }
  return true;
}

/** Whether every element of `value` is a number row. */
function isNumberMatrix(value: unknown): value is number[][] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (let index = 0; index < value.length; index++) if (!isNumberRow(value[index])) return false;
  return true;
}

/**
 * Nesting depth of an array of numbers (1 for `number[]`, 2 for
 * `number[][]`, 3 for `number[][][]`), or undefined when it is not one.
 */
function numericDepth(value: unknown): number | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const first: unknown = value[0];
  if (typeof first === "number") return isNumberRow(value) ? 1 : undefined;
  if (isNumberRow(first)) return isNumberMatrix(value) ? 2 : undefined;
  for (let index = 0; index < value.length; index++)
    if (!isNumberMatrix(value[index])) return undefined;
  return 3;
}
