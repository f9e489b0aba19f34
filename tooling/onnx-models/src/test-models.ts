/**
 * Tiny ONNX models with the input/output names, dtypes and dynamic axes of
 * real Hugging Face exports, and deterministic weights:
 *
 * - `mini-bert`: a BERT-style encoder (`input_ids`, `attention_mask`,
 *   `token_type_ids` → `last_hidden_state [batch, seq, 8]`), Qdrant layout
 *   (`model.onnx` at the repo root).
 * - `tiny-nli`: a cross-encoder (`input_ids`, `attention_mask` → `logits
 *   [batch, 3]`) with a `config.json` whose `id2label` is contradiction,
 *   entailment, neutral (as cross-encoder/nli-deberta-v3-*), `onnx/model.onnx`.
 * - `tiny-gpt`: a causal LM with a KV cache as Optimum exports it
 *   (`input_ids`, `attention_mask`, `position_ids`, `past_key_values.N.key|value`
 *   → `logits`, `present.N.key|value`), `onnx/model.onnx`.
 *
 * The weights and the exact computation each graph performs are exported,
 * so tests compute expected outputs independently of the code under test.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DataType, GraphBuilder } from "./onnx-graph-builder.ts";
import {
  byteIds,
  byteLevelTokenizerConfig,
  byteLevelTokenizerJson,
  byteLevelVocabulary,
  END_OF_TEXT,
  wordPieceTokenizerConfig,
  wordPieceTokenizerJson,
  wordPieceVocabulary,
} from "./tokenizer-files.ts";

/** A seeded PRNG (mulberry32): the same seed gives the same stream everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` float32 weights uniform in [-scale, scale), deterministic for `seed`. */
export function deterministicWeights(seed: number, count: number, scale: number): Float32Array {
  const random = seededRandom(seed);
  const values = new Float32Array(count);
  for (let index = 0; index < count; index++) values[index] = (random() * 2 - 1) * scale;
  return values;
}

const F = DataType.FLOAT;
const I = DataType.INT64;

// ---------------------------------------------------------------------------
// Encoder

/** Shape and weights of the `mini-bert` encoder. */
export const ENCODER = {
  hiddenSize: 8,
  maxPositions: 512,
  typeVocabularySize: 2,
  vocabulary: wordPieceVocabulary(),
  /** How much of the masked sequence mean is mixed into every token (an attention stand-in). */
  contextWeight: 0.5,
} as const;

/** The encoder's weight tables. */
export function encoderWeights() {
  const vocabularySize = Object.keys(ENCODER.vocabulary).length;
  const size = ENCODER.hiddenSize;
  return {
    vocabularySize,
    word: deterministicWeights(11, vocabularySize * size, 1),
    position: deterministicWeights(12, ENCODER.maxPositions * size, 0.3),
    tokenType: deterministicWeights(13, ENCODER.typeVocabularySize * size, 0.3),
  };
}

/**
 * What `mini-bert` computes for one sequence (no padding): `h_t = word[id_t]
 * + position[t] + tokenType[type_t]`, `c = mean_t h_t`, `out_t = tanh(h_t +
 * 0.5·c)`. Padding positions (mask 0) are left out of the mean.
 */
export function encoderReference(ids: number[], typeIds: number[] = ids.map(() => 0)): number[][] {
  const weights = encoderWeights();
  const size = ENCODER.hiddenSize;
  const hidden = ids.map((id, position) =>
    Array.from(
      { length: size },
      (_, d) =>
        weights.word[id * size + d]! +
        weights.position[position * size + d]! +
        weights.tokenType[typeIds[position]! * size + d]!,
    ),
  );
  const context = Array.from(
    { length: size },
    (_, d) => hidden.reduce((sum, row) => sum + row[d]!, 0) / hidden.length,
  );
  return hidden.map((row) =>
    row.map((value, d) => Math.tanh(value + ENCODER.contextWeight * context[d]!)),
  );
}

/** Masked mean of `h` over the sequence axis: `[b,s,D]`, mask `[b,s]` → `[b,1,D]` (keepdims) or `[b,D]`. */
function maskedMean(graph: GraphBuilder, hidden: string, mask: string, keepDims: boolean): string {
  const maskFloat = graph.node("Cast", [mask], { to: F });
  const mask3 = graph.node("Unsqueeze", [maskFloat, graph.int64s(`axes2_${hidden}`, [1], [2])]);
  const masked = graph.node("Mul", [hidden, mask3]);
  const axis1 = graph.int64s(`axes1_${hidden}`, [1], [1]);
  const sum = graph.node("ReduceSum", [masked, axis1], { keepdims: keepDims ? 1 : 0 });
  const count = graph.node("ReduceSum", [mask3, axis1], { keepdims: keepDims ? 1 : 0 });
  return graph.node("Div", [sum, count]);
}

