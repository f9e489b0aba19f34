/**
 * Warnings for a provider's own `providerOptions` entry: every key the
 * provider does not read is an `unknown_provider_option` warning, never
 * silence (provider specification v1). One home for the check, so every
 * provider words it the same way.
 */
import type { WarningV1 } from "@ratatoskr/core";

/** Lower case without `_` and `-`: `repetition_penalty` and `repetitionPenalty` compare equal. */
function spelling(option: string): string {
  return option.replace(/[_-]/g, "").toLowerCase();
}

/**
 * An `unknown_provider_option` warning for each key of `options` (the
 * provider's own entry) that is not in `known`, in key order. Keys whose
 * value is `undefined` count as absent. `details(option)` may explain an
 * unknown key (e.g. "only generate reads it"); otherwise a key that differs
 * from a known one only in case, `_` or `-` names the one that was meant.
 *
 * @example
 * ```ts
 * unknownProviderOptionWarnings({ repetition_penalty: 1.2 }, ["repetitionPenalty"]);
 * // [{ type: "unknown_provider_option", option: "repetition_penalty", details: 'did you mean "repetitionPenalty"?' }]
 * ```
 */
export function unknownProviderOptionWarnings(
  options: Readonly<Record<string, unknown>>,
  known: readonly string[],
  details?: (option: string) => string | undefined,
): WarningV1[] {
  const warnings: WarningV1[] = [];
  for (const option of Object.keys(options)) {
    if (known.includes(option) || options[option] === undefined) continue;
    const meant = known.find((candidate) => spelling(candidate) === spelling(option));
    const explanation =
      details?.(option) ?? (meant === undefined ? undefined : `did you mean "${meant}"?`);
    warnings.push({
      type: "unknown_provider_option",
      option,
      ...(explanation === undefined ? {} : { details: explanation }),
    });
  }
  return warnings;
}
