/**
 * Anthropic `stop_reason` → Ratatoskr {@link FinishReason}.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
 */
import type { FinishReason } from "@ratatoskr/core";

/**
 * `end_turn` and `stop_sequence` → `stop`; `max_tokens` and
 * `model_context_window_exceeded` → `length`; `tool_use` → `tool_calls`;
 * `refusal` → `content_filter`; `pause_turn` → `pause`; anything else → `other`
 * (the raw value is kept as `rawFinishReason`).
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    case "pause_turn":
      return "pause";
    default:
      return "other";
  }
}

/**
 * The finish reason of a message (or stream): `tool_use` caused only by the structured
 * output tool (`answered`, no other tool calls) is an answer, so `stop`.
 */
export function structuredFinishReason(
  stopReason: string | null | undefined,
  answered: boolean,
  toolCalls: number,
): FinishReason {
  return answered && toolCalls === 0 && stopReason === "tool_use"
    ? "stop"
    : mapAnthropicStopReason(stopReason);
}
