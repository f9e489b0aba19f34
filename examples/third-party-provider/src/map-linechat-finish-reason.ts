/**
 * LineChat's `finish` values as core finish reasons.
 */
import type { FinishReason } from "@ratatoskr/core";

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  filtered: "content_filter",
};

/** The core finish reason of a LineChat `finish` value (an unknown one is `other`). */
export function mapLinechatFinishReason(finish: string): FinishReason {
  return FINISH_REASONS[finish] ?? "other";
}
