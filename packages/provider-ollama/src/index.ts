/**
 * @ratatoskr/provider-ollama: chat and embeddings against an Ollama server
 * (`createOllama`), chat on the shared OpenAI-wire mapping.
 *
 * @packageDocumentation
 */
export * from "./ollama-base-url.ts";
export * from "./ollama-embeddings.ts";
export * from "./ollama-provider.ts";
