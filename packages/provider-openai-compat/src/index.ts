/**
 * @ratatoskr/provider-openai-compat: chat over the OpenAI Chat Completions
 * wire for any compatible server (`createOpenAICompatible`) and the direct
 * OpenAI preset (`createOpenAI`, `openaiDescriptor`). Every provider here
 * implements the provider specification v1 (`ProviderV1`).
 *
 * The wire mapping that the OpenRouter, Ollama and Hugging Face presets
 * reuse is under `@ratatoskr/provider-openai-compat/internal` (unstable).
 *
 * @packageDocumentation
 */
export * from "./openai-compatible-provider.ts";
export * from "./openai-descriptor.ts";
export { guessOpenAIModelCapabilities, mapOpenAIModelList } from "./openai-model-catalog.ts";
export * from "./openai-provider.ts";
export * from "./openai-strict-schema.ts";
