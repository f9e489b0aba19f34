/**
 * Benchmark-sized variants of the test encoder and cross-encoder: the same
 * inputs, outputs and tokenizer, with a stack of dense layers so a forward
 * pass costs about what a small sentence-transformer does (hidden 384,
 * 6 layers by default) rather than microseconds.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DataType, GraphBuilder } from "./onnx-graph-builder.ts";
import { decoderModel, deterministicWeights, NLI_LABELS, testModelFiles } from "./test-models.ts";
import { wordPieceVocabulary } from "./tokenizer-files.ts";

const F = DataType.FLOAT;
const I = DataType.INT64;

/** Size of a benchmark model. */
export interface BenchModelShape {
  hiddenSize?: number;
  layers?: number;
  /** Width of each layer's feed-forward expansion (default 4 × hidden). */
  feedForwardSize?: number;
}

function embeddings(
  graph: GraphBuilder,
  size: number,
  withTypes: boolean,
  seed: number,
): { hidden: string; mask: string } {
  const vocabularySize = Object.keys(wordPieceVocabulary()).length;
  const axes = ["batch_size", "sequence_length"];
  const inputIds = graph.input("input_ids", I, axes);
  const mask = graph.input("attention_mask", I, axes);
  const word = graph.floats(
    "word",
    [vocabularySize, size],
    deterministicWeights(seed, vocabularySize * size, 1),
  );
  const position = graph.floats(
    "position",
    [512, size],
    deterministicWeights(seed + 1, 512 * size, 0.3),
  );
  let hidden = graph.node("Gather", [word, inputIds], { axis: 0 });
  if (withTypes) {
    const typeIds = graph.input("token_type_ids", I, axes);
    const types = graph.floats("types", [2, size], deterministicWeights(seed + 2, 2 * size, 0.3));
    hidden = graph.node("Add", [hidden, graph.node("Gather", [types, typeIds], { axis: 0 })]);
  }
  const shape = graph.node("Shape", [inputIds]);
  const length = graph.node("Gather", [shape, graph.int64s("one", [], [1])], { axis: 0 });
  const range = graph.node("Range", [graph.int64s("zero", [], [0]), length, "one"]);
  hidden = graph.node("Add", [hidden, graph.node("Gather", [position, range], { axis: 0 })]);
  return { hidden, mask };
}

/** Residual feed-forward layers: `h = h + W2·tanh(W1·h + b1)`. */
function denseStack(
  graph: GraphBuilder,
  hidden: string,
  size: number,
  shape: BenchModelShape,
  seed: number,
): string {
  const layers = shape.layers ?? 6;
  const inner = shape.feedForwardSize ?? size * 4;
  let current = hidden;
  for (let layer = 0; layer < layers; layer++) {
    const scale = 1 / Math.sqrt(size);
    const up = graph.floats(
      `layer${layer}.up`,
      [size, inner],
      deterministicWeights(seed + 10 * layer, size * inner, scale),
    );
    const bias = graph.floats(
      `layer${layer}.bias`,
      [inner],
      deterministicWeights(seed + 10 * layer + 1, inner, 0.1),
    );
    const down = graph.floats(
      `layer${layer}.down`,
      [inner, size],
      deterministicWeights(seed + 10 * layer + 2, inner * size, 1 / Math.sqrt(inner)),
    );
    const activated = graph.node("Tanh", [
      graph.node("Add", [graph.node("MatMul", [current, up]), bias]),
    ]);
    current = graph.node("Add", [current, graph.node("MatMul", [activated, down])]);
  }
  return current;
}

function maskedMean(graph: GraphBuilder, hidden: string, mask: string, keepDims: boolean): string {
  const maskFloat = graph.node("Cast", [mask], { to: F });
  const mask3 = graph.node("Unsqueeze", [maskFloat, graph.int64s(`axes2_${hidden}`, [1], [2])]);
  const axis1 = graph.int64s(`axes1_${hidden}`, [1], [1]);
  const sum = graph.node("ReduceSum", [graph.node("Mul", [hidden, mask3]), axis1], {
    keepdims: keepDims ? 1 : 0,
  });
  const count = graph.node("ReduceSum", [mask3, axis1], { keepdims: keepDims ? 1 : 0 });
  return graph.node("Div", [sum, count]);
}

