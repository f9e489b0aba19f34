/**
 * Preset resolution: `ratatoskr:<tier>/<capability>` → a concrete model and
 * its default parameters, from the registry's preset table with the
 * caller's own presets laid over it.
 */
import { invalidInput } from "@ratatoskr/core";
import { dataReader } from "./data-reader.ts";
import type { ModelRegistry } from "./model-registry.ts";
import {
  type PresetEntry,
  type PresetParameters,
  type PresetTable,
  type PresetTableInput,
  readPresetTable,
} from "./preset-table.ts";
import { PRESET_CAPABILITIES, PRESET_PREFIX, PRESET_TIERS, parsePresetUri } from "./preset-uri.ts";
import { shippedRegistry } from "./shipped-registry.ts";

/** Where presets come from. */
export interface PresetOptions {
  /** The registry whose preset table is used (default: `shippedRegistry()`). */
  registry?: ModelRegistry;
  /**
   * Presets from configuration, in the registry's `presets` format
   * (`{ "premium": { "coding": "anthropic/claude-opus-4.6" } }`, or an entry
   * `{ "model": …, "parameters": { "temperature": 0.2 } }`). An entry here
   * replaces the registry's for the same tier and capability; new tiers and
   * capabilities are added. Checked on every call: a mistake (an unknown
   * parameter name included) is an `invalid_input` error naming it.
   */
  userPresets?: PresetTableInput;
}

/** A resolved preset. */
export interface PresetResolution {
  /** The preset string (`ratatoskr:budget/coding`). */
  readonly uri: string;
  /** The tier (`free`, `budget`, …). */
  readonly tier: string;
  /** The capability (`agentic`, `coding`, …). */
  readonly capability: string;
  /** The concrete model it stands for. */
  readonly model: string;
  /** Default request parameters (the caller's own settings win over them). */
  readonly parameters?: PresetParameters;
  /** Whose entry it is. */
  readonly source: "user" | "registry";
}

/**
 * Resolve a preset string to its model and default parameters. Throws
 * `invalid_input` for a malformed string, an unknown tier or capability
 * (naming the known ones), or a tier without that capability.
 *
 * @example
 * ```ts
 * const preset = resolvePreset("ratatoskr:budget/coding");
 * // { model: "xiaomi/mimo-v2-flash", parameters: { temperature: 0.3, top_p: 0.95 }, … }
 * ```
 */
export function resolvePreset(uri: string, options: PresetOptions = {}): PresetResolution {
  const { tier, capability } = parsePresetUri(uri);
  const layers = presetLayers(options);
  for (const [source, table] of layers) {
    const entry = lookup(table, tier, capability);
    if (entry !== undefined) return resolution(uri, tier, capability, entry, source);
  }
  throw unknownPreset(uri, tier, capability, layers);
}

/** Like {@link resolvePreset}, but `undefined` where that throws because no such preset exists (a malformed string still throws). */
export function findPreset(uri: string, options: PresetOptions = {}): PresetResolution | undefined {
  const { tier, capability } = parsePresetUri(uri);
  for (const [source, table] of presetLayers(options)) {
    const entry = lookup(table, tier, capability);
    if (entry !== undefined) return resolution(uri, tier, capability, entry, source);
  }
  return undefined;
}

/**
 * Every preset, user presets over the registry's: standard tiers first
 * (free → premium), then others by name; capabilities likewise.
 */
export function listPresets(options: PresetOptions = {}): PresetResolution[] {
  const layers = presetLayers(options);
  const tiers = orderNames(
    layers.flatMap(([, table]) => Object.keys(table)),
    PRESET_TIERS,
  );
  const listed: PresetResolution[] = [];
  for (const tier of tiers) {
    const capabilities = orderNames(
      layers.flatMap(([, table]) => Object.keys(entriesOf(table, tier))),
      PRESET_CAPABILITIES,
    );
    for (const capability of capabilities) {
      const uri = `${PRESET_PREFIX}${tier}/${capability}`;
      for (const [source, table] of layers) {
        const entry = lookup(table, tier, capability);
        if (entry === undefined) continue;
        listed.push(resolution(uri, tier, capability, entry, source));
        break;
      }
    }
  }
  return listed;
}

type Layer = readonly [PresetResolution["source"], PresetTable];

/** The tables to search, first match wins: user presets, then the registry's. */
function presetLayers(options: PresetOptions): Layer[] {
  const registry = options.registry ?? shippedRegistry();
  const layers: Layer[] = [];
  if (options.userPresets !== undefined) {
    const reader = dataReader("userPresets", "invalid_input");
    layers.push([
      "user",
      readPresetTable(reader, options.userPresets, "userPresets", { strict: true }),
    ]);
  }
  layers.push(["registry", registry.presets]);
  return layers;
}

function lookup(table: PresetTable, tier: string, capability: string): PresetEntry | undefined {
  const entries = entriesOf(table, tier);
  return Object.hasOwn(entries, capability) ? entries[capability] : undefined;
}

function entriesOf(table: PresetTable, tier: string): Readonly<Record<string, PresetEntry>> {
  return (Object.hasOwn(table, tier) ? table[tier] : undefined) ?? {};
}

function resolution(
  uri: string,
  tier: string,
  capability: string,
  entry: PresetEntry,
  source: PresetResolution["source"],
): PresetResolution {
  return Object.freeze({
    uri,
    tier,
    capability,
    model: entry.model,
    ...(entry.parameters === undefined ? {} : { parameters: entry.parameters }),
    source,
  });
}

function unknownPreset(uri: string, tier: string, capability: string, layers: Layer[]) {
  const tiers = orderNames(
    layers.flatMap(([, table]) => Object.keys(table)),
    PRESET_TIERS,
  );
  const capabilities = orderNames(
    layers.flatMap(([, table]) => Object.values(table).flatMap((entries) => Object.keys(entries))),
    PRESET_CAPABILITIES,
  );
  const details = { field: "model", tier, capability, tiers, capabilities };
  const quoted = (names: string[]) => (names.length === 0 ? "none" : names.join(", "));
  if (!tiers.includes(tier)) {
    return invalidInput(
      `${uri}: unknown preset tier "${tier}" (known tiers: ${quoted(tiers)})`,
      details,
    );
  }
  if (!capabilities.includes(capability)) {
    return invalidInput(
      `${uri}: unknown preset capability "${capability}" (known capabilities: ${quoted(capabilities)})`,
      details,
    );
  }
  const offered = orderNames(
    layers.flatMap(([, table]) => Object.keys(entriesOf(table, tier))),
    PRESET_CAPABILITIES,
  );
  return invalidInput(
    `${uri}: tier "${tier}" has no "${capability}" preset (it has: ${quoted(offered)})`,
    details,
  );
}

/** `names` without duplicates: those in `standard` first in its order, then the rest sorted. */
function orderNames(names: readonly string[], standard: readonly string[]): string[] {
  const unique = new Set(names);
  return [
    ...standard.filter((name) => unique.has(name)),
    ...[...unique].filter((name) => !standard.includes(name)).sort(),
  ];
}
