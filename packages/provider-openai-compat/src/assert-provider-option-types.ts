/**
 * The type check of a provider's `providerOptions` entry: each known key's
 * value is checked for its outer shape, so a wrong value is the caller's
 * `invalid_input` naming the option, before any request, instead of the
 * server's 400 blamed on the provider. Shared by the OpenAI-wire presets
 * (OpenAI, OpenRouter, Ollama); the server validates the contents.
 */
import { invalidInput } from "@ratatoskr/core";

/** How one provider option's value is checked, and what the error says it must be. */
export interface ProviderOptionCheck {
  /** Whether `value` has the option's shape. */
  readonly test: (value: unknown) => boolean;
  /** What the value must be, as the error says it (`must be a string`). */
  readonly expected: string;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The common checks; a preset spreads one and words `expected` for its option. */
export const PROVIDER_OPTION_CHECKS = {
  object: { test: isPlainObject, expected: "must be an object" },
  string: { test: (value) => typeof value === "string", expected: "must be a string" },
  boolean: { test: (value) => typeof value === "boolean", expected: "must be a boolean" },
  finiteNumber: {
    test: (value) => typeof value === "number" && Number.isFinite(value),
    expected: "must be a finite number",
  },
  positiveInteger: {
    test: (value) => Number.isInteger(value) && (value as number) > 0,
    expected: "must be a positive integer",
  },
  stringList: {
    test: (value) => Array.isArray(value) && value.every((item) => typeof item === "string"),
    expected: "must be an array of strings",
  },
  objectList: {
    test: (value) => Array.isArray(value) && value.every(isPlainObject),
    expected: "must be an array of objects",
  },
} as const satisfies Record<string, ProviderOptionCheck>;

/** A short, bounded description of a bad value (never the whole of a long string). */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? "a long string" : `"${value}"`;
  if (value === null || typeof value !== "object") return String(value);
  return "an object";
}

/**
 * Throw `invalid_input` (`providerOptions.<provider>.<key> must be …`) when a
 * value of `options` fails its key's check; keys without a check pass (an
 * unknown key is a warning, reported elsewhere).
 */
export function assertProviderOptionTypes(
  provider: string,
  options: Readonly<Record<string, unknown>>,
  checks: Readonly<Record<string, ProviderOptionCheck>>,
): void {
  for (const key in options) {
    if (!Object.hasOwn(options, key) || !Object.hasOwn(checks, key)) continue;
    const value = options[key];
    if (value === undefined) continue;
    const check = checks[key]!;
    if (!check.test(value)) {
      const field = `providerOptions.${provider}.${key}`;
      throw invalidInput(`${field} ${check.expected}, got ${describeValue(value)}`, { field });
    }
  }
}
