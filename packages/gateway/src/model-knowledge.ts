/**
 * What one gateway knows about models: the registry (the shipped one, or
 * the builder's), the caller's presets, and the metadata
 * `fetchModelMetadata()` learned since. Preset strings resolve here, and
 * `modelMetadata()` reads here: synchronously, without I/O.
 */
import { assertModel, type ModelMetadata, RatatoskrError } from "@ratatoskr/core";
import {
  isPresetUri,
  listPresets,
  ModelRegistry,
  normalizeModel,
  type PresetOptions,
  type PresetResolution,
  type PresetTableInput,
  resolvePreset,
  shippedRegistry,
} from "@ratatoskr/models";

/**
 * What the gateway does with a chat or generation setting the resolved
 * model does not take, or a value outside the model's range, as the
 * registry knows them:
 *
 * - `warn` (default): the setting is left out (an out-of-range value is
 *   clamped to the range) and a warning says so;
 * - `error`: the call fails with `unsupported_parameter` before anything is
 *   sent;
 * - `ignore`: the request goes as the caller wrote it.
 */
export type ParameterValidationPolicy = "warn" | "error" | "ignore";

/** Every {@link ParameterValidationPolicy}. */
export const PARAMETER_VALIDATION_POLICIES: readonly ParameterValidationPolicy[] = [
  "warn",
  "error",
  "ignore",
];

/** The model-knowledge settings of a gateway (through the builder). */
export interface ModelKnowledgeSettings {
  /** The model registry (default: `shippedRegistry()` of `@ratatoskr/models`). */
  registry?: ModelRegistry;
  /**
   * Your own presets, in the registry's `presets` format: they replace the
   * registry's entry for the same tier and capability, and add new ones.
   */
  presets?: PresetTableInput;
  /** What to do with settings the model does not take (default `warn`). */
  parameterValidation?: ParameterValidationPolicy;
}

function configuration(message: string, cause?: unknown): RatatoskrError {
  return new RatatoskrError({
    code: "configuration",
    message,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The registry, presets and learned metadata of one gateway. */
export class ModelKnowledge {
  readonly policy: ParameterValidationPolicy;
  readonly #given: ModelRegistry | undefined;
  readonly #userPresets: PresetTableInput | undefined;
  /** Records `fetchModelMetadata()` brought, by registry id; they win over the registry's. */
  readonly #learned = new Map<string, ModelMetadata>();

  /**
   * Checks the settings now: a registry that is not a `ModelRegistry`, an
   * unknown policy or a malformed preset table is a `configuration` error.
   */
  constructor(settings: ModelKnowledgeSettings) {
    const policy = settings.parameterValidation ?? "warn";
    if (!PARAMETER_VALIDATION_POLICIES.includes(policy)) {
      throw configuration(
        `parameterValidation must be one of ${PARAMETER_VALIDATION_POLICIES.join(", ")}; got ${typeof policy === "string" ? `"${policy.slice(0, 40)}"` : typeof policy}`,
      );
    }
    if (settings.registry !== undefined && !(settings.registry instanceof ModelRegistry)) {
      throw configuration(
        "registry must be a ModelRegistry (ModelRegistry.fromPayload(), shippedRegistry() or loadRegistry() of @ratatoskr/models)",
      );
    }
    this.policy = policy;
    this.#given = settings.registry;
    this.#userPresets = settings.presets;
    if (settings.presets !== undefined) {
      try {
        listPresets(this.#presetOptions());
      } catch (error) {
        throw configuration(
          `presets: ${error instanceof Error ? error.message : String(error)}`,
          error,
        );
      }
    }
  }

  /** The registry in use (the shipped one is read on first use). */
  get registry(): ModelRegistry {
    return this.#given ?? shippedRegistry();
  }

  #presetOptions(): PresetOptions {
    return {
      registry: this.registry,
      ...(this.#userPresets === undefined ? {} : { userPresets: this.#userPresets }),
    };
  }

  /** Resolve a `ratatoskr:<tier>/<capability>` string (`invalid_input` for an unknown one). */
  resolvePreset(uri: string): PresetResolution {
    return resolvePreset(uri, this.#presetOptions());
  }

  /** Every preset: user presets over the registry's. */
  listPresets(): PresetResolution[] {
    return listPresets(this.#presetOptions());
  }

  /** The preset `model` names, or undefined when it is not a preset string. */
  presetOf(model: string): PresetResolution | undefined {
    return isPresetUri(model) ? this.resolvePreset(model) : undefined;
  }

  /** The model a call routes: the preset's model for a preset string, else `model` itself. */
  concreteModel(model: string): string {
    return isPresetUri(model) ? this.resolvePreset(model).model : model;
  }

  /**
   * What is known of `model` (learned metadata first, then the registry),
   * with presets resolved and a `provider:` prefix set aside (any prefix
   * without a `/`, unless the whole string is a registry id:
   * `acme:small-model` is looked up as `small-model`, while
   * `vendor/model:free` stays whole).
   */
  metadata(model: string): ModelMetadata | undefined {
    assertModel(model);
    const normalized = normalizeModel(model, this.#presetOptions());
    if (normalized === undefined) return undefined;
    return this.#learned.get(normalized.id) ?? this.registry.get(normalized.id);
  }

  /** The registry id `model` stands for (see {@link metadata}). */
  registryId(model: string): string | undefined {
    return normalizeModel(model, this.#presetOptions())?.id;
  }

  /**
   * Keep `record` (checked and frozen by a `ModelRegistry` read) for `id`
   * and its own id: later lookups see it.
   */
  learn(id: string, record: ModelMetadata): void {
    this.#learned.set(id, record);
    if (record.info.id !== id) this.#learned.set(record.info.id, record);
  }
}
