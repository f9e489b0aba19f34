/**
 * `modelMetadata(model)`: what the registry knows about a model string as a
 * caller writes it, normalised the way the Rust gateway resolves a model
 * before it looks it up: a preset string becomes its model, and a
 * `provider:` prefix is set aside (`openrouter:anthropic/claude-sonnet-4`,
 * `hf:sentence-transformers/all-MiniLM-L6-v2`).
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/gateway/embedded.rs (resolve_model, model_metadata)
 */
import { assertModel } from "@ratatoskr/core";
import type { ModelMetadata } from "./model-metadata.ts";
import { isPresetUri, parsePresetUri } from "./preset-uri.ts";
import { findPreset, type PresetOptions } from "./resolve-preset.ts";
import { shippedRegistry } from "./shipped-registry.ts";

/** Options of {@link modelMetadata}. */
export interface ModelMetadataOptions extends PresetOptions {
  /**
   * Provider names (ids and aliases) whose `name:` prefix is set aside, as
   * the gateway passes its registered providers. Without it, any prefix
   * without a `/` is set aside when the whole string is not an id itself
   * (so `meta-llama/llama-3.3-70b-instruct:free` stays one id).
   */
  providers?: Iterable<string>;
}

/** How a model string was read: the registry id looked up, and the steps taken to get there. */
export interface NormalizedModel {
  /** The id to look up. */
  readonly id: string;
  /** The provider prefix set aside (`openrouter` in `openrouter:anthropic/claude-sonnet-4`). */
  readonly provider?: string;
  /** The preset it came from (`ratatoskr:free/agentic`). */
  readonly preset?: string;
}

/**
 * The registry's record for `model`, or `undefined` when it has none (an
 * unknown model, or a preset string naming no preset). A pure function of
 * its arguments: the same registry and model string give the same frozen
 * record. A `model` that is not a non-empty string of at most 1,024
 * characters is an `invalid_input` error.
 *
 * @example
 * ```ts
 * modelMetadata("openrouter:anthropic/claude-sonnet-4.6")?.info.context_window; // 1000000
 * modelMetadata("ratatoskr:free/embedding")?.info.dimensions; // 384
 * ```
 */
export function modelMetadata(
  model: string,
  options: ModelMetadataOptions = {},
): ModelMetadata | undefined {
  const normalized = normalizeModel(model, options);
  return normalized === undefined
    ? undefined
    : (options.registry ?? shippedRegistry()).get(normalized.id);
}

/**
 * The registry id `model` stands for (see {@link modelMetadata}), or
 * `undefined` for a preset string naming no preset.
 */
export function normalizeModel(
  model: string,
  options: ModelMetadataOptions = {},
): NormalizedModel | undefined {
  assertModel(model);
  if (isPresetUri(model)) {
    try {
      parsePresetUri(model);
    } catch {
      return undefined; // A malformed preset string names no model (the Rust lookup answers None too).
    }
    // Malformed user presets are the caller's mistake: that error goes through.
    const preset = findPreset(model, options);
    if (preset === undefined) return undefined;
    const target = normalizeId(preset.model, options);
    return { ...target, preset: model };
  }
  return normalizeId(model, options);
}

function normalizeId(model: string, options: ModelMetadataOptions): NormalizedModel {
  const registry = options.registry ?? shippedRegistry();
  if (registry.has(model)) return { id: model };
  const colon = model.indexOf(":");
  if (colon <= 0) return { id: model };
  const prefix = model.slice(0, colon);
  const rest = model.slice(colon + 1);
  const named =
    options.providers === undefined
      ? !prefix.includes("/")
      : new Set(options.providers).has(prefix);
  return named && rest !== "" ? { id: rest, provider: prefix } : { id: model };
}
