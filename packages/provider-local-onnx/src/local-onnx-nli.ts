/**
 * NLI on a cross-encoder export, and zero-shot classification on top of it
 * as the Hugging Face `zero-shot-classification` pipeline defines it: each
 * label becomes a hypothesis (`"This example is {}."`); single-label
 * softmaxes the entailment logits across labels, multi-label (and a single
 * candidate label) softmaxes [contradiction, entailment] per label. Pairs are
 * truncated `only_first`, as the pipeline does: the premise is cut, the
 * hypothesis never. Label indices come from the model's `config.json`
 * `id2label`, never from a guessed order.
 *
 * @see https://huggingface.co/cross-encoder/nli-deberta-v3-base
 * @see https://github.com/huggingface/transformers/blob/main/src/transformers/pipelines/zero_shot_classification.py
 */
import { type NliLabel, type NliPair, type NliResult, RatatoskrError } from "@ratatoskr/core";
import { chunks, encoderFeeds, runSession } from "./encoder-feeds.ts";
import type { LoadedOnnxModel } from "./onnx-model-loader.ts";

/** Where each NLI label sits in the model's logits. */
export interface NliLabelIndices {
  entailment: number;
  contradiction: number;
  neutral?: number;
  /** Number of logits per pair. */
  count: number;
}

/** Read the label order from `config.json` (`id2label`); a config without entailment and contradiction is an error. */
export function nliLabelIndices(
  config: Record<string, unknown>,
  modelName: string,
): NliLabelIndices {
  const id2label = config.id2label;
  const fail = (what: string) =>
    new RatatoskrError({
      code: "configuration",
      provider: "local",
      model: modelName,
      message: `Model "${modelName}": config.json ${what}; NLI needs id2label naming entailment and contradiction (labels are never guessed)`,
    });
  if (!id2label || typeof id2label !== "object") throw fail("has no id2label");
  const indices: Partial<NliLabelIndices> = {};
  let count = 0;
  for (const [key, value] of Object.entries(id2label as Record<string, unknown>)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || typeof value !== "string")
      throw fail(`has an invalid id2label entry "${key}"`);
    count = Math.max(count, index + 1);
    const label = value.toLowerCase();
    if (label.startsWith("entail")) indices.entailment = index;
    else if (label.startsWith("contradict")) indices.contradiction = index;
    else if (label.startsWith("neutral")) indices.neutral = index;
  }
  if (indices.entailment === undefined) throw fail("has no entailment label");
  if (indices.contradiction === undefined) throw fail("has no contradiction label");
  return { ...(indices as NliLabelIndices), count };
}

/** Numerically stable softmax. */
export function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - max));
  const sum = exps.reduce((total, value) => total + value, 0);
  return exps.map((value) => value / sum);
}

/**
 * Logits for every (premise, hypothesis) pair, batched `maxBatchSize` pairs
 * per forward pass. Each pair is truncated `only_first` (the premise only); a
 * hypothesis that leaves no room for the premise is an `invalid_input` error
 * naming it as `hypothesisField(index)`.
 */
export async function pairLogits(
  model: LoadedOnnxModel,
  pairs: readonly NliPair[],
  maxBatchSize: number,
  hypothesisField: (index: number) => string = (index) => `pairs[${index}].hypothesis`,
): Promise<number[][]> {
  const out: number[][] = [];
  let offset = 0;
  for (const chunk of chunks(pairs, maxBatchSize)) {
    const first = offset;
    offset += chunk.length;
    const batch = model.tokenizer.encodeBatch(
      chunk.map((pair, index) => ({
        text: pair.premise,
        pair: pair.hypothesis,
        pairField: hypothesisField(first + index),
      })),
      model.spec.maxLength,
      "only_first",
    );
    const outputs = await runSession(model, encoderFeeds(model, batch));
    const logits = outputs.logits ?? outputs[model.session.outputNames[0]!]!;
    if (logits.dims.length !== 2 || logits.dims[0] !== chunk.length) {
      throw new RatatoskrError({
        code: "data",
        provider: "local",
        model: model.spec.name,
        message: `Model "${model.spec.name}": logits have shape [${logits.dims.join(", ")}], expected [${chunk.length}, labels]`,
      });
    }
    const width = logits.dims[1]!;
    const data = logits.data as Float32Array;
    for (let row = 0; row < chunk.length; row++)
      out.push(Array.from(data.subarray(row * width, (row + 1) * width)));
  }
  return out;
}

/** Softmax scores of one pair's logits as an {@link NliResult}. */
export function toNliResult(
  logits: readonly number[],
  indices: NliLabelIndices,
  modelName: string,
): NliResult {
  if (indices.neutral === undefined || logits.length !== indices.count) {
    throw new RatatoskrError({
      code: "configuration",
      provider: "local",
      model: modelName,
      message: `Model "${modelName}" is not a three-way NLI model (entailment, neutral, contradiction)`,
    });
  }
  const scores = softmax(logits);
  const result = {
    entailment: scores[indices.entailment]!,
    contradiction: scores[indices.contradiction]!,
    neutral: scores[indices.neutral]!,
  };
  const label = (Object.keys(result) as NliLabel[]).reduce((best, key) =>
    result[key] > result[best] ? key : best,
  );
  return { ...result, label };
}

/**
 * The hypothesis of `label` under `template`: every `{}` becomes the label,
 * taken literally (a `$&` or `{}` inside the label stays as it is).
 */
export function hypothesisOf(template: string, label: string): string {
  return template.replaceAll("{}", () => label);
}

/**
 * Zero-shot scores from the logits of each (text, hypothesis(label)) pair, as
 * the pipeline's `postprocess`: multi-label, or a single candidate label,
 * softmax over [contradiction, entailment] per label (one label alone is
 * never a certain 1.0); otherwise softmax over the labels' entailment logits.
 * The contradiction logit is the one `id2label` names (the pipeline takes
 * index 0, or the last when entailment is 0: the same for NLI models' configs).
 */
export function zeroShotScores(
  logitsPerLabel: readonly (readonly number[])[],
  indices: NliLabelIndices,
  multiLabel: boolean,
): number[] {
  if (multiLabel || logitsPerLabel.length === 1) {
    return logitsPerLabel.map(
      (logits) => softmax([logits[indices.contradiction]!, logits[indices.entailment]!])[1]!,
    );
  }
  return softmax(logitsPerLabel.map((logits) => logits[indices.entailment]!));
}
