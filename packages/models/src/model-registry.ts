/**
 * The model registry: model records indexed by id, and the preset table.
 * Immutable: merging or refreshing builds a new registry, so a registry a
 * caller holds never changes under it, and every lookup is a pure function
 * of the registry.
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/registry/mod.rs
 */
import { dataReader } from "./data-reader.ts";
import type { ModelCapability, ModelMetadata, ParameterAvailability } from "./model-metadata.ts";
import type { PresetEntry, PresetTable } from "./preset-table.ts";
import {
  parseRegistryJson,
  type RegistryPayload,
  readRegistryPayload,
} from "./registry-payload.ts";

/** Options of {@link ModelRegistry.fromPayload} and {@link ModelRegistry.fromJSON}. */
export interface RegistryReadOptions {
  /** Names the document in error messages and warnings (default `registry`). */
  origin?: string;
  /**
   * The document is yours to give away (you just parsed it and keep no
   * reference): its objects may be frozen and kept instead of copied, which
   * halves the cost of reading a large one. Default false: the document is
   * left as it is.
   */
  adopt?: boolean;
}

/** What {@link ModelRegistry.list} keeps; every given condition must hold. */
export interface ModelFilter {
  /** Models with this capability (or all of these). */
  capability?: ModelCapability | readonly ModelCapability[];
  /** Models whose record is for this provider (`openrouter`, `huggingface`). */
  provider?: string;
  /** Models that take this request parameter (declared and not `unsupported`). */
  parameter?: string;
}

/** A registry of model records and presets. Build one with {@link ModelRegistry.fromPayload}, or use `shippedRegistry()`. */
export class ModelRegistry {
  /** The format version of the document it was read from. */
  readonly version: number;
  /**
   * Findings that did not stop the load: a duplicate id (the later record
   * wins), a preset naming a model the registry does not hold (it may still
   * be served), an unknown preset parameter (ignored).
   */
  readonly warnings: readonly string[];
  readonly #byId: ReadonlyMap<string, ModelMetadata>;
  /** The records sorted by id, built on the first listing (a load only indexes). */
  #sorted: readonly ModelMetadata[] | undefined;
  readonly #presets: PresetTable;

  private constructor(
    version: number,
    byId: ReadonlyMap<string, ModelMetadata>,
    presets: PresetTable,
    warnings: readonly string[],
  ) {
    this.version = version;
    this.#byId = byId;
    this.#presets = presets;
    this.warnings = Object.freeze([...warnings, ...danglingPresets(byId, presets)]);
  }

  /**
   * A registry from a registry document (parsed JSON: `{version, models,
   * presets}` or a bare array of records). Throws a `data` error naming the
   * first problem, or saying the document's format version is newer than
   * this package reads.
   */
  static fromPayload(value: unknown, options: RegistryReadOptions = {}): ModelRegistry {
    const reader = dataReader(options.origin ?? "registry", "data", {
      owned: options.adopt === true,
    });
    const payload = readRegistryPayload(reader, value);
    return ModelRegistry.#fromRead(payload, reader.warnings);
  }

  /** {@link ModelRegistry.fromPayload} from JSON text; text that is not JSON is a `json` error. */
  static fromJSON(text: string, options: RegistryReadOptions = {}): ModelRegistry {
    const reader = dataReader(options.origin ?? "registry");
    const payload = parseRegistryJson(reader, text);
    return ModelRegistry.#fromRead(payload, reader.warnings);
  }

