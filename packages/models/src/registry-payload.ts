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
  readonly version: number;
  readonly models: readonly ModelMetadata[];
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
  return readRegistryPayload(reader, value);
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
  info.capabilities.forEach((capability: unknown, index) => {
    const read = readChoice(
      reader,
      capability,
      `${capabilitiesPath}[${index}]`,
      MODEL_CAPABILITIES,
    );
    if (!capabilities.includes(read)) capabilities.push(read);
  });
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
  if (value === undefined || value === null) return Object.freeze({});
  const parameters: Record<string, ParameterAvailability> = {};
  for (const [name, availability] of Object.entries(readRecord(reader, value, path))) {
    if (name.trim() === "" || name === "__proto__") {
      throw dataError(reader, pathKey(path, name), "is not a usable parameter name");
    }
    parameters[name] = readAvailability(reader, availability, pathKey(path, name));
  }
  return Object.freeze(parameters);
}

function readAvailability(reader: DataReader, value: unknown, path: string): ParameterAvailability {
  const record = readRecord(reader, value, path);
  const kind = readChoice(reader, record.availability, `${path}.availability`, AVAILABILITIES);
  switch (kind) {
    case "mutable": {
      if (record.range === undefined || record.range === null) {
        return Object.freeze({ availability: kind });
      }
      return Object.freeze({
        availability: kind,
        range: readRange(reader, record.range, `${path}.range`),
      });
    }
    case "read_only":
      if (!("value" in record)) throw dataError(reader, `${path}.value`, "is missing");
      return Object.freeze({
        availability: kind,
        value: readJsonData(reader, record.value, `${path}.value`),
      });
    default:
      return Object.freeze({ availability: kind });
  }
}

function readRange(reader: DataReader, value: unknown, path: string): ParameterRange {
  const record = readRecord(reader, value, path);
  const range: { min?: number; max?: number; default?: number } = {};
  for (const bound of ["min", "max", "default"] as const) {
    const raw = record[bound];
    if (raw !== undefined && raw !== null)
      range[bound] = readNumber(reader, raw, `${path}.${bound}`);
  }
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
    throw dataError(reader, path, `has min ${range.min} above max ${range.max}`);
  }
  return Object.freeze(range);
}

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
