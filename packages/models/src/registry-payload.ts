/**
 * The registry document: `{ "version": 1, "models": [ … ], "presets": { … } }`,
 * the Rust Ratatoskr's `seed.json` / remote registry format version 1. A
 * bare array of model records (the format before `version`) is read too,
 * as the Rust reader does. Reading validates everything and builds fresh,
 * frozen records holding only the format's fields.
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/registry/remote.rs
 */
import { RatatoskrError } from "@ratatoskr/core";
import {
  type DataReader,
  dataError,
  describeValue,
  isRecord,
  pathKey,
  readChoice,
  readCount,
  readJsonData,
  readNumber,
  readRecord,
  readText,
} from "./data-reader.ts";
import {
  MODEL_CAPABILITIES,
  type ModelCapability,
  type ModelMetadata,
  type ParameterAvailability,
  type ParameterRange,
  type PricingInfo,
} from "./model-metadata.ts";
import { type PresetTable, readPresetTable } from "./preset-table.ts";

/** The newest registry format version this package reads. */
export const REGISTRY_FORMAT_VERSION = 1;

/** A registry document, read and frozen. */
export interface RegistryPayload {
  /** The format version (1). */
  readonly version: number;
  /** Every model record. */
  readonly models: readonly ModelMetadata[];
  /** The presets, `tier → capability → entry`. */
  readonly presets: PresetTable;
}

const AVAILABILITIES = ["mutable", "read_only", "opaque", "unsupported"] as const;

/**
 * Read a registry document (already parsed JSON). Throws a `data` error
 * naming the first problem (`registry: models[3].info.context_window must be
 * a non-negative integer, got "big"`), or, for a document newer than
 * {@link REGISTRY_FORMAT_VERSION}, one saying so. Non-fatal findings (a
 * duplicate id: the later record wins, as in the Rust registry) go to
 * `reader.warnings`.
 */
export function readRegistryPayload(reader: DataReader, value: unknown): RegistryPayload {
  if (Array.isArray(value)) {
    return Object.freeze({
      version: REGISTRY_FORMAT_VERSION,
      models: readModels(reader, value, ""),
      presets: Object.freeze({}),
    });
  }
  const document = readRecord(reader, value, "");
  const version = readCount(reader, document.version, "version");
  if (version > REGISTRY_FORMAT_VERSION) {
    throw new RatatoskrError({
      code: reader.code,
      message:
        `${reader.origin}: format version ${version} is newer than this package reads ` +
        `(${REGISTRY_FORMAT_VERSION}); update @ratatoskr/models`,
      details: {
        field: "version",
        origin: reader.origin,
        version,
        supported: REGISTRY_FORMAT_VERSION,
      },
    });
  }
  if (!Array.isArray(document.models)) {
    throw dataError(reader, "models", `must be an array, got ${describeValue(document.models)}`);
  }
  const models = readModels(reader, document.models, "models");
  const presets =
    document.presets === undefined || document.presets === null
      ? Object.freeze({})
      : readPresetTable(reader, document.presets, "presets", { strict: false });
  return Object.freeze({ version, models, presets });
}

/**
 * Parse and read a registry document from JSON text; text that is not JSON
 * is a `json` error.
 */
export function parseRegistryJson(reader: DataReader, text: string): RegistryPayload {
  // The parsed document is this function's alone.
  const owned: DataReader = reader.owned ? reader : { ...reader, owned: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RatatoskrError({
      code: "json",
      message: `${reader.origin}: not valid JSON (${(error as Error).message})`,
      details: { origin: reader.origin },
    });
  }
  return readRegistryPayload(owned, value);
}

function readModels(
  reader: DataReader,
  values: readonly unknown[],
  path: string,
): readonly ModelMetadata[] {
  const models: ModelMetadata[] = [];
  for (let index = 0; index < values.length; index++) {
    models.push(readModel(reader, values[index], `${path}[${index}]`));
  }
  return Object.freeze(models);
}