  static #fromRead(payload: RegistryPayload, warnings: string[]): ModelRegistry {
    const byId = new Map<string, ModelMetadata>();
    for (const model of payload.models) {
      if (byId.has(model.info.id)) {
        warnings.push(`model "${model.info.id}" is listed twice; the later record is used`);
      }
      byId.set(model.info.id, model);
    }
    return new ModelRegistry(payload.version, byId, payload.presets, warnings);
  }

  /** How many models it holds. */
  get size(): number {
    return this.#byId.size;
  }

  /** The record with exactly this id (no normalisation: see `modelMetadata()` for that). */
  get(id: string): ModelMetadata | undefined {
    return this.#byId.get(id);
  }

  /** Whether it holds a record with exactly this id. */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The records that pass `filter` (all without one), sorted by id. */
  list(filter: ModelFilter = {}): ModelMetadata[] {
    const wanted =
      filter.capability === undefined
        ? []
        : typeof filter.capability === "string"
          ? [filter.capability]
          : filter.capability;
    return this.#sortedRecords().filter(
      (model) =>
        wanted.every((capability) => model.info.capabilities.includes(capability)) &&
        (filter.provider === undefined || model.info.provider === filter.provider) &&
        (filter.parameter === undefined || takesParameter(model, filter.parameter)),
    );
  }

  #sortedRecords(): readonly ModelMetadata[] {
    this.#sorted ??= Object.freeze(
      [...this.#byId.values()].sort((a, b) => (a.info.id < b.info.id ? -1 : 1)),
    );
    return this.#sorted;
  }

  /** The preset for `tier` and `capability` in this registry's table, if it has one. */
  preset(tier: string, capability: string): PresetEntry | undefined {
    const tierEntries = Object.hasOwn(this.#presets, tier) ? this.#presets[tier] : undefined;
    return tierEntries !== undefined && Object.hasOwn(tierEntries, capability)
      ? tierEntries[capability]
      : undefined;
  }

  /** The whole preset table (frozen): `tier → capability → entry`. */
  get presets(): PresetTable {
    return this.#presets;
  }

  /**
   * A new registry: this one with `incoming` laid over it, as the Rust
   * registry layers a cached remote copy over its embedded seed. A model in
   * both keeps its record, with `incoming`'s parameters replacing its own
   * one by one, `incoming`'s pricing, output limit and context window where
   * `incoming` has them, and the union of the capabilities. Presets are
   * replaced entry by entry.
   */
  merge(incoming: ModelRegistry): ModelRegistry {
    const byId = new Map(this.#byId);
    for (const model of incoming.#byId.values()) {
      const existing = byId.get(model.info.id);
      byId.set(model.info.id, existing === undefined ? model : mergeRecords(existing, model));
    }
    const presets: Record<string, Record<string, PresetEntry>> = {};
    for (const table of [this.#presets, incoming.#presets]) {
      for (const [tier, entries] of Object.entries(table)) {
        presets[tier] = { ...presets[tier], ...entries };
      }
    }
    for (const tier of Object.keys(presets)) Object.freeze(presets[tier]);
    return new ModelRegistry(
      Math.max(this.version, incoming.version),
      byId,
      Object.freeze(presets),
      [],
    );
  }
}

function takesParameter(model: ModelMetadata, parameter: string): boolean {
  const availability: ParameterAvailability | undefined = Object.hasOwn(model.parameters, parameter)
    ? model.parameters[parameter]
    : undefined;
  return availability !== undefined && availability.availability !== "unsupported";
}

function mergeRecords(base: ModelMetadata, incoming: ModelMetadata): ModelMetadata {
  const capabilities = [...base.info.capabilities];
  for (const capability of incoming.info.capabilities) {
    if (!capabilities.includes(capability)) capabilities.push(capability);
  }
  const contextWindow = incoming.info.context_window ?? base.info.context_window;
  const pricing = incoming.pricing ?? base.pricing;
  const maxOutput = incoming.max_output_tokens ?? base.max_output_tokens;
  return Object.freeze({
    info: Object.freeze({
      ...base.info,
      capabilities: Object.freeze(capabilities),
      context_window: contextWindow,
    }),
    parameters: Object.freeze({ ...base.parameters, ...incoming.parameters }),
    ...(pricing === undefined ? {} : { pricing }),
    ...(maxOutput === undefined ? {} : { max_output_tokens: maxOutput }),
  });
}

function danglingPresets(byId: ReadonlyMap<string, ModelMetadata>, presets: PresetTable): string[] {
  const warnings: string[] = [];
  for (const [tier, entries] of Object.entries(presets)) {
    for (const [capability, entry] of Object.entries(entries)) {
      if (!byId.has(entry.model)) {
        warnings.push(
          `preset ratatoskr:${tier}/${capability} names "${entry.model}", which the registry does not hold`,
        );
      }
    }
  }
  return warnings;
}
