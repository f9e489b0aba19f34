/**
 * @ratatoskr/provider-anthropic: direct Anthropic (Claude) chat, streaming
 * chat with extended thinking, tools and server tools, and exact token
 * counting, on `@anthropic-ai/sdk` — a provider of the Ratatoskr provider
 * specification v1, with its descriptor.
 *
 * @packageDocumentation
 */
export { anthropicDescriptor } from "./anthropic-descriptor.ts";
export {
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  ANTHROPIC_FALLBACK_MAX_TOKENS,
  defaultMaxTokens,
} from "./anthropic-max-tokens.ts";
export {
  ANTHROPIC_MODEL_CAPABILITIES,
  MAX_MODEL_PAGES,
} from "./anthropic-model-catalog.ts";
export {
  ANTHROPIC_COUNT_TOKENS_SOURCE,
  type AnthropicChatModel,
  type AnthropicChatTokensRequest,
  type AnthropicProvider,
  type AnthropicProviderSettings,
  createAnthropic,
} from "./anthropic-provider.ts";
export {
  ANTHROPIC_PROVIDER_OPTION_KEYS,
  type AnthropicEffort,
  type AnthropicMcpServer,
  type AnthropicProviderOptions,
  type AnthropicToolParam,
} from "./anthropic-provider-options.ts";
export { ANTHROPIC_EFFORT_BUDGETS, ANTHROPIC_MIN_THINKING_BUDGET } from "./anthropic-thinking.ts";