/** An encoder (`last_hidden_state [batch, seq, hidden]`) with dense layers. */
export function benchEncoderModel(shape: BenchModelShape = {}): Uint8Array {
  const size = shape.hiddenSize ?? 384;
  const graph = new GraphBuilder();
  const { hidden, mask } = embeddings(graph, size, true, 101);
  const deep = denseStack(graph, hidden, size, shape, 200);
  const context = maskedMean(graph, deep, mask, true);
  graph.output("last_hidden_state", F, ["batch_size", "sequence_length", size]);
  graph.node("Tanh", [graph.node("Add", [deep, context])], {}, "last_hidden_state");
  return graph.encode("bench_encoder");
}

/** A cross-encoder (`logits [batch, 3]`) with dense layers. */
export function benchNliModel(shape: BenchModelShape = {}): Uint8Array {
  const size = shape.hiddenSize ?? 384;
  const graph = new GraphBuilder();
  const { hidden, mask } = embeddings(graph, size, false, 301);
  const deep = denseStack(graph, hidden, size, shape, 400);
  const pooled = graph.node("Tanh", [maskedMean(graph, deep, mask, false)]);
  const classifier = graph.floats(
    "classifier",
    [size, 3],
    deterministicWeights(500, size * 3, 1 / Math.sqrt(size)),
  );
  graph.output("logits", F, ["batch_size", NLI_LABELS.length]);
  graph.node("MatMul", [pooled, classifier], {}, "logits");
  return graph.encode("bench_nli");
}

/**
 * The test decoder (same inputs/outputs, cache, tokenizer and greedy script)
 * plus dense layers on each token, so a decoding step costs about a
 * millisecond instead of tens of microseconds. Their logits are scaled down,
 * so greedy decoding still spells the script.
 */
export function benchDecoderModel(shape: BenchModelShape = {}): Uint8Array {
  const size = shape.hiddenSize ?? 512;
  return decoderModel((graph, inputIds, vocabularySize) => {
    const embedding = graph.floats(
      "bench.embedding",
      [vocabularySize, size],
      deterministicWeights(601, vocabularySize * size, 1),
    );
    const hidden = denseStack(
      graph,
      graph.node("Gather", [embedding, inputIds], { axis: 0 }),
      size,
      shape,
      700,
    );
    const head = graph.floats(
      "bench.head",
      [size, vocabularySize],
      deterministicWeights(801, size * vocabularySize, 0.01 / Math.sqrt(size)),
    );
    return graph.node("MatMul", [hidden, head]);
  });
}

/** Write `bench-encoder/`, `bench-nli/` and `bench-decoder/` (same tokenizers and config layout as the test models) under `root`. */
export async function writeBenchModels(
  root: string,
  shape: BenchModelShape = {},
  decoderShape: BenchModelShape = { hiddenSize: 512, layers: 4 },
): Promise<{ encoder: string; nli: string; decoder: string }> {
  const files = testModelFiles();
  const directories = {
    encoder: join(root, "bench-encoder"),
    nli: join(root, "bench-nli"),
    decoder: join(root, "bench-decoder"),
  };
  const write = async (directory: string, contents: Record<string, Uint8Array>) => {
    for (const [path, bytes] of Object.entries(contents)) {
      await mkdir(dirname(join(directory, path)), { recursive: true });
      await writeFile(join(directory, path), bytes);
    }
  };
  await write(directories.encoder, { ...files.encoder, "model.onnx": benchEncoderModel(shape) });
  await write(directories.nli, { ...files.nli, "onnx/model.onnx": benchNliModel(shape) });
  await write(directories.decoder, {
    ...files.decoder,
    "onnx/model.onnx": benchDecoderModel(decoderShape),
  });
  return directories;
}