/** `Gather(positionTable, Range(0, seq_len))`: position embeddings for `[s]`. */
function positionEmbeddings(graph: GraphBuilder, inputIds: string, table: string): string {
  const shape = graph.node("Shape", [inputIds]);
  const sequenceLength = graph.node("Gather", [shape, graph.int64s("one_scalar", [], [1])], {
    axis: 0,
  });
  const range = graph.node("Range", [
    graph.int64s("zero_scalar", [], [0]),
    sequenceLength,
    "one_scalar",
  ]);
  return graph.node("Gather", [table, range], { axis: 0 });
}

/**
 * Serialise the `mini-bert` encoder. With `externalData`, the word
 * embeddings are stored outside the model under that location (the bytes to
 * write there are returned as `data`); the location is written as given, so
 * tests can also produce hostile references (`../x`, `/etc/passwd`).
 */
export function encoderModel(): Uint8Array;
export function encoderModel(externalData: { location: string }): {
  model: Uint8Array;
  data: Uint8Array;
};
export function encoderModel(externalData?: {
  location: string;
}): Uint8Array | { model: Uint8Array; data: Uint8Array } {
  const weights = encoderWeights();
  const size = ENCODER.hiddenSize;
  const graph = new GraphBuilder();
  const axes = ["batch_size", "sequence_length"];
  const inputIds = graph.input("input_ids", I, axes);
  const attentionMask = graph.input("attention_mask", I, axes);
  const tokenTypeIds = graph.input("token_type_ids", I, axes);
  graph.output("last_hidden_state", F, ["batch_size", "sequence_length", size]);
  const wordName = "embeddings.word_embeddings.weight";
  const word = externalData
    ? graph.externalFloats(
        wordName,
        [weights.vocabularySize, size],
        externalData.location,
        0,
        weights.word.byteLength,
      )
    : graph.floats(wordName, [weights.vocabularySize, size], weights.word);
  const position = graph.floats(
    "embeddings.position_embeddings.weight",
    [ENCODER.maxPositions, size],
    weights.position,
  );
  const tokenType = graph.floats(
    "embeddings.token_type_embeddings.weight",
    [ENCODER.typeVocabularySize, size],
    weights.tokenType,
  );
  const wordEmbedded = graph.node("Gather", [word, inputIds], { axis: 0 });
  const typeEmbedded = graph.node("Gather", [tokenType, tokenTypeIds], { axis: 0 });
  const hidden = graph.node("Add", [
    graph.node("Add", [wordEmbedded, typeEmbedded]),
    positionEmbeddings(graph, inputIds, position),
  ]);
  const context = maskedMean(graph, hidden, attentionMask, true);
  const mixed = graph.node("Add", [
    hidden,
    graph.node("Mul", [
      context,
      graph.floats("context_weight", [], new Float32Array([ENCODER.contextWeight])),
    ]),
  ]);
  graph.node("Tanh", [mixed], {}, "last_hidden_state");
  const model = graph.encode("mini_bert");
  if (!externalData) return model;
  return {
    model,
    data: new Uint8Array(weights.word.buffer, weights.word.byteOffset, weights.word.byteLength),
  };
}

// ---------------------------------------------------------------------------
// NLI cross-encoder

/** Labels of the NLI model, in `id2label` order (as cross-encoder/nli-deberta-v3-*). */
export const NLI_LABELS = ["contradiction", "entailment", "neutral"] as const;

/** Shape and weights of the `tiny-nli` cross-encoder. */
export const NLI = { hiddenSize: 8, maxPositions: 512, vocabulary: wordPieceVocabulary() } as const;

/** The cross-encoder's weight tables. */
export function nliWeights() {
  const vocabularySize = Object.keys(NLI.vocabulary).length;
  const size = NLI.hiddenSize;
  return {
    vocabularySize,
    word: deterministicWeights(21, vocabularySize * size, 1),
    position: deterministicWeights(22, NLI.maxPositions * size, 0.3),
    classifier: deterministicWeights(23, size * NLI_LABELS.length, 1.5),
    bias: deterministicWeights(24, NLI_LABELS.length, 0.2),
  };
}

/**
 * What `tiny-nli` computes for one unpadded sequence: `c = mean_t (word[id_t]
 * + position[t])`, `logits = tanh(c) · classifier + bias`.
 */
