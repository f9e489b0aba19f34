/**
 * How chat and generation answers meet the response cache: which calls are
 * deterministic enough to cache, what is stored (no `usage`: a hit spends
 * no tokens, so it reports none) and how the cache's warnings join the
 * answer's.
 */
import type { Usage, Warning } from "@ratatoskr/core";

/** Whether a chat or generation call is deterministic: temperature 0, or a seed set. */
export function isDeterministic(options: { temperature?: number; seed?: number }): boolean {
  return options.temperature === 0 || options.seed !== undefined;
}

/** The answer without its `usage` (what the cache stores of a chat or generation answer). */
export function withoutUsage<T extends { usage?: Usage }>(answer: T): T {
  if (answer.usage === undefined) return answer;
  const { usage: _usage, ...rest } = answer;
  return rest as T;
}

/** The answer with the cache's warnings after its own. */
export function answerWithCacheWarnings<T extends { warnings?: Warning[] }>(
  answer: T,
  warnings: readonly Warning[],
): T {
  return { ...answer, warnings: [...(answer.warnings ?? []), ...warnings] };
}
