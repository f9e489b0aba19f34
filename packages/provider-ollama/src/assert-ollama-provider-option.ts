/**
 * The type check of each `providerOptions.ollama` value a call reads, so a
 * wrong value is the caller's `invalid_input` naming the option, before any
 * request, instead of a 400 from Ollama blamed on the provider.
 */
import { invalidInput } from "@ratatoskr/core";

const THINK_LEVELS: ReadonlySet<unknown> = new Set(["low", "medium", "high", "max"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What `key` must be, or undefined when `value` is fine (or the key is none of the typed ones). */
function problemWith(key: string, value: unknown): string | undefined {
  switch (key) {
    case "options":
      return isPlainObject(value)
        ? undefined
        : "must be an object of Ollama model options (num_ctx, top_k, …)";
    case "keep_alive":
      return typeof value === "string" || (typeof value === "number" && Number.isFinite(value))
        ? undefined
        : 'must be a duration string ("10m") or a number of seconds';
    case "think":
      return typeof value === "boolean" || THINK_LEVELS.has(value)
        ? undefined
        : 'must be true, false, "low", "medium", "high" or "max"';
    case "truncate":
      return typeof value === "boolean" ? undefined : "must be a boolean";
    case "dimensions":
      return Number.isInteger(value) && (value as number) > 0
        ? undefined
        : "must be a positive integer";
    default:
      return undefined;
  }
}

/**
 * Throw `invalid_input` when `value` is not what the Ollama provider option
 * `key` takes (see `OllamaProviderOptions`); other keys pass.
 */
export function assertOllamaProviderOption(key: string, value: unknown): void {
  const problem = problemWith(key, value);
  if (problem === undefined) return;
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = typeof value;
  }
  throw invalidInput(`providerOptions.ollama.${key} ${problem}, got ${shown.slice(0, 80)}`, {
    field: `providerOptions.ollama.${key}`,
  });
}