export function nliReference(ids: number[]): number[] {
  const weights = nliWeights();
  const size = NLI.hiddenSize;
  const context = Array.from({ length: size }, (_, d) => {
    let sum = 0;
    ids.forEach((id, position) => {
      sum += weights.word[id * size + d]! + weights.position[position * size + d]!;
    });
    return Math.tanh(sum / ids.length);
  });
  return NLI_LABELS.map(
    (_, label) =>
      context.reduce(
        (sum, value, d) => sum + value * weights.classifier[d * NLI_LABELS.length + label]!,
        0,
      ) + weights.bias[label]!,
  );
}

/** Serialise the `tiny-nli` cross-encoder. */
export function nliModel(): Uint8Array {
  const weights = nliWeights();
  const size = NLI.hiddenSize;
  const graph = new GraphBuilder();
  const axes = ["batch_size", "sequence_length"];
  const inputIds = graph.input("input_ids", I, axes);
  const attentionMask = graph.input("attention_mask", I, axes);
  graph.output("logits", F, ["batch_size", NLI_LABELS.length]);
  const word = graph.floats(
    "embeddings.word_embeddings.weight",
    [weights.vocabularySize, size],
    weights.word,
  );
  const position = graph.floats(
    "embeddings.position_embeddings.weight",
    [NLI.maxPositions, size],
    weights.position,
  );
  const hidden = graph.node("Add", [
    graph.node("Gather", [word, inputIds], { axis: 0 }),
    positionEmbeddings(graph, inputIds, position),
  ]);
  const pooled = graph.node("Tanh", [maskedMean(graph, hidden, attentionMask, false)]);
  const classifier = graph.floats(
    "classifier.weight",
    [size, NLI_LABELS.length],
    weights.classifier,
  );
  const bias = graph.floats("classifier.bias", [NLI_LABELS.length], weights.bias);
  graph.node("Add", [graph.node("MatMul", [pooled, classifier]), bias], {}, "logits");
  return graph.encode("tiny_nli");
}

// ---------------------------------------------------------------------------
// Causal LM with KV cache

/** The text `tiny-gpt` spells greedily after a one-token prompt (multi-byte characters on purpose). */
export const DECODER_SCRIPT = "Hello, wörld! ✓ Then the end.";

/** Shape of the `tiny-gpt` causal LM. */
export const DECODER = {
  layers: 2,
  heads: 2,
  headSize: 4,
  maxPositions: 64,
  vocabulary: byteLevelVocabulary(),
  endOfTextId: 256,
  /** Logit given to the scripted token at each position. */
  scriptLogit: 8,
  keyWeight: 0.5,
} as const;

/** The token (`~`) the model favours at positions past the script. */
export const FILLER_ID = 126;

/** Token ids of the script followed by end-of-text: position p's logits favour `script[p]`. */
export function decoderScriptIds(): number[] {
  return [...byteIds(DECODER_SCRIPT), DECODER.endOfTextId];
}

/** The causal LM's weight tables. */
export function decoderWeights() {
  const vocabularySize = Object.keys(DECODER.vocabulary).length;
  const width = DECODER.heads * DECODER.headSize;
  const script = decoderScriptIds();
  const positionLogits = new Float32Array(DECODER.maxPositions * vocabularySize);
  for (let position = 0; position < DECODER.maxPositions; position++) {
    // Past the script, "~" forever: a long prompt runs into the context window instead of stopping.
    const target = position < script.length ? script[position]! : FILLER_ID;
    positionLogits[position * vocabularySize + target] = DECODER.scriptLogit;
  }
  return {
    vocabularySize,
    width,
    positionLogits,
    tokenLogits: deterministicWeights(31, vocabularySize * vocabularySize, 0.3),
    keys: Array.from({ length: DECODER.layers }, (_, layer) =>
      deterministicWeights(40 + layer, vocabularySize * width, 0.5),
    ),
    values: Array.from({ length: DECODER.layers }, (_, layer) =>
      deterministicWeights(50 + layer, vocabularySize * width, 0.5),
    ),
    cacheProjection: deterministicWeights(32, width * vocabularySize, 0.3),
  };
}

/**
 * The next-token logits `tiny-gpt` gives after the whole sequence `ids` (no
 * cache, no padding): `positionLogits[n-1] + tokenLogits[ids[n-1]] +
 * mean_j(Σ_layers 0.5·key_l[ids[j]] + value_l[ids[j]]) · cacheProjection`.
 * With a correct KV cache the model gives exactly this at every step.
 */
