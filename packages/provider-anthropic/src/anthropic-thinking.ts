/**
 * `ChatOptions.reasoning` → Anthropic extended thinking.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 */
import type Anthropic from "@anthropic-ai/sdk";
import { invalidInput, type ReasoningConfig, type ReasoningEffort } from "@ratatoskr/core";

/** The smallest `budget_tokens` the API accepts. */
export const ANTHROPIC_MIN_THINKING_BUDGET = 1024;

/**
 * Thinking budget used for each `reasoning.effort` when no
 * `reasoning.maxTokens` is given. Clamped below `max_tokens`.
 */
export const ANTHROPIC_EFFORT_BUDGETS: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 1024,
  low: 4096,
  medium: 16_384,
  high: 32_768,
};

/**
 * The `thinking` parameter for `reasoning` and `maxTokens`, or undefined when
 * reasoning is not asked for. `maxTokens` wins over `effort`; `exclude` asks
 * the API to omit the thinking text (the signature still comes back, so the
 * turn can be continued). Throws `invalid_input` for a budget the API would
 * reject (below 1,024 or not below `max_tokens`).
 */
export function toAnthropicThinking(
  reasoning: ReasoningConfig | undefined,
  maxTokens: number,
): Anthropic.ThinkingConfigEnabled | undefined {
  if (reasoning === undefined) return undefined;
  let budget: number;
  if (reasoning.maxTokens !== undefined) {
    budget = reasoning.maxTokens;
    if (!Number.isInteger(budget) || budget < ANTHROPIC_MIN_THINKING_BUDGET) {
      throw invalidInput(
        `reasoning.maxTokens must be an integer of at least ${ANTHROPIC_MIN_THINKING_BUDGET} for Anthropic, got ${budget}`,
      );
    }
    if (budget >= maxTokens) {
      throw invalidInput(
        `reasoning.maxTokens (${budget}) must be less than maxTokens (${maxTokens}) for Anthropic`,
      );
    }
  } else {
    // Reasoning asked for without a size: the "medium" budget.
    budget = Math.min(ANTHROPIC_EFFORT_BUDGETS[reasoning.effort ?? "medium"], maxTokens - 1);
    if (budget < ANTHROPIC_MIN_THINKING_BUDGET) {
      throw invalidInput(
        `maxTokens (${maxTokens}) leaves no room for a thinking budget of at least ${ANTHROPIC_MIN_THINKING_BUDGET}`,
      );
    }
  }
  return reasoning.exclude === true
    ? { type: "enabled", budget_tokens: budget, display: "omitted" }
    : { type: "enabled", budget_tokens: budget };
}