function readModel(reader: DataReader, value: unknown, path: string): ModelMetadata {
  const record = readRecord(reader, value, path);
  const info = readRecord(reader, record.info, `${path}.info`);
  const capabilitiesPath = `${path}.info.capabilities`;
  if (!Array.isArray(info.capabilities)) {
    throw dataError(
      reader,
      capabilitiesPath,
      `must be an array, got ${describeValue(info.capabilities)}`,
    );
  }
  const capabilities: ModelCapability[] = [];
  for (let index = 0; index < info.capabilities.length; index++) {
    const capability: unknown = info.capabilities[index];
    const read = (MODEL_CAPABILITIES as readonly unknown[]).includes(capability)
      ? (capability as ModelCapability)
      : readChoice(reader, capability, `${capabilitiesPath}[${index}]`, MODEL_CAPABILITIES);
    if (!capabilities.includes(read)) capabilities.push(read);
  }
  const metadata: {
    info: ModelMetadata["info"];
    parameters: ModelMetadata["parameters"];
    pricing?: PricingInfo;
    max_output_tokens?: number;
  } = {
    info: Object.freeze({
      id: readText(reader, info.id, `${path}.info.id`),
      provider: readText(reader, info.provider, `${path}.info.provider`),
      capabilities: Object.freeze(capabilities),
      context_window: readOptionalCount(reader, info.context_window, `${path}.info.context_window`),
      dimensions: readOptionalCount(reader, info.dimensions, `${path}.info.dimensions`),
    }),
    parameters: readParameters(reader, record.parameters, `${path}.parameters`),
  };
  if (record.pricing !== undefined && record.pricing !== null) {
    metadata.pricing = readPricing(reader, record.pricing, `${path}.pricing`);
  }
  const maxOutput = readOptionalCount(
    reader,
    record.max_output_tokens,
    `${path}.max_output_tokens`,
  );
  if (maxOutput !== null) metadata.max_output_tokens = maxOutput;
  return Object.freeze(metadata);
}

function readOptionalCount(reader: DataReader, value: unknown, path: string): number | null {
  return value === undefined || value === null ? null : readCount(reader, value, path);
}

function readParameters(
  reader: DataReader,
  value: unknown,
  path: string,
): Readonly<Record<string, ParameterAvailability>> {
  if (value === undefined || value === null) return EMPTY_PARAMETERS;
  const source = readRecord(reader, value, path);
  // The document's own object when it is ours (half the cost of a whole load), else a copy by
  // spread; values are then replaced in place, which is quicker than adding names one by one.
  const parameters = (reader.owned ? source : { ...source }) as Record<
    string,
    ParameterAvailability
  >;
  for (const name in source) {
    if (!Object.hasOwn(source, name)) continue;
    if (name === "" || name === "__proto__" || (name.charCodeAt(0) <= 32 && name.trim() === "")) {
      throw dataError(reader, pathKey(path, name), "is not a usable parameter name");
    }
    parameters[name] = readAvailability(reader, source[name], path, name);
  }
  return Object.freeze(parameters);
}

const EMPTY_PARAMETERS: Readonly<Record<string, ParameterAvailability>> = Object.freeze({});

/*
 * Availabilities without a value are shared: records hold the same few
 * (`opaque`, `temperature` 0–2, …) thousands of times, and sharing frozen
 * ones keeps the load of a whole provider list small and quick. The shared
 * ranges are bounded, so odd documents cannot grow them without limit.
 */
const OPAQUE: ParameterAvailability = Object.freeze({ availability: "opaque" });
const UNSUPPORTED: ParameterAvailability = Object.freeze({ availability: "unsupported" });
const MUTABLE: ParameterAvailability = Object.freeze({ availability: "mutable" });
const MAX_SHARED_RANGES = 256;

