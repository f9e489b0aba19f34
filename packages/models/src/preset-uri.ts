/**
 * Preset model strings: `ratatoskr:<tier>/<capability>`, accepted wherever
 * a model string is (`ratatoskr:free/agentic`, `ratatoskr:premium/coding`).
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/docs/providers.md (Preset URIs)
 */
import { assertModel, invalidInput } from "@ratatoskr/core";

/** The prefix that marks a preset model string. */
export const PRESET_PREFIX = "ratatoskr:";

/** The standard cost tiers, cheapest first. Registries and user presets may add others. */
export type PresetTier = "free" | "budget" | "mid" | "premium";

/** Every standard {@link PresetTier}, cheapest first. */
export const PRESET_TIERS: readonly PresetTier[] = ["free", "budget", "mid", "premium"];

/** The standard preset capabilities. Registries and user presets may add others. */
export type PresetCapability =
  | "agentic"
  | "coding"
  | "embedding"
  | "summariser"
  | "text-generation";

/** Every standard {@link PresetCapability}. */
export const PRESET_CAPABILITIES: readonly PresetCapability[] = [
  "agentic",
  "coding",
  "embedding",
  "summariser",
  "text-generation",
];

/** A preset model string, split. */
export interface PresetUri {
  /** The string as given (`ratatoskr:free/agentic`). */
  readonly uri: string;
  /** The tier (`free`, `budget`, …). */
  readonly tier: string;
  /** The capability (`agentic`, `coding`, …). */
  readonly capability: string;
}

/** Whether `model` is a preset model string (starts with `ratatoskr:`). */
export function isPresetUri(model: unknown): model is string {
  return typeof model === "string" && model.startsWith(PRESET_PREFIX);
}

/**
 * Split `ratatoskr:<tier>/<capability>`. Anything else (no prefix, a
 * missing or empty part, a second `/`, a provider prefix inside) is an
 * `invalid_input` error saying what the form is.
 */
export function parsePresetUri(uri: unknown, field = "model"): PresetUri {
  assertModel(uri, field);
  const malformed = (why: string) =>
    invalidInput(
      `${field} ${JSON.stringify(uri.length > 80 ? `${uri.slice(0, 80)}…` : uri)} is not a preset: ${why}; the form is "ratatoskr:<tier>/<capability>", e.g. "ratatoskr:free/agentic"`,
      { field },
    );
  if (!uri.startsWith(PRESET_PREFIX)) throw malformed(`it does not start with "${PRESET_PREFIX}"`);
  const parts = uri.slice(PRESET_PREFIX.length).split("/");
  if (parts.length !== 2) {
    throw malformed(
      parts.length < 2 ? "it has no /<capability>" : "it has more than one / (tier/capability)",
    );
  }
  const [tier = "", capability = ""] = parts;
  if (tier.trim() === "") throw malformed("the tier is empty");
  if (capability.trim() === "") throw malformed("the capability is empty");
  if (tier.includes(":")) throw malformed("presets cannot carry a provider prefix");
  return { uri, tier, capability };
}
