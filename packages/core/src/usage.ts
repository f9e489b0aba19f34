/**
 * Token usage. A missing `Usage` means the provider did not report it:
 * unknown is never reported as zero.
 */

/** Tokens used by one request, as the provider reported them. */
export interface Usage {
  /** Input tokens (cache reads and writes included). */
  promptTokens: number;
  /** Output tokens (reasoning included). */
  completionTokens: number;
  /** Prompt plus completion tokens, unless the provider reported its own total. */
  totalTokens: number;
  /** Reasoning tokens, when the provider reports them separately (included in completionTokens). */
  reasoningTokens?: number;
  /** Prompt tokens read from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Prompt tokens written to the provider's prompt cache. */
  cacheWriteTokens?: number;
  /**
   * Billed requests of tools the provider ran itself, by tool (e.g.
   * `{web_search: 2}`); only tools used at least once are listed.
   */
  serverToolRequests?: Record<string, number>;
  /** What the request cost, when known (see {@link UsageCost}). */
  cost?: UsageCost;
}

/**
 * The price of one request in US dollars. `provider`: the provider reported
 * it (OpenRouter's `usage.cost`); `registry`: computed from the model
 * registry's prices per million tokens, which may lag the provider's.
 */
export interface UsageCost {
  /** The price, in US dollars. */
  readonly usd: number;
  /** Where the price came from: the provider's report, or the model registry's prices. */
  readonly source: "provider" | "registry";
}

/** Build a {@link Usage}, computing `totalTokens` when it is not given. */
export function createUsage(
  promptTokens: number,
  completionTokens: number,
  extra: Partial<Omit<Usage, "promptTokens" | "completionTokens">> = {},
): Usage {
  const usage: Usage = {
    promptTokens,
    completionTokens,
    totalTokens: extra.totalTokens ?? promptTokens + completionTokens,
  };
  if (extra.reasoningTokens !== undefined) usage.reasoningTokens = extra.reasoningTokens;
  if (extra.cacheReadTokens !== undefined) usage.cacheReadTokens = extra.cacheReadTokens;
  if (extra.cacheWriteTokens !== undefined) usage.cacheWriteTokens = extra.cacheWriteTokens;
  if (extra.cost !== undefined) usage.cost = { ...extra.cost };
  if (extra.serverToolRequests !== undefined) {
    usage.serverToolRequests = { ...extra.serverToolRequests };
  }
  return usage;
}
