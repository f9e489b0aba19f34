/**
 * @ratatoskr/provider-huggingface: Hugging Face Inference (embeddings, NLI,
 * zero-shot classification, chat through the OpenAI-compatible router) for
 * the Ratatoskr gateway, on `@huggingface/inference`; provider specification v1.
 *
 * @packageDocumentation
 */
export * from "./huggingface-descriptor.ts";
export * from "./huggingface-error.ts";
export * from "./huggingface-model-catalog.ts";
export * from "./huggingface-provider.ts";
export type { HuggingFaceProviderOptions } from "./huggingface-provider-options.ts";
export * from "./map-huggingface-embeddings.ts";
export * from "./map-huggingface-nli.ts";
export * from "./map-huggingface-zero-shot.ts";
