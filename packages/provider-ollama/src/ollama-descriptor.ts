/**
 * `ollamaDescriptor`: what the router, the builder's `.ollama()` shorthand
 * and `loadConfiguredProviders()` know about Ollama before creating it.
 */
import type { ProviderDescriptorV1 } from "@ratatoskr/core";
import {
  OLLAMA_EMBEDDING_MODEL_PATTERN,
  OLLAMA_TAGGED_MODEL_PATTERN,
} from "./ollama-model-name.ts";
import { createOllama, type OllamaSettings } from "./ollama-provider.ts";

/**
 * Ollama (`createOllama`), as a descriptor. Routing hints: the embedding
 * models of Ollama's library (`nomic-embed-text`, `all-minilm`, … — priority
 * 30, embeddings only) and `name:tag` ids (priority 10: a shape others may
 * share, so OpenRouter's `vendor/model:free` and OpenAI's `ft:…` outrank it).
 * Configured by `OLLAMA_HOST` (it needs no key; without the variable an app
 * loading what the environment configures leaves it out).
 */
export const ollamaDescriptor: ProviderDescriptorV1<OllamaSettings> = {
  specificationVersion: "v1",
  id: "ollama",
  displayName: "Ollama",
  packageName: "@ratatoskr/provider-ollama",
  capabilities: ["chat", "embed"],
  environment: { baseURL: "OLLAMA_HOST" },
  isConfigured: (environment) => Boolean(environment.OLLAMA_HOST),
  routing: [
    {
      pattern: OLLAMA_EMBEDDING_MODEL_PATTERN,
      capabilities: ["embed"],
      priority: 30,
      reason:
        "nomic-embed-text, mxbai-embed-large, all-minilm, … are Ollama library embedding models",
    },
    {
      pattern: OLLAMA_TAGGED_MODEL_PATTERN,
      priority: 10,
      reason: "name:tag ids are Ollama's model references",
    },
  ],
  localInference: false,
  create: (settings) => createOllama(settings),
};
