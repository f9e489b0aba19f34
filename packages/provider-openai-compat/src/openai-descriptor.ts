/**
 * `openaiDescriptor`: what the router, the builder's `.openai()` shorthand
 * and `loadConfiguredProviders()` know about the direct OpenAI provider
 * before creating it.
 */
import type { ProviderDescriptorV1 } from "@ratatoskr/core";
import {
  createOpenAI,
  OPENAI_CHAT_MODEL_PATTERN,
  OPENAI_FINE_TUNE_PATTERN,
  type OpenAISettings,
} from "./openai-provider.ts";

/**
 * The direct OpenAI provider (`createOpenAI`), as a descriptor. Routing
 * hints: `ft:` fine-tunes (priority 100: no other provider uses the form, so
 * `ft:gpt-4o-mini:org::id` never reaches Ollama's `name:tag` hint) and the
 * `gpt*` / `chatgpt*` / `o1` / `o3` / `o4` families (priority 50).
 */
export const openaiDescriptor: ProviderDescriptorV1<OpenAISettings> = {
  specificationVersion: "v1",
  id: "openai",
  displayName: "OpenAI",
  packageName: "@ratatoskr/provider-openai-compat",
  capabilities: ["chat"],
  environment: { apiKey: "OPENAI_API_KEY" },
  isConfigured: (environment) => Boolean(environment.OPENAI_API_KEY),
  routing: [
    {
      pattern: OPENAI_FINE_TUNE_PATTERN,
      capabilities: ["chat"],
      priority: 100,
      reason: "ft: ids are OpenAI fine-tunes",
    },
    {
      pattern: OPENAI_CHAT_MODEL_PATTERN,
      capabilities: ["chat"],
      priority: 50,
      reason: "gpt-*, chatgpt-*, o1, o3 and o4 ids are OpenAI's model families",
    },
  ],
  localInference: false,
  create: (settings) => createOpenAI(settings),
};
