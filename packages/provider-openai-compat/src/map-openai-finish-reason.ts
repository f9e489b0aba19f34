import type { FinishReason } from "@ratatoskr/core";

/**
 * Map an OpenAI-wire `finish_reason` to the core's {@link FinishReason}.
 * Unknown values map to `other` (callers keep the raw string).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function mapOpenAIFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case "stop":
    case "end_turn":
    case "eos":
      return "stop";
    case "length":
    case "max_tokens":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}
