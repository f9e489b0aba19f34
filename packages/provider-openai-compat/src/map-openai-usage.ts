import type { Usage } from "@ratatoskr/core";

/** The `usage` object of an OpenAI-wire response or final stream chunk. */
export interface OpenAIWireUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** What the request cost in US dollars (OpenRouter's usage accounting). */
  cost?: number | null;
}

/**
 * Map an OpenAI-wire `usage` object to the core's {@link Usage}. Returns
 * undefined when the counts are unknown: unknown usage stays unknown, never
 * zero. When one of prompt/completion is missing it is derived from
 * `total_tokens` if the server sent that; otherwise the usage is unknown
 * (reporting the missing side as 0 would be a false count).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 * @see https://openrouter.ai/docs/use-cases/usage-accounting
 */
export function mapOpenAIUsage(raw: OpenAIWireUsage | null | undefined): Usage | undefined {
  if (raw === null || raw === undefined || typeof raw !== "object") return undefined;
  const total = count(raw.total_tokens);
  let promptTokens = count(raw.prompt_tokens);
  let completionTokens = count(raw.completion_tokens);
  if (promptTokens === undefined && completionTokens !== undefined && total !== undefined) {
    promptTokens = total >= completionTokens ? total - completionTokens : undefined;
  }
  if (completionTokens === undefined && promptTokens !== undefined && total !== undefined) {
    completionTokens = total >= promptTokens ? total - promptTokens : undefined;
  }
  if (promptTokens === undefined || completionTokens === undefined) return undefined;
  const usage: Usage = {
    promptTokens,
    completionTokens,
    totalTokens: total ?? promptTokens + completionTokens,
  };
  const reasoning = count(raw.completion_tokens_details?.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  const cached = count(raw.prompt_tokens_details?.cached_tokens);
  if (cached !== undefined) usage.cacheReadTokens = cached;
  const cost = count(raw.cost);
  if (cost !== undefined) usage.cost = { usd: cost, source: "provider" };
  return usage;
}

/** A count (tokens, dollars) the server really sent: a finite non-negative number. */
function count(value: number | null | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
