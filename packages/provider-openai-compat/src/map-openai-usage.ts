import type { Usage } from "@ratatoskr/core";

/** The `usage` object of an OpenAI-wire response or final stream chunk. */
export interface OpenAIWireUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/**
 * Map an OpenAI-wire `usage` object to the core's {@link Usage}. Returns
 * undefined when the server reported no token counts: unknown usage stays
 * unknown, never zero.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 * @see https://openrouter.ai/docs/use-cases/usage-accounting
 */
export function mapOpenAIUsage(raw: OpenAIWireUsage | null | undefined): Usage | undefined {
  if (raw === null || raw === undefined || typeof raw !== "object") return undefined;
  const prompt = raw.prompt_tokens;
  const completion = raw.completion_tokens;
  if (typeof prompt !== "number" && typeof completion !== "number") return undefined;
  const promptTokens = typeof prompt === "number" ? prompt : 0;
  const completionTokens = typeof completion === "number" ? completion : 0;
  const usage: Usage = {
    promptTokens,
    completionTokens,
    totalTokens:
      typeof raw.total_tokens === "number" ? raw.total_tokens : promptTokens + completionTokens,
  };
  const reasoning = raw.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === "number") usage.reasoningTokens = reasoning;
  const cached = raw.prompt_tokens_details?.cached_tokens;
  if (typeof cached === "number") usage.cacheReadTokens = cached;
  return usage;
}
