/**
 * @ratatoskr/provider-huggingface: Hugging Face Inference (embeddings, NLI,
 * zero-shot classification) for the Ratatoskr gateway, on `@huggingface/inference`.
 *
 * @packageDocumentation
 */
export * from "./huggingface-error.ts";
export * from "./huggingface-provider.ts";
export * from "./map-huggingface-embeddings.ts";
export * from "./map-huggingface-nli.ts";
export * from "./map-huggingface-zero-shot.ts";
