/**
 * A BERT encoder with the real shape of sentence-transformers'
 * all-MiniLM-L6-v2 — 6 layers, hidden 384, 12 attention heads, feed-forward
 * 1536, a 30,522-token vocabulary — and random weights, so that a
 * throughput benchmark runs a model as heavy as the real one. The graph is
 * the standard BERT layer (self-attention with the padding mask, GELU
 * feed-forward, post-layer-norm), exported with the names and dynamic axes of
 * an Optimum export; the repository files are a sentence-transformers
 * layout (mean pooling + Normalize in `modules.json`).
 *
 * About 90 MB of float32 weights: written on demand into a temporary or
 * cache directory, never committed.
 *
 * @see https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/blob/main/config.json
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DataType, GraphBuilder } from "./onnx-graph-builder.ts";
import { deterministicWeights } from "./test-models.ts";
import {
  wordPieceTokenizerConfig,
  wordPieceTokenizerJson,
  wordPieceVocabulary,
} from "./tokenizer-files.ts";

const F = DataType.FLOAT;
const I = DataType.INT64;

/** Shape of a BERT encoder. */
export interface BertShape {
  layers: number;
  hiddenSize: number;
  heads: number;
  intermediateSize: number;
  vocabularySize: number;
  maxPositions: number;
}

/** all-MiniLM-L6-v2's shape (its config.json). */
export const MINILM_L6_SHAPE: BertShape = {
  layers: 6,
  hiddenSize: 384,
  heads: 12,
  intermediateSize: 1536,
  vocabularySize: 30_522,
  maxPositions: 512,
};

/** The test WordPiece vocabulary padded with `[unusedN]` entries to `size` tokens, as BERT's has. */
export function paddedWordPieceVocabulary(size: number): Record<string, number> {
  const vocabulary = wordPieceVocabulary();
  let next = Object.keys(vocabulary).length;
  for (let unused = 0; next < size; unused++) vocabulary[`[unused${unused}]`] = next++;
  return vocabulary;
}

