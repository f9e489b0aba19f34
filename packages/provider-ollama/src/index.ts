/**
 * @ratatoskr/provider-ollama: chat and embeddings against an Ollama server
 * (`createOllama`), on Ollama's native API through the official `ollama`
 * client by default, or chat on the shared OpenAI-wire mapping through `/v1`.
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
  type OllamaChatDefaults,
  type OllamaChatRequestBody,
  type OllamaThink,
  type OllamaWarning,
} from "./ollama-chat-request.ts";
export {
  mapOllamaUsage,
  OllamaChatStreamMapper,
  type OllamaChatStreamMapperOptions,
  type OllamaWireChatChunk,
  type OllamaWireStreamToolCall,
} from "./ollama-chat-stream-mapper.ts";
export type { OllamaClientContext } from "./ollama-client.ts";
export * from "./ollama-embeddings.ts";
export { classifyOllamaMessage, mapOllamaError, type OllamaErrorContext } from "./ollama-error.ts";
export * from "./ollama-provider.ts";
