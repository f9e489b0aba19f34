/**
 * `@ratatoskr/provider-openai-compat/internal`: the OpenAI-wire mapping
 * that the other workspace presets (OpenRouter, Ollama, Hugging Face) reuse:
 * request building, message conversion, response, stream, usage, finish
 * reason and error mapping, and the provider-option type checks. Unstable:
 * not part of the public API, may change in any release.
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
export * from "./openai-reasoning.ts";