/** Serialise a BERT encoder of `shape` with random (seeded) weights, initialised as BERT's (±0.035 ≈ std 0.02). */
export function bertEncoderModel(shape: BertShape = MINILM_L6_SHAPE, seed = 900): Uint8Array {
  const { hiddenSize: size, heads, intermediateSize: inner } = shape;
  const headSize = size / heads;
  const scale = 0.035;
  const graph = new GraphBuilder();
  let nextSeed = seed;
  const weights = (name: string, dims: number[], weightScale = scale) =>
    graph.floats(
      name,
      dims,
      deterministicWeights(
        nextSeed++,
        dims.reduce((a, b) => a * b, 1),
        weightScale,
      ),
    );
  const constant = (name: string, value: number) =>
    graph.floats(name, [], new Float32Array([value]));
  const ones = (name: string) => graph.floats(name, [size], new Float32Array(size).fill(1));
  const zeros = (name: string, length = size) =>
    graph.floats(name, [length], new Float32Array(length));
  const layerNorm = (input: string, name: string) =>
    graph.node("LayerNormalization", [input, ones(`${name}.weight`), zeros(`${name}.bias`)], {
      axis: -1,
      epsilon: { float: 1e-12 },
    });
  const dense = (input: string, name: string, from: number, to: number) =>
    graph.node("Add", [
      graph.node("MatMul", [input, weights(`${name}.weight`, [from, to])]),
      zeros(`${name}.bias`, to),
    ]);

  const axes = ["batch_size", "sequence_length"];
  const inputIds = graph.input("input_ids", I, axes);
  const attentionMask = graph.input("attention_mask", I, axes);
  const tokenTypeIds = graph.input("token_type_ids", I, axes);
  graph.output("last_hidden_state", F, ["batch_size", "sequence_length", size]);

  // Embeddings: word + position + token type, then layer norm.
  const sequenceLength = graph.node(
    "Gather",
    [graph.node("Shape", [inputIds]), graph.int64s("one_scalar", [], [1])],
    { axis: 0 },
  );
  const positions = graph.node("Range", [
    graph.int64s("zero_scalar", [], [0]),
    sequenceLength,
    "one_scalar",
  ]);
  const embedded = graph.node("Add", [
    graph.node("Add", [
      graph.node("Gather", [
        weights("embeddings.word_embeddings.weight", [shape.vocabularySize, size]),
        inputIds,
      ]),
      graph.node("Gather", [
        weights("embeddings.position_embeddings.weight", [shape.maxPositions, size]),
        positions,
      ]),
    ]),
    graph.node("Gather", [
      weights("embeddings.token_type_embeddings.weight", [2, size]),
      tokenTypeIds,
    ]),
  ]);
  let hidden = layerNorm(embedded, "embeddings.LayerNorm");

  // Additive attention mask [batch, 1, 1, sequence]: 0 for tokens, -10000 for padding.
  const maskBias = graph.node("Mul", [
    graph.node("Sub", [
      graph.node("Unsqueeze", [
        graph.node("Cast", [attentionMask], { to: F }),
        graph.int64s("mask_axes", [2], [1, 2]),
      ]),
      constant("one_float", 1),
    ]),
    constant("mask_scale", 10_000),
  ]);
  const splitHeads = graph.int64s("split_heads", [4], [0, 0, heads, headSize]);
  const mergeHeads = graph.int64s("merge_heads", [3], [0, 0, size]);

  for (let layer = 0; layer < shape.layers; layer++) {
    const prefix = `encoder.layer.${layer}`;
    const project = (name: string, perm: number[]) =>
      graph.node(
        "Transpose",
        [
          graph.node("Reshape", [
            dense(hidden, `${prefix}.attention.self.${name}`, size, size),
            splitHeads,
          ]),
        ],
        { perm },
      );
    const query = project("query", [0, 2, 1, 3]);
    const key = project("key", [0, 2, 3, 1]);
    const value = project("value", [0, 2, 1, 3]);
    const scores = graph.node("Add", [
      graph.node("Mul", [
        graph.node("MatMul", [query, key]),
        constant(`${prefix}.scale`, 1 / Math.sqrt(headSize)),
      ]),
      maskBias,
    ]);
    const context = graph.node("Reshape", [
      graph.node(
        "Transpose",
        [graph.node("MatMul", [graph.node("Softmax", [scores], { axis: -1 }), value])],
        { perm: [0, 2, 1, 3] },
      ),
      mergeHeads,
    ]);
    const attended = layerNorm(
      graph.node("Add", [hidden, dense(context, `${prefix}.attention.output.dense`, size, size)]),
      `${prefix}.attention.output.LayerNorm`,
    );
    // GELU as BERT defines it: 0.5 · x · (1 + erf(x / √2)).
    const expanded = dense(attended, `${prefix}.intermediate.dense`, size, inner);
    const gelu = graph.node("Mul", [
      graph.node("Mul", [expanded, constant(`${prefix}.half`, 0.5)]),
      graph.node("Add", [
        constant(`${prefix}.one`, 1),
        graph.node("Erf", [
          graph.node("Mul", [expanded, constant(`${prefix}.sqrt_half`, Math.SQRT1_2)]),
        ]),
      ]),
    ]);
    hidden = layerNorm(
      graph.node("Add", [attended, dense(gelu, `${prefix}.output.dense`, inner, size)]),
      `${prefix}.output.LayerNorm`,
    );
  }
  graph.node("Identity", [hidden], {}, "last_hidden_state");
  return graph.encode("bert_encoder");
}

/**
 * Write a MiniLM-L6-shaped sentence-transformers repository under
 * `directory`: `model.onnx`, a 30,522-token WordPiece `tokenizer.json`,
 * `config.json`, `modules.json` + `1_Pooling/config.json` (mean) +
 * Normalize, as all-MiniLM-L6-v2 has them.
 */
export async function writeMiniLmModel(
  directory: string,
  shape: BertShape = MINILM_L6_SHAPE,
): Promise<string> {
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const vocabulary = paddedWordPieceVocabulary(shape.vocabularySize);
  const files: Record<string, Uint8Array> = {
    "model.onnx": bertEncoderModel(shape),
    "tokenizer.json": json(wordPieceTokenizerJson(vocabulary)),
    "tokenizer_config.json": json(wordPieceTokenizerConfig(shape.maxPositions)),
    "config.json": json({
      architectures: ["BertModel"],
      model_type: "bert",
      hidden_size: shape.hiddenSize,
      num_hidden_layers: shape.layers,
      num_attention_heads: shape.heads,
      intermediate_size: shape.intermediateSize,
      hidden_act: "gelu",
      max_position_embeddings: shape.maxPositions,
      type_vocab_size: 2,
      vocab_size: shape.vocabularySize,
      layer_norm_eps: 1e-12,
      pad_token_id: 0,
    }),
    "modules.json": json([
      { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
      { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
      { idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" },
    ]),
    "1_Pooling/config.json": json({
      word_embedding_dimension: shape.hiddenSize,
      pooling_mode_cls_token: false,
      pooling_mode_mean_tokens: true,
      pooling_mode_max_tokens: false,
      pooling_mode_mean_sqrt_len_tokens: false,
      pooling_mode_weightedmean_tokens: false,
      pooling_mode_lasttoken: false,
      include_prompt: true,
    }),
  };
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(directory, path)), { recursive: true });
    await writeFile(join(directory, path), bytes);
  }
  return directory;
}
