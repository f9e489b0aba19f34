/**
 * Sentence embeddings from an encoder export: tokenize, pad the batch, run
 * one tensor, pool and L2-normalise as the model's sentence-transformers
 * files say (see `embedding-pipeline.ts`): every pooling mode of its Pooling
 * module, computed over the real (unmasked) tokens as sentence-transformers
 * computes it.
 *
 * @see https://www.sbert.net/docs/sentence_transformer/usage/usage.html
 * @see https://github.com/UKPLab/sentence-transformers/blob/master/sentence_transformers/models/Pooling.py
 */
import { RatatoskrError } from "@ratatoskr/core";
import type { EmbeddingPipeline } from "./embedding-pipeline.ts";
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

/** One pooling mode over one row's `sequence × hidden` token vectors at `offset`; `mask` is the row's mask. */
function poolRow(
  data: Float32Array,
  offset: number,
  sequence: number,
  hidden: number,
  mask: BigInt64Array,
  maskOffset: number,
  pooling: Pooling,
): number[] {
  const vector = new Array<number>(hidden).fill(0);
  const real = (position: number) => mask[maskOffset + position] !== 0n;
  if (pooling === "cls") {
    for (let d = 0; d < hidden; d++) vector[d] = data[offset + d]!;
  } else if (pooling === "lasttoken") {
    // The last position whose mask is 1 (sequence − 1 when none is), as sentence-transformers finds it.
    let last = sequence - 1;
    for (let position = sequence - 1; position >= 0; position--) {
      if (real(position)) {
        last = position;
        break;
      }
    }
    for (let d = 0; d < hidden; d++) vector[d] = data[offset + last * hidden + d]!;
  } else if (pooling === "max") {
    // Padding counts as -1e9, as sentence-transformers masks it.
    vector.fill(Number.NEGATIVE_INFINITY);
    for (let position = 0; position < sequence; position++) {
      for (let d = 0; d < hidden; d++) {
        const value = real(position) ? data[offset + position * hidden + d]! : -1e9;
        if (value > vector[d]!) vector[d] = value;
      }
    }
  } else {
    // mean, mean_sqrt_len_tokens, weightedmean: a (weighted) sum over real tokens, divided.
    let weightSum = 0;
    for (let position = 0; position < sequence; position++) {
      if (!real(position)) continue;
      const weight = pooling === "weightedmean" ? position + 1 : 1;
      weightSum += weight;
      const row = offset + position * hidden;
      for (let d = 0; d < hidden; d++) vector[d]! += weight * data[row + d]!;
    }
    const clamped = Math.max(weightSum, 1e-9);
    const divisor = pooling === "mean_sqrt_len_tokens" ? Math.sqrt(clamped) : clamped;
    for (let d = 0; d < hidden; d++) vector[d]! /= divisor;
  }
  return vector;
}

/**
 * Pool `[batch, sequence, hidden]` token vectors into one vector per row,
 * with one pooling mode or several (concatenated in the order given, as
 * sentence-transformers concatenates them). Only positions whose mask is 1
 * count (`cls` takes position 0).
 */
export function poolTokenEmbeddings(
  data: Float32Array,
  dims: readonly number[],
  attentionMask: BigInt64Array,
  pooling: Pooling | readonly Pooling[],
): number[][] {
  const [batch, sequence, hidden] = dims as [number, number, number];
  const modes = typeof pooling === "string" ? [pooling] : pooling;
  const out: number[][] = [];
  for (let row = 0; row < batch; row++) {
    const offset = row * sequence * hidden;
    const parts = modes.map((mode) =>
      poolRow(data, offset, sequence, hidden, attentionMask, row * sequence, mode),
    );
    out.push(parts.length === 1 ? parts[0]! : parts.flat());
  }
  return out;
}

/** The pipeline of a model loaded without one (never for embedding models loaded by the loader). */
function fallbackPipeline(model: LoadedOnnxModel): EmbeddingPipeline {
  return {
    pooling: [model.spec.pooling ?? model.spec.presetPooling ?? "mean"],
    normalize: model.spec.normalize ?? true,
    poolingSource: model.spec.pooling === undefined ? "default" : "settings",
    unsupportedModules: [],
  };
}

/** Embed `texts` with `model`, `maxBatchSize` texts per forward pass; vectors in input order. */
export async function embedTexts(
  model: LoadedOnnxModel,
  texts: readonly string[],
  maxBatchSize: number,
): Promise<number[][]> {
  const { spec, session, tokenizer } = model;
  const pipeline = model.embedding ?? fallbackPipeline(model);
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
    if (output.dims.length === 3) {
      if (pipeline.unsupportedModules.length > 0) {
        throw new RatatoskrError({
          code: "configuration",
          provider: "local",
          model: spec.name,
          message: `Model "${spec.name}": modules.json has ${pipeline.unsupportedModules.join(", ")} after pooling, which this provider cannot apply to token vectors; use an export whose output is the finished sentence_embedding`,
        });
      }
      pooled = poolTokenEmbeddings(data, output.dims, batch.attentionMask, pipeline.pooling);
    } else if (output.dims.length === 2) {
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
      vectors.push(pipeline.normalize ? l2Normalize(vector) : vector);
    }
  }
  return vectors;
}
