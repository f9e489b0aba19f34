/**
 * Sentence embeddings from an encoder export: tokenize, pad the batch, run
 * one tensor, pool (`mean` over the attention mask, or `cls` = the first
 * token) and L2-normalise — as sentence-transformers does for the presets.
 *
 * @see https://www.sbert.net/docs/sentence_transformer/usage/usage.html
 * @see https://huggingface.co/BAAI/bge-small-en-v1.5#using-huggingface-transformers (CLS pooling)
 */
import { RatatoskrError } from "@ratatoskr/core";
import { chunks, encoderFeeds, runSession } from "./encoder-feeds.ts";
import type { Pooling } from "./local-onnx-models.ts";
import type { LoadedOnnxModel } from "./onnx-model-loader.ts";

const TOKEN_OUTPUTS = ["last_hidden_state", "token_embeddings"];
const POOLED_OUTPUTS = ["sentence_embedding", "pooler_output"];

/** L2-normalise in place (`x / max(‖x‖, 1e-12)`, as torch.nn.functional.normalize). */
export function l2Normalize(vector: number[]): number[] {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.max(Math.sqrt(sum), 1e-12);
  for (let index = 0; index < vector.length; index++) vector[index]! /= norm;
  return vector;
}

/**
 * Pool `[batch, sequence, hidden]` token vectors into one vector per row.
 * `mean` averages the positions whose mask is 1; `cls` takes position 0.
 */
export function poolTokenEmbeddings(
  data: Float32Array,
  dims: readonly number[],
  attentionMask: BigInt64Array,
  pooling: Pooling,
): number[][] {
  const [batch, sequence, hidden] = dims as [number, number, number];
  const out: number[][] = [];
  for (let row = 0; row < batch; row++) {
    const vector = new Array<number>(hidden).fill(0);
    if (pooling === "cls") {
      const offset = row * sequence * hidden;
      for (let d = 0; d < hidden; d++) vector[d] = data[offset + d]!;
    } else {
      let count = 0;
      for (let position = 0; position < sequence; position++) {
        if (attentionMask[row * sequence + position] === 0n) continue;
        count++;
        const offset = (row * sequence + position) * hidden;
        for (let d = 0; d < hidden; d++) vector[d]! += data[offset + d]!;
      }
      const divisor = Math.max(count, 1e-9);
      for (let d = 0; d < hidden; d++) vector[d]! /= divisor;
    }
    out.push(vector);
  }
  return out;
}

/** Embed `texts` with `model`, `maxBatchSize` texts per forward pass; vectors in input order. */
export async function embedTexts(
  model: LoadedOnnxModel,
  texts: readonly string[],
  maxBatchSize: number,
): Promise<number[][]> {
  const { spec, session, tokenizer } = model;
  const outputName =
    TOKEN_OUTPUTS.find((name) => session.outputNames.includes(name)) ??
    POOLED_OUTPUTS.find((name) => session.outputNames.includes(name)) ??
    session.outputNames[0]!;
  const vectors: number[][] = [];
  for (const chunk of chunks(texts, maxBatchSize)) {
    const batch = tokenizer.encodeBatch(
      chunk.map((text) => ({ text })),
      spec.maxLength,
    );
    const outputs = await runSession(model, encoderFeeds(model, batch));
    const output = outputs[outputName]!;
    if (output.type !== "float32") {
      throw new RatatoskrError({
        code: "data",
        provider: "local",
        model: spec.name,
        message: `Model "${spec.name}": output ${outputName} is ${output.type}, expected float32`,
      });
    }
    const data = output.data as Float32Array;
    let pooled: number[][];
    if (output.dims.length === 3)
      pooled = poolTokenEmbeddings(data, output.dims, batch.attentionMask, spec.pooling);
    else if (output.dims.length === 2) {
      const hidden = output.dims[1]!;
      pooled = Array.from({ length: batch.batch }, (_, row) =>
        Array.from(data.subarray(row * hidden, (row + 1) * hidden)),
      );
    } else {
      throw new RatatoskrError({
        code: "data",
        provider: "local",
        model: spec.name,
        message: `Model "${spec.name}": output ${outputName} has shape [${output.dims.join(", ")}], expected [batch, sequence, hidden] or [batch, hidden]`,
      });
    }
    for (const vector of pooled) {
      if (spec.dimensions !== undefined && vector.length !== spec.dimensions) {
        throw new RatatoskrError({
          code: "data",
          provider: "local",
          model: spec.name,
          message: `Model "${spec.name}" produced ${vector.length}-dimensional vectors, configured dimensions are ${spec.dimensions}`,
        });
      }
      vectors.push(spec.normalize ? l2Normalize(vector) : vector);
    }
  }
  return vectors;
}
