import type { FinishReason } from "@ratatoskr/core";

/**
 * Map Ollama's `done_reason` to the core's {@link FinishReason}: `stop`
 * (`tool_calls` when the turn made tool calls: Ollama says `stop` then),
 * `length`; anything else (`load`, `unload`, a newer value) is `other` with
 * the raw value kept by the caller. A final object without `done_reason`
 * (older servers) completed normally: `stop`.
 *
 * @see https://docs.ollama.com/api/chat
 */
export function mapOllamaDoneReason(raw: string | undefined, madeToolCalls: boolean): FinishReason {
  switch (raw) {
    case undefined:
    case "":
    case "stop":
      return madeToolCalls ? "tool_calls" : "stop";
    case "length":
      return "length";
    default:
      return "other";
  }
}
