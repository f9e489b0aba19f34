/**
 * `openrouterDescriptor`: what the router, the builder's `.openrouter()`
 * shorthand and `loadConfiguredProviders()` know about OpenRouter before
 * creating it.
 */
import type { ProviderDescriptorV1 } from "@ratatoskr/core";
import {
  createOpenRouter,
  OPENROUTER_MODEL_PATTERN,
  type OpenRouterSettings,
} from "./openrouter-provider.ts";

/**
 * OpenRouter (`createOpenRouter`), as a descriptor. Routing hint: `vendor/model`
 * chat ids (priority 30, a naming scheme OpenRouter routes: it outranks
 * Ollama's `name:tag`, so `meta-llama/llama-3.1-8b-instruct:free` goes here,
 * and yields to vendor families and `ft:` fine-tunes).
 */
export const openrouterDescriptor: ProviderDescriptorV1<OpenRouterSettings> = {
  specificationVersion: "v1",
  id: "openrouter",
  displayName: "OpenRouter",
  packageName: "@ratatoskr/provider-openrouter",
  capabilities: ["chat"],
  environment: { apiKey: "OPENROUTER_API_KEY" },
  isConfigured: (environment) => Boolean(environment.OPENROUTER_API_KEY),
  routing: [
    {
      pattern: OPENROUTER_MODEL_PATTERN,
      capabilities: ["chat"],
      priority: 30,
      reason: "vendor/model chat ids are OpenRouter's",
    },
  ],
  localInference: false,
  create: (settings) => createOpenRouter(settings),
};
