/**
 * Checks of a provider's answer shape: one result per input, embeddings
 * whose values match their dimensions. A wrong shape is a `data` error,
 * which the attempt loop may retry or fall back from.
 */
import { type Embedding, RatatoskrError } from "@ratatoskr/core";
import type { CallTarget } from "./call-runner.ts";

/** A `data` error: the provider's answer has the wrong shape. */
export function dataError(target: CallTarget, message: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message: `Provider "${target.provider.id}" returned bad data: ${message}`,
    provider: target.provider.id,
  });
}

/** Require `expected` items from a provider. */
export function checkCount<T>(
  items: readonly T[] | undefined,
  expected: number,
  target: CallTarget,
  what: string,
): readonly T[] {
  if (!Array.isArray(items) || items.length !== expected) {
    throw dataError(
      target,
      `${what} must hold ${expected} result(s), got ${Array.isArray(items) ? items.length : typeof items}`,
    );
  }
  return items;
}

/** Require an embedding whose `values.length` equals its `dimensions`. */
export function checkEmbedding(embedding: Embedding | undefined, target: CallTarget): Embedding {
  if (
    !embedding ||
    !Array.isArray(embedding.values) ||
    embedding.values.length !== embedding.dimensions
  ) {
    throw dataError(target, "an embedding's values.length must equal its dimensions");
  }
  return embedding;
}