export function decoderReferenceLogits(ids: number[]): Float32Array {
  const weights = decoderWeights();
  const { vocabularySize, width } = weights;
  const last = ids.length - 1;
  const mixed = new Float64Array(width);
  for (const id of ids) {
    for (let layer = 0; layer < DECODER.layers; layer++) {
      for (let d = 0; d < width; d++) {
        mixed[d]! +=
          DECODER.keyWeight * weights.keys[layer]![id * width + d]! +
          weights.values[layer]![id * width + d]!;
      }
    }
  }
  const logits = new Float32Array(vocabularySize);
  for (let token = 0; token < vocabularySize; token++) {
    let value =
      weights.positionLogits[last * vocabularySize + token]! +
      weights.tokenLogits[ids[last]! * vocabularySize + token]!;
    for (let d = 0; d < width; d++)
      value += (mixed[d]! / ids.length) * weights.cacheProjection[d * vocabularySize + token]!;
    logits[token] = value;
  }
  return logits;
}

/**
 * Serialise the `tiny-gpt` causal LM. `extraLogits` (benchmarks) may add a
 * `[batch, sequence, vocabulary]` term computed from `input_ids` — e.g. dense
 * layers that make each step cost what a real model's does.
 */
export function decoderModel(
  extraLogits?: (graph: GraphBuilder, inputIds: string, vocabularySize: number) => string,
): Uint8Array {
  const weights = decoderWeights();
  const { vocabularySize, width } = weights;
  const graph = new GraphBuilder();
  const inputIds = graph.input("input_ids", I, ["batch_size", "sequence_length"]);
  const attentionMask = graph.input("attention_mask", I, ["batch_size", "total_sequence_length"]);
  const positionIds = graph.input("position_ids", I, ["batch_size", "sequence_length"]);
  graph.output("logits", F, ["batch_size", "sequence_length", vocabularySize]);
  const cacheShape = (length: string) => ["batch_size", DECODER.heads, length, DECODER.headSize];
  const splitHeads = graph.int64s(
    "split_heads_shape",
    [4],
    [0, 0, DECODER.heads, DECODER.headSize],
  );
  const maskFloat = graph.node("Cast", [attentionMask], { to: F });
  const mask4 = graph.node("Unsqueeze", [maskFloat, graph.int64s("axes_1_3", [2], [1, 3])]);
  const axis2 = graph.int64s("axes_2", [1], [2]);
  let mixedSum: string | undefined;
  for (let layer = 0; layer < DECODER.layers; layer++) {
    const present: Record<string, string> = {};
    for (const kind of ["key", "value"] as const) {
      const past = graph.input(
        `past_key_values.${layer}.${kind}`,
        F,
        cacheShape("past_sequence_length"),
      );
      graph.output(`present.${layer}.${kind}`, F, cacheShape("total_sequence_length"));
      const table = graph.floats(
        `layers.${layer}.${kind}_embeddings`,
        [vocabularySize, width],
        kind === "key" ? weights.keys[layer]! : weights.values[layer]!,
      );
      const projected = graph.node("Gather", [table, inputIds], { axis: 0 });
      const heads = graph.node("Transpose", [graph.node("Reshape", [projected, splitHeads])], {
        perm: [0, 2, 1, 3],
      });
      present[kind] = graph.node("Concat", [past, heads], { axis: 2 }, `present.${layer}.${kind}`);
    }
    const mixed = graph.node("Add", [
      graph.node("Mul", [
        present.key!,
        graph.floats(`key_weight_${layer}`, [], new Float32Array([DECODER.keyWeight])),
      ]),
      present.value!,
    ]);
    const summed = graph.node("ReduceSum", [graph.node("Mul", [mixed, mask4]), axis2], {
      keepdims: 0,
    });
    mixedSum = mixedSum === undefined ? summed : graph.node("Add", [mixedSum, summed]);
  }
  const count = graph.node("ReduceSum", [maskFloat, graph.int64s("axes_1", [1], [1])], {
    keepdims: 1,
  });
  const mean = graph.node("Div", [mixedSum!, graph.node("Unsqueeze", [count, axis2])]);
  const flat = graph.node("Reshape", [mean, graph.int64s("flat_shape", [2], [0, width])]);
  const cacheLogits = graph.node("MatMul", [
    flat,
    graph.floats("cache_projection", [width, vocabularySize], weights.cacheProjection),
  ]);
  const positionLogits = graph.node(
    "Gather",
    [
      graph.floats(
        "position_logits",
        [DECODER.maxPositions, vocabularySize],
        weights.positionLogits,
      ),
      positionIds,
    ],
    { axis: 0 },
  );
  const tokenLogits = graph.node(
    "Gather",
    [graph.floats("token_logits", [vocabularySize, vocabularySize], weights.tokenLogits), inputIds],
    { axis: 0 },
  );
  const base = graph.node("Add", [positionLogits, tokenLogits]);
  graph.node(
    "Add",
    [
      extraLogits ? graph.node("Add", [base, extraLogits(graph, inputIds, vocabularySize)]) : base,
      graph.node("Unsqueeze", [cacheLogits, graph.int64s("axes_1b", [1], [1])]),
    ],
    {},
    "logits",
  );
  return graph.encode("tiny_gpt");
}

