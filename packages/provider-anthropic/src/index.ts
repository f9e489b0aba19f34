/**
 * @ratatoskr/provider-anthropic: direct Anthropic (Claude) chat, streaming
 * chat with extended thinking and tools, and exact token counting, on
 * `@anthropic-ai/sdk`.
 *
 * @packageDocumentation
 */
export { type AnthropicErrorContext, mapAnthropicError } from "./anthropic-error.ts";
export {
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  ANTHROPIC_FALLBACK_MAX_TOKENS,
  defaultMaxTokens,
} from "./anthropic-max-tokens.ts";
export {
  ANTHROPIC_COUNT_TOKENS_SOURCE,
  type AnthropicProvider,
  type AnthropicProviderSettings,
  createAnthropic,
} from "./anthropic-provider.ts";
export {
  type AnthropicRequest,
  type AnthropicRequestBody,
  type AnthropicWarning,
  buildAnthropicRequest,
  toAnthropicTool,
  toAnthropicToolChoice,
} from "./anthropic-request.ts";
export { convertAnthropicMessage } from "./anthropic-response.ts";
export {
  AnthropicStreamMapper,
  type AnthropicStreamMapperOptions,
  type MappedEvents,
} from "./anthropic-stream-mapper.ts";
export {
  ANTHROPIC_EFFORT_BUDGETS,
  ANTHROPIC_MIN_THINKING_BUDGET,
  toAnthropicThinking,
} from "./anthropic-thinking.ts";
export {
  type AnthropicUsageFields,
  convertAnthropicUsage,
  mergeAnthropicUsage,
} from "./anthropic-usage.ts";
export {
  ANTHROPIC_PROVIDER_ID,
  type AnthropicPrompt,
  convertToAnthropicMessages,
  reasoningDetailToBlock,
} from "./convert-to-anthropic-messages.ts";
export { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";
