/**
 * Anthropic `usage` → Ratatoskr {@link Usage}.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching#tracking-cache-performance
 */
import { createUsage, type Usage } from "@ratatoskr/core";

/** The usage fields read from `message_start`, `message_delta` and non-streaming responses. */
export interface AnthropicUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** Billed server tool requests (`web_search_requests`, `web_fetch_requests`, …). */
  server_tool_use?: object | null;
}

/**
 * Merge a later usage report into an earlier one: `message_delta` counts are
 * cumulative, and fields it leaves out (null/absent) keep their earlier value.
 */
export function mergeAnthropicUsage(
  earlier: AnthropicUsageFields | undefined,
  later: AnthropicUsageFields | undefined | null,
): AnthropicUsageFields | undefined {
  if (later === undefined || later === null) return earlier;
  if (earlier === undefined) return { ...later };
  const merged: AnthropicUsageFields = { ...earlier };
  for (const key of Object.keys(later) as Array<keyof AnthropicUsageFields>) {
    const value = later[key];
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/**
 * Convert Anthropic usage. `promptTokens` is every input token, cached or not
 * (`input_tokens + cache_creation_input_tokens + cache_read_input_tokens`), as
 * other providers report it; the cache parts are also given as
 * `cacheWriteTokens` / `cacheReadTokens`. Thinking tokens, when reported, are
 * `reasoningTokens` (included in `completionTokens`). `server_tool_use`
 * counts become `serverToolRequests` by tool (`web_search_requests: 2` →
 * `{web_search: 2}`; tools not used are left out). Returns undefined when
 * the input or output count is unknown: unknown is never zero.
 *
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool#usage-and-pricing
 */
export function convertAnthropicUsage(usage: AnthropicUsageFields | undefined): Usage | undefined {
  if (usage === undefined) return undefined;
  const input = usage.input_tokens;
  const output = usage.output_tokens;
  if (typeof input !== "number" || typeof output !== "number") return undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const thinking = usage.output_tokens_details?.thinking_tokens ?? undefined;
  const serverTools = serverToolRequests(usage.server_tool_use);
  return createUsage(input + (cacheWrite ?? 0) + (cacheRead ?? 0), output, {
    ...(cacheRead === undefined ? {} : { cacheReadTokens: cacheRead }),
    ...(cacheWrite === undefined ? {} : { cacheWriteTokens: cacheWrite }),
    ...(thinking === undefined ? {} : { reasoningTokens: thinking }),
    ...(serverTools === undefined ? {} : { serverToolRequests: serverTools }),
  });
}

function serverToolRequests(
  counts: AnthropicUsageFields["server_tool_use"],
): Record<string, number> | undefined {
  if (counts === null || typeof counts !== "object") return undefined;
  const requests: Record<string, number> = {};
  for (const [key, value] of Object.entries(counts)) {
    if (key.endsWith("_requests") && typeof value === "number" && value > 0) {
      requests[key.slice(0, -"_requests".length)] = value;
    }
  }
  return Object.keys(requests).length > 0 ? requests : undefined;
}
