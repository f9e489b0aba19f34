/**
 * The descriptor of `@ratatoskr/tokenizers` (provider specification v1):
 * what the router, the builder's `.tokenizers()` / `.tokenizerMapping()`
 * shorthands and `loadConfiguredProviders` know about it before it is
 * created.
 */
import type { ProviderDescriptorV1 } from "@ratatoskr/core";
import { createTokenizers, type TokenizersSettings } from "./tokenizers-provider.ts";

/**
 * The tokenizers provider: exact local token counts (`countTokens`) for
 * the mapped model families. It needs no key, so the environment always
 * configures it. It declares no routing hint: among the providers that
 * count tokens for a model it is chosen by registration order (Anthropic's
 * `claude-*` hint, an exact count, outranks its approximate Claude count).
 * Creating it loads no tokenizer; each one loads on its first count.
 */
export const tokenizersDescriptor: ProviderDescriptorV1<TokenizersSettings> = {
  specificationVersion: "v1",
  id: "tokenizers",
  aliases: [],
  displayName: "Tokenizers",
  packageName: "@ratatoskr/tokenizers",
  capabilities: ["countTokens"],
  environment: { cacheDir: "RATATOSKR_CACHE_DIR", hubURL: "HF_ENDPOINT", hubToken: "HF_TOKEN" },
  isConfigured: () => true,
  routing: [],
  localInference: true,
  create: (settings) => createTokenizers(settings),
};
