/**
 * @ratatoskr/provider-openai-compat: chat over the OpenAI Chat Completions
 * wire for any compatible server (`createOpenAICompatible`), the direct
 * OpenAI preset (`createOpenAI`, `openaiDescriptor`), and the shared mapping
 * functions that the OpenRouter, Ollama and Hugging Face presets reuse. Every
 * provider here implements the provider specification v1 (`ProviderV1`).
 *
 * @packageDocumentation
 */
export * from "./assert-provider-option-types.ts";
export * from "./convert-to-openai-chat-messages.ts";
export * from "./map-openai-chat-response.ts";
export * from "./map-openai-error.ts";
export * from "./map-openai-finish-reason.ts";
export * from "./map-openai-usage.ts";
export * from "./merge-openai-provider-options.ts";
export * from "./openai-chat-request.ts";
export * from "./openai-chat-stream-mapper.ts";
export * from "./openai-compatible-provider.ts";
export * from "./openai-descriptor.ts";
export * from "./openai-provider.ts";
export * from "./openai-reasoning.ts";
