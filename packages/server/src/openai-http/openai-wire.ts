/**
 * Shared pieces of OpenAI's response objects: ids, timestamps, finish
 * reasons and usage.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
import { randomUUID } from "node:crypto";
import type { FinishReason, Usage } from "@ratatoskr/core";

/** OpenAI's `finish_reason` values. */
export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** OpenAI's `usage` object (chat and completions). */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
  prompt_tokens_details?: { cached_tokens: number };
}

/** A fresh response id with OpenAI's prefix (`chatcmpl-…`, `cmpl-…`). */
export function responseId(prefix: "chatcmpl" | "cmpl"): string {
  return `${prefix}-${randomUUID().replaceAll("-", "")}`;
}

/** Now, in Unix seconds (OpenAI's `created`). */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A Ratatoskr finish reason as OpenAI's: `pause` (a provider paused its own
 * server tools) and `other` (anything unmapped) become `stop`, the only
 * neutral value OpenAI has.
 */
export function openAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case "length":
    case "tool_calls":
    case "content_filter":
      return reason;
    default:
      return "stop";
  }
}

/** A Ratatoskr usage as OpenAI's, with reasoning and cached-prompt token details when known. */
export function openAIUsage(usage: Usage): OpenAIUsage {
  const result: OpenAIUsage = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
  };
  if (usage.reasoningTokens !== undefined) {
    result.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  }
  if (usage.cacheReadTokens !== undefined) {
    result.prompt_tokens_details = { cached_tokens: usage.cacheReadTokens };
  }
  return result;
}
