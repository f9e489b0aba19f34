/**
 * `@ratatoskr/provider-local-onnx/internal`: the inference building blocks
 * behind the provider — the sentence-transformers pipeline, the model
 * tokenizer, ONNX session loading and external-data checks, pooling and
 * normalisation, NLI and zero-shot maths, the KV-cache decode loop, token
 * selection and the safe-path checks — for this workspace's benchmarks and
 * device checks. Unstable: not part of the public API, may change in any
 * release.
 *
 * @packageDocumentation
 */
export * from "./embedding-pipeline.ts";
export { embedTexts, l2Normalize, poolTokenEmbeddings } from "./local-onnx-embeddings.ts";
export {
  CausalLmSession,
  contextWindow,
  DEFAULT_MAX_TOKENS,
  type DecodingOptions,
  endOfSequenceIds,
  generateTokens,
  type ResolvedDecoding,
  resolveDecoding,
} from "./local-onnx-generation.ts";
export {
  type LocalGenerationRequest,
  localGenerationRequest,
} from "./local-onnx-generation-request.ts";
export {
  type NliLabelIndices,
  nliLabelIndices,
  pairLogits,
  softmax,
  toNliResult,
  zeroShotScores,
} from "./local-onnx-nli.ts";
export {
  type EncodedBatch,
  type EncodedSequence,
  ModelTokenizer,
  padBatch,
  type TruncationStrategy,
  truncatedLengths,
} from "./model-tokenizer.ts";
export { externalDataLocations, externalDataLocationsOfFile } from "./onnx-external-data.ts";
export {
  type LoadContext,
  type LoadedOnnxModel,
  loadOnnxModel,
  loadOnnxRuntime,
} from "./onnx-model-loader.ts";
export { assertSafeRelativePath, isInside, resolveInside } from "./safe-paths.ts";
export {
  applyRepetitionPenalty,
  argmax,
  type SamplingOptions,
  seededRandom,
  selectToken,
} from "./select-token.ts";
