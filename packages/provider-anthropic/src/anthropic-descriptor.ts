/**
 * What `@ratatoskr/provider-anthropic` declares about itself, readable
 * without creating the provider: the router prefers it for `claude*` model
 * ids, the builder's `.anthropic()` shorthand and `loadConfiguredProviders`
 * create it from here.
 */
import type { ProviderDescriptorV1 } from "@ratatoskr/core";
import { type AnthropicProviderSettings, createAnthropic } from "./anthropic-provider.ts";
import { ANTHROPIC_PROVIDER_ID } from "./convert-to-anthropic-messages.ts";

/**
 * The descriptor of the Anthropic provider: chat and token counting,
 * configured by `ANTHROPIC_API_KEY` (and optionally `ANTHROPIC_BASE_URL`),
 * preferred for `claude*` model ids (priority 100: an id form only Anthropic
 * serves bare; `vendor/model` ids such as `anthropic/claude-…` are not matched).
 * `create` builds the provider; the SDK itself loads on the first call.
 */
export const anthropicDescriptor: ProviderDescriptorV1<AnthropicProviderSettings> = Object.freeze({
  specificationVersion: "v1",
  id: ANTHROPIC_PROVIDER_ID,
  aliases: [],
  displayName: "Anthropic",
  packageName: "@ratatoskr/provider-anthropic",
  capabilities: ["chat", "countTokens"],
  environment: { apiKey: "ANTHROPIC_API_KEY", baseURL: "ANTHROPIC_BASE_URL" },
  isConfigured: (environment: Readonly<Record<string, string | undefined>>) =>
    Boolean(environment.ANTHROPIC_API_KEY),
  routing: [
    {
      pattern: /^claude/,
      priority: 100,
      reason: "claude* model ids are Anthropic's own",
    },
  ],
  localInference: false,
  create: (settings?: AnthropicProviderSettings) => createAnthropic(settings),
} satisfies ProviderDescriptorV1<AnthropicProviderSettings>);
