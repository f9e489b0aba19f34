/**
 * Provider options on the OpenAI wire are request body fields, spelt as the
 * server spells them (`{ user: "u-1", service_tier: "flex" }`). They are
 * merged over the fields mapped from the standard settings.
 */
import type { WarningV1 } from "@ratatoskr/core";

/**
 * The provider options of {@link createOpenAICompatible}: body fields of the
 * server's own, sent as given (vLLM's `repetition_penalty`, llama.cpp's
 * `min_p`, `chat_template_kwargs`, …). A plain object merges field by field
 * into a mapped object of the same name; anything else replaces the mapped
 * value. `model`, `messages` and `stream` come from the request and are never
 * replaced (`unknown_provider_option` warning).
 */
export type OpenAICompatibleProviderOptions = Readonly<Record<string, unknown>>;

/** Body fields the request itself sets: a provider option never replaces them. */
const RESERVED_FIELDS: ReadonlySet<string> = new Set(["model", "messages", "stream"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merge `providerOptions` into `body`: with `known`, only those keys (the
 * others are `unknown_provider_option` warnings and are not sent); without,
 * every key. A plain object merges into a plain object of the same name
 * (`reasoning: {enabled: true}` keeps the mapped effort); anything else
 * replaces it.
 */
export function mergeOpenAIProviderOptions(
  body: Record<string, unknown>,
  providerOptions: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string> | undefined,
  warnings: WarningV1[],
): void {
  for (const key in providerOptions) {
    if (!Object.hasOwn(providerOptions, key)) continue;
    const value = providerOptions[key];
    if (value === undefined) continue;
    if (RESERVED_FIELDS.has(key)) {
      warnings.push({
        type: "unknown_provider_option",
        option: key,
        details: `"${key}" is set from the request and cannot be replaced by a provider option`,
      });
      continue;
    }
    if (known !== undefined && !known.has(key)) {
      warnings.push({
        type: "unknown_provider_option",
        option: key,
        details: `not sent; known options: ${[...known].join(", ")}`,
      });
      continue;
    }
    const mapped = body[key];
    body[key] = isPlainObject(mapped) && isPlainObject(value) ? { ...mapped, ...value } : value;
  }
}
