/**
 * Default `max_tokens` per model. The Messages API requires `max_tokens`;
 * when `ChatOptions.maxTokens` is unset the provider sends the model's
 * maximum output, so nothing is cut short by a hidden small default.
 *
 * @see https://platform.claude.com/docs/en/about-claude/models/overview
 */

/** Model-name prefix → default `max_tokens`, first match wins. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS: ReadonlyArray<
  readonly [prefix: string, maxTokens: number]
> = [
  ["claude-3-haiku", 4096],
  ["claude-3-opus", 4096],
  ["claude-3-sonnet", 4096],
  ["claude-3-5-", 8192],
  ["claude-3-7-", 64_000],
  ["claude-opus-4-0", 32_000],
  ["claude-opus-4-1", 32_000],
  ["claude-opus-4-2025", 32_000],
];

/** Default for every other Claude model (Sonnet 4 and later, Haiku 4.5, Opus 4.5 and later). */
export const ANTHROPIC_FALLBACK_MAX_TOKENS = 64_000;

/** The default `max_tokens` for `model`: see {@link ANTHROPIC_DEFAULT_MAX_TOKENS}. */
export function defaultMaxTokens(model: string): number {
  for (const [prefix, maxTokens] of ANTHROPIC_DEFAULT_MAX_TOKENS) {
    if (model.startsWith(prefix)) return maxTokens;
  }
  return ANTHROPIC_FALLBACK_MAX_TOKENS;
}