// ---------------------------------------------------------------------------
// Files

/** Where {@link writeTestModels} put each model (each a Hub-repo-shaped directory). */
export interface TestModelDirectories {
  root: string;
  /** Encoder, Qdrant layout: `model.onnx` at the root. */
  encoder: string;
  /** Cross-encoder, `onnx/model.onnx`. */
  nli: string;
  /** Causal LM, `onnx/model.onnx`. */
  decoder: string;
}

/** The files of each test model, relative path → bytes (as a fake Hub serves them). */
export function testModelFiles(): Record<
  "encoder" | "nli" | "decoder",
  Record<string, Uint8Array>
> {
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const wordPiece = wordPieceVocabulary();
  const byteLevel = byteLevelVocabulary();
  const id2label = Object.fromEntries(NLI_LABELS.map((label, index) => [String(index), label]));
  const label2id = Object.fromEntries(NLI_LABELS.map((label, index) => [label, index]));
  return {
    encoder: {
      "model.onnx": encoderModel(),
      "tokenizer.json": json(wordPieceTokenizerJson(wordPiece)),
      "tokenizer_config.json": json(wordPieceTokenizerConfig(ENCODER.maxPositions)),
      "special_tokens_map.json": json({
        cls_token: "[CLS]",
        sep_token: "[SEP]",
        pad_token: "[PAD]",
        unk_token: "[UNK]",
      }),
      "config.json": json({
        architectures: ["BertModel"],
        model_type: "bert",
        hidden_size: ENCODER.hiddenSize,
        max_position_embeddings: ENCODER.maxPositions,
        type_vocab_size: ENCODER.typeVocabularySize,
        vocab_size: Object.keys(wordPiece).length,
        pad_token_id: 0,
      }),
    },
    nli: {
      "onnx/model.onnx": nliModel(),
      "tokenizer.json": json(wordPieceTokenizerJson(wordPiece)),
      "tokenizer_config.json": json(wordPieceTokenizerConfig(NLI.maxPositions)),
      "config.json": json({
        architectures: ["DebertaV2ForSequenceClassification"],
        model_type: "deberta-v2",
        hidden_size: NLI.hiddenSize,
        max_position_embeddings: NLI.maxPositions,
        type_vocab_size: 0,
        vocab_size: Object.keys(wordPiece).length,
        id2label,
        label2id,
        pad_token_id: 0,
      }),
    },
    decoder: {
      "onnx/model.onnx": decoderModel(),
      "tokenizer.json": json(byteLevelTokenizerJson(byteLevel)),
      "tokenizer_config.json": json(byteLevelTokenizerConfig(DECODER.maxPositions)),
      "generation_config.json": json({
        bos_token_id: DECODER.endOfTextId,
        eos_token_id: DECODER.endOfTextId,
      }),
      "config.json": json({
        architectures: ["GPT2LMHeadModel"],
        model_type: "gpt2",
        n_layer: DECODER.layers,
        n_head: DECODER.heads,
        n_embd: DECODER.heads * DECODER.headSize,
        num_hidden_layers: DECODER.layers,
        num_attention_heads: DECODER.heads,
        num_key_value_heads: DECODER.heads,
        hidden_size: DECODER.heads * DECODER.headSize,
        max_position_embeddings: DECODER.maxPositions,
        n_positions: DECODER.maxPositions,
        vocab_size: Object.keys(byteLevel).length,
        bos_token_id: DECODER.endOfTextId,
        eos_token_id: DECODER.endOfTextId,
        end_of_text: END_OF_TEXT,
      }),
    },
  };
}

/** Write the three test models under `root` (`mini-bert/`, `tiny-nli/`, `tiny-gpt/`). */
export async function writeTestModels(root: string): Promise<TestModelDirectories> {
  const files = testModelFiles();
  const directories = {
    root,
    encoder: join(root, "mini-bert"),
    nli: join(root, "tiny-nli"),
    decoder: join(root, "tiny-gpt"),
  };
  for (const kind of ["encoder", "nli", "decoder"] as const) {
    for (const [path, bytes] of Object.entries(files[kind])) {
      const target = join(directories[kind], path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
  }
  return directories;
}
