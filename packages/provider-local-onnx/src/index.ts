/**
 * @ratatoskr/provider-local-onnx: local inference on onnxruntime-node —
 * sentence embeddings, NLI, zero-shot classification and text generation
 * with a KV cache — on CPU or CUDA, with models from a local directory or
 * downloaded once from the Hugging Face Hub.
 *
 * @packageDocumentation
 */
export * from "./device.ts";
export * from "./embedding-pipeline.ts";
export {
  DEFAULT_HUB_URL,
  defaultCacheDir,
  HubDownloader,
  type HubDownloaderOptions,
  type HubFile,
  offlineFromEnv,
} from "./hub-download.ts";
export { localOnnxDescriptor } from "./local-onnx-descriptor.ts";
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
export * from "./local-onnx-models.ts";
export {
  type NliLabelIndices,
  nliLabelIndices,
  pairLogits,
  softmax,
  toNliResult,
  zeroShotScores,
} from "./local-onnx-nli.ts";
export * from "./local-onnx-provider.ts";
export type { LocalOnnxProviderOptions } from "./local-onnx-provider-options.ts";
export * from "./model-manager.ts";
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
