/**
 * Turn a zero-shot-classification response into a {@link ClassifyResult}.
 * Accepts the current `[{label, score}]` form and the legacy
 * `{sequence, labels, scores}` form (bare or wrapped in a one-element array).
 *
 * @see https://huggingface.co/docs/inference-providers/tasks/zero-shot-classification
 */
import type { ClassifyResult } from "@ratatoskr/core";
import { huggingFaceDataError } from "./huggingface-error.ts";

const TASK = "zero-shot-classification";

function pairsOf(output: unknown): Array<{ label: unknown; score: unknown }> | undefined {
  const first: unknown = Array.isArray(output) && output.length === 1 ? output[0] : undefined;
  const legacy =
    first !== null && typeof first === "object" && !Array.isArray(first) && "labels" in first
      ? first
      : output;
  if (legacy !== null && typeof legacy === "object" && !Array.isArray(legacy)) {
    const { labels, scores } = legacy as { labels?: unknown; scores?: unknown };
    if (!Array.isArray(labels) || !Array.isArray(scores) || labels.length !== scores.length)
      return undefined;
    return labels.map((label, index) => ({ label, score: scores[index] }));
  }
  if (Array.isArray(output) && output.every((item) => item !== null && typeof item === "object")) {
    return output as Array<{ label: unknown; score: unknown }>;
  }
  return undefined;
}

/** Scores for every candidate label (in the caller's order), the top label and its score. */
export function toClassifyResult(
  output: unknown,
  labels: readonly string[],
  model: string,
): ClassifyResult {
  const pairs = pairsOf(output);
  const expected = "[{label, score}] or {sequence, labels, scores} covering every candidate label";
  if (pairs === undefined) throw huggingFaceDataError(model, TASK, expected, output);
  const received = new Map<string, number>();
  for (const { label, score } of pairs) {
    if (typeof label !== "string" || typeof score !== "number" || !Number.isFinite(score)) {
      throw huggingFaceDataError(model, TASK, expected, output);
    }
    received.set(label, score);
  }
  const scores: Record<string, number> = {};
  let topLabel = labels[0]!;
  let confidence = Number.NEGATIVE_INFINITY;
  for (const label of labels) {
    const score = received.get(label);
    if (score === undefined) {
      throw huggingFaceDataError(model, TASK, `a score for the candidate label "${label}"`);
    }
    scores[label] = score;
    if (score > confidence) {
      confidence = score;
      topLabel = label;
    }
  }
  for (const label of received.keys()) {
    if (!Object.hasOwn(scores, label)) {
      throw huggingFaceDataError(model, TASK, `only the candidate labels, but got "${label}"`);
    }
  }
  return { scores, topLabel, confidence };
}