function readAvailability(
  reader: DataReader,
  value: unknown,
  parametersPath: string,
  name: string,
): ParameterAvailability {
  if (!isRecord(value)) {
    throw dataError(
      reader,
      pathKey(parametersPath, name),
      `must be an object, got ${describeValue(value)}`,
    );
  }
  const kind = value.availability;
  if (kind === "opaque") return OPAQUE;
  if (kind === "unsupported") return UNSUPPORTED;
  if (kind === "mutable") {
    const raw = value.range;
    if (raw === undefined || raw === null) return MUTABLE;
    // The common case, a range already seen, costs three lookups.
    const shared = isRecord(raw) ? sharedRange(raw) : undefined;
    if (shared !== undefined) return shared;
    const availability = Object.freeze({
      availability: kind,
      range: readRange(reader, raw, pathKey(parametersPath, name)),
    });
    if (isRecord(raw)) shareRange(raw, availability);
    return availability;
  }
  const at = pathKey(parametersPath, name);
  if (kind === "read_only") {
    if (!("value" in value)) throw dataError(reader, `${at}.value`, "is missing");
    return Object.freeze({
      availability: kind,
      value: readJsonData(reader, value.value, `${at}.value`),
    });
  }
  throw dataError(
    reader,
    `${at}.availability`,
    `must be one of ${AVAILABILITIES.map((choice) => `"${choice}"`).join(", ")}, got ${describeValue(kind)}`,
  );
}

/** Shared mutable availabilities by range: min → max → default (`undefined` for an absent bound). */
const SHARED_RANGES = new Map<unknown, Map<unknown, Map<unknown, ParameterAvailability>>>();
let sharedRanges = 0;

function sharedRange(range: Record<string, unknown>): ParameterAvailability | undefined {
  return SHARED_RANGES.get(range.min ?? undefined)
    ?.get(range.max ?? undefined)
    ?.get(range.default ?? undefined);
}

/** Remember a checked range's availability (bounds are numbers or absent by then). */
function shareRange(range: Record<string, unknown>, availability: ParameterAvailability): void {
  if (sharedRanges >= MAX_SHARED_RANGES) return;
  const min = range.min ?? undefined;
  const max = range.max ?? undefined;
  let byMax = SHARED_RANGES.get(min);
  if (byMax === undefined) {
    byMax = new Map();
    SHARED_RANGES.set(min, byMax);
  }
  let byDefault = byMax.get(max);
  if (byDefault === undefined) {
    byDefault = new Map();
    byMax.set(max, byDefault);
  }
  byDefault.set(range.default ?? undefined, availability);
  sharedRanges++;
}

function readRange(reader: DataReader, value: unknown, at: string): ParameterRange {
  if (!isRecord(value)) {
    throw dataError(reader, `${at}.range`, `must be an object, got ${describeValue(value)}`);
  }
  const range: { min?: number; max?: number; default?: number } = {};
  for (const bound of RANGE_BOUNDS) {
    const raw = value[bound];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== "number" || !Number.isFinite(raw)) {
      throw dataError(
        reader,
        `${at}.range.${bound}`,
        `must be a finite number, got ${describeValue(raw)}`,
      );
    }
    range[bound] = raw;
  }
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
    throw dataError(reader, `${at}.range`, `has min ${range.min} above max ${range.max}`);
  }
  return Object.freeze(range);
}

const RANGE_BOUNDS = ["min", "max", "default"] as const;

function readPricing(reader: DataReader, value: unknown, path: string): PricingInfo {
  const record = readRecord(reader, value, path);
  const pricing: { prompt_cost_per_mtok?: number; completion_cost_per_mtok?: number } = {};
  for (const field of ["prompt_cost_per_mtok", "completion_cost_per_mtok"] as const) {
    const raw = record[field];
    if (raw !== undefined && raw !== null)
      pricing[field] = readNumber(reader, raw, `${path}.${field}`, 0);
  }
  return Object.freeze(pricing);
}
