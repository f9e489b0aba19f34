/**
 * @ratatoskr/onnx-test-models: tiny ONNX models (encoder, NLI cross-encoder,
 * causal LM with KV cache) and their tokenizer files, written with
 * deterministic weights for tests and benchmarks. Nothing large is committed:
 * the models are generated on demand.
 *
 * @packageDocumentation
 */

export * from "./bench-models.ts";
export * from "./minilm-model.ts";
export * from "./onnx-graph-builder.ts";
export * from "./test-models.ts";
export * from "./tokenizer-files.ts";
