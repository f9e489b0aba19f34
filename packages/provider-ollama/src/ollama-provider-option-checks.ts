/**
 * `OLLAMA_PROVIDER_OPTION_CHECKS`: the shape each `providerOptions.ollama`
 * value must have, checked with provider-openai-compat's
 * `assertProviderOptionTypes` before any request (a wrong value is the
 * caller's `invalid_input`, not Ollama's 400 blamed on the provider).
 */
import {
  PROVIDER_OPTION_CHECKS,
  type ProviderOptionCheck,
} from "@ratatoskr/provider-openai-compat/internal";
import type { OllamaProviderOptions } from "./ollama-chat-request.ts";

const THINK_LEVELS: ReadonlySet<unknown> = new Set(["low", "medium", "high", "max"]);

/** The shape each of {@link OllamaProviderOptions} must have. */
export const OLLAMA_PROVIDER_OPTION_CHECKS: Readonly<
  Record<keyof OllamaProviderOptions, ProviderOptionCheck>
> = {
  keep_alive: {
    test: (value) =>
      typeof value === "string" || (typeof value === "number" && Number.isFinite(value)),
    expected: 'must be a duration string ("10m") or a number of seconds',
  },
  options: {
    ...PROVIDER_OPTION_CHECKS.object,
    expected: "must be an object of Ollama model options (num_ctx, top_k, …)",
  },
  think: {
    test: (value) => typeof value === "boolean" || THINK_LEVELS.has(value),
    expected: 'must be true, false, "low", "medium", "high" or "max"',
  },
  truncate: PROVIDER_OPTION_CHECKS.boolean,
  dimensions: PROVIDER_OPTION_CHECKS.positiveInteger,
};
