/**
 * Feeds for encoder-style ONNX exports (BERT, MiniLM, BGE, DeBERTa): the
 * `[batch, sequence]` int64 inputs `input_ids`, `attention_mask` and, when
 * the model declares it, `token_type_ids`.
 *
 * @see https://huggingface.co/docs/optimum/exporters/onnx/usage_guides/export_a_model
 */
import { RatatoskrError } from "@ratatoskr/core";
import type * as Ort from "onnxruntime-node";
import type { EncodedBatch } from "./model-tokenizer.ts";
import type { LoadedOnnxModel } from "./onnx-model-loader.ts";

/** Build the session feeds for `batch`; an input the provider cannot fill is a `configuration` error. */
export function encoderFeeds(
  model: LoadedOnnxModel,
  batch: EncodedBatch,
): Record<string, Ort.Tensor> {
  const { ort, session } = model;
  const dims = [batch.batch, batch.length];
  const feeds: Record<string, Ort.Tensor> = {};
  for (const name of session.inputNames) {
    if (name === "input_ids") feeds[name] = new ort.Tensor("int64", batch.inputIds, dims);
    else if (name === "attention_mask")
      feeds[name] = new ort.Tensor("int64", batch.attentionMask, dims);
    else if (name === "token_type_ids")
      feeds[name] = new ort.Tensor("int64", batch.tokenTypeIds, dims);
    else {
      throw new RatatoskrError({
        code: "configuration",
        provider: "local",
        model: model.spec.name,
        message: `Model "${model.spec.name}" has an input "${name}" that an encoder export does not have (expected input_ids, attention_mask, token_type_ids)`,
      });
    }
  }
  if (!("input_ids" in feeds)) {
    throw new RatatoskrError({
      code: "configuration",
      provider: "local",
      model: model.spec.name,
      message: `Model "${model.spec.name}" has no input_ids input`,
    });
  }
  return feeds;
}

/** Run `session` and wrap onnxruntime failures as `provider` errors. */
export async function runSession(
  model: LoadedOnnxModel,
  feeds: Record<string, Ort.Tensor>,
): Promise<Ort.InferenceSession.OnnxValueMapType> {
  try {
    return await model.session.run(feeds);
  } catch (error) {
    throw new RatatoskrError({
      code: "provider",
      provider: "local",
      model: model.spec.name,
      message: `onnxruntime failed running "${model.spec.name}": ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

/** Split `items` into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    out.push(items.slice(start, start + size));
  return out;
}
