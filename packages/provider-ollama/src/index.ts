/**
 * @ratatoskr/provider-ollama: chat and embeddings against an Ollama server
 * (`createOllama`, `ollamaDescriptor`; provider specification v1), on
 * Ollama's native API through the official `ollama` client by default, or
 * chat on the shared OpenAI-wire mapping through `/v1`.
 *
 * @packageDocumentation
 */
export {
  convertToOllamaMessages,
  type OllamaWireMessage,
  type OllamaWireToolCall,
} from "./convert-to-ollama-messages.ts";
export { mapOllamaDoneReason } from "./map-ollama-done-reason.ts";
export * from "./ollama-base-url.ts";
export {
  buildOllamaChatRequest,
  mapOllamaFormat,
  mapOllamaThink,
  mapOllamaTool,
  type OllamaChatDefaults,
  type OllamaChatRequestBody,
  type OllamaProviderOptions,
  type OllamaThink,
  planOllamaTools,
} from "./ollama-chat-request.ts";
export {
  mapOllamaUsage,
  OllamaChatStreamMapper,
  type OllamaChatStreamMapperOptions,
  type OllamaWireChatChunk,
  type OllamaWireStreamToolCall,
} from "./ollama-chat-stream-mapper.ts";
export type { OllamaClientContext } from "./ollama-client.ts";
export * from "./ollama-descriptor.ts";
export * from "./ollama-embeddings.ts";
export { classifyOllamaMessage, mapOllamaError, type OllamaErrorContext } from "./ollama-error.ts";
export { createOllamaModelCatalog, ollamaModelKey } from "./ollama-model-catalog.ts";
export * from "./ollama-model-name.ts";
export * from "./ollama-provider.ts";
