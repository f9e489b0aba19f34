/**
 * @ratatoskr/provider-local-onnx: local inference on onnxruntime-node —
 * sentence embeddings, NLI, zero-shot classification and text generation
 * with a KV cache — on CPU or CUDA, with models from a local directory or
 * downloaded once from the Hugging Face Hub.
 *
 * The inference building blocks (tokenizer, session loading, pooling, NLI
 * maths, decoding, token selection, path checks) are under
 * `@ratatoskr/provider-local-onnx/internal` (unstable).
 *
 * @packageDocumentation
 */
export * from "./device.ts";
export {
  DEFAULT_HUB_URL,
  defaultCacheDir,
  HubDownloader,
  type HubDownloaderOptions,
  type HubFile,
  offlineFromEnv,
} from "./hub-download.ts";
export { localOnnxDescriptor } from "./local-onnx-descriptor.ts";
export * from "./local-onnx-models.ts";
export * from "./local-onnx-provider.ts";
export type { LocalOnnxProviderOptions } from "./local-onnx-provider-options.ts";
export * from "./model-manager.ts";
export { loadOnnxRuntime } from "./onnx-model-loader.ts";
