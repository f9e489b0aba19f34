/**
 * Turn a text-classification response for (premise, hypothesis) pairs into
 * {@link NliResult}s. Labels are matched by name, case-insensitively and
 * whatever their order (`entailment`, `ENTAILMENT`, `Entailment`, …), so no
 * label order is ever assumed.
 *
 * @see https://huggingface.co/docs/inference-providers/tasks/text-classification
 */
import type { NliLabel, NliResult } from "@ratatoskr/core";
import { huggingFaceDataError } from "./huggingface-error.ts";

const TASK = "text-classification (NLI)";

interface LabelScore {
  label: string;
  score: number;
}

function isLabelScore(value: unknown): value is LabelScore {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as LabelScore).label === "string" &&
    typeof (value as LabelScore).score === "number" &&
    Number.isFinite((value as LabelScore).score)
  );
}

/** The NLI label a model's label name stands for, or undefined. */
export function nliLabelOf(name: string): NliLabel | undefined {
  const lower = name.trim().toLowerCase();
  if (lower.startsWith("entail")) return "entailment";
  if (lower.startsWith("contradict")) return "contradiction";
  if (lower === "neutral") return "neutral";
  return undefined;
}

/**
 * One result per pair, in order. Accepts one `[{label, score}]` list per
 * pair (`[[…], […]]`), or for a single pair a flat list (`[{…}, {…}, {…}]`).
 */
export function toNliResults(output: unknown, count: number, model: string): NliResult[] {
  let lists: unknown[];
  if (Array.isArray(output) && output.length > 0 && output.every(Array.isArray)) {
    lists = output;
  } else if (
    count === 1 &&
    Array.isArray(output) &&
    output.length > 0 &&
    output.every(isLabelScore)
  ) {
    lists = [output];
  } else {
    throw huggingFaceDataError(
      model,
      TASK,
      `one [{label, score}] list per pair (${count})`,
      output,
    );
  }
  if (lists.length !== count) {
    throw huggingFaceDataError(
      model,
      TASK,
      `${count} [{label, score}] lists, one per pair, but got ${lists.length}`,
    );
  }
  return lists.map((list, index) => toNliResult(list, model, index));
}

function toNliResult(list: unknown, model: string, index: number): NliResult {
  if (!Array.isArray(list) || !list.every(isLabelScore)) {
    throw huggingFaceDataError(
      model,
      TASK,
      `pair ${index}: a list of {label: string, score: number}`,
      list,
    );
  }
  const scores: Partial<Record<NliLabel, number>> = {};
  for (const { label, score } of list) {
    const mapped = nliLabelOf(label);
    if (mapped !== undefined) scores[mapped] = score;
  }
  const { entailment, contradiction, neutral } = scores;
  if (entailment === undefined || contradiction === undefined || neutral === undefined) {
    const names = list.map((item) => item.label).join(", ");
    throw huggingFaceDataError(
      model,
      TASK,
      `pair ${index}: scores named entailment, neutral and contradiction (is this an NLI model that names its labels?), got labels [${names}]`,
    );
  }
  let label: NliLabel = "entailment";
  if (contradiction > scores[label]!) label = "contradiction";
  if (neutral > scores[label]!) label = "neutral";
  return { entailment, contradiction, neutral, label };
}
