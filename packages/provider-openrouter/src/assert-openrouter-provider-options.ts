/**
 * The type check of each `providerOptions.openrouter` value, so a wrong
 * value is the caller's `invalid_input` naming the option, before any
 * request, instead of OpenRouter's 400 blamed on the provider. Only the
 * outer shape is checked; OpenRouter validates the contents.
 */
import { invalidInput } from "@ratatoskr/core";
import type { OpenRouterProviderOptions } from "./openrouter-provider.ts";

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isObject = (value: unknown) => isPlainObject(value);
const isString = (value: unknown) => typeof value === "string";
const isNumber = (value: unknown) => typeof value === "number" && Number.isFinite(value);
const isStringList = (value: unknown) => Array.isArray(value) && value.every(isString);
const isObjectList = (value: unknown) => Array.isArray(value) && value.every(isPlainObject);

/** Each typed key: its check, and what it must be. */
const CHECKS: Readonly<
  Record<keyof OpenRouterProviderOptions, readonly [(value: unknown) => boolean, string]>
> = {
  provider: [isObject, "must be a provider routing object ({order, only, sort, …})"],
  transforms: [isStringList, 'must be an array of transform names (["middle-out"])'],
  models: [isStringList, "must be an array of model ids"],
  route: [isString, 'must be a string ("fallback")'],
  reasoning: [isObject, "must be a reasoning object ({effort, max_tokens, exclude})"],
  usage: [isObject, "must be an object ({include: true})"],
  plugins: [isObjectList, 'must be an array of plugin objects ([{id: "web"}])'],
  user: [isString, "must be a string"],
  repetition_penalty: [isNumber, "must be a finite number"],
  min_p: [isNumber, "must be a finite number"],
  top_a: [isNumber, "must be a finite number"],
  logit_bias: [isObject, "must be an object of token id → bias"],
  verbosity: [isString, 'must be a string ("low", "medium", "high")'],
  prediction: [isObject, 'must be a prediction object ({type: "content", content})'],
};

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? "a long string" : `"${value}"`;
  if (value === null || typeof value !== "object") return String(value);
  return "an object";
}

/**
 * Throw `invalid_input` when a value of `options` is not what its
 * OpenRouter provider option takes (see `OpenRouterProviderOptions`); keys
 * OpenRouter does not know pass (they are warnings elsewhere).
 */
export function assertOpenRouterProviderOptions(options: Readonly<Record<string, unknown>>): void {
  for (const key in options) {
    if (!Object.hasOwn(CHECKS, key)) continue;
    const value = options[key];
    if (value === undefined) continue;
    const [check, expected] = CHECKS[key as keyof OpenRouterProviderOptions];
    if (!check(value)) {
      throw invalidInput(
        `providerOptions.openrouter.${key} ${expected}, got ${describeValue(value)}`,
        {
          field: `providerOptions.openrouter.${key}`,
        },
      );
    }
  }
}
