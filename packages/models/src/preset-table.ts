/**
 * The preset table: `tier → capability → entry`, each entry a model id and
 * optional default request parameters, in the registry format (the Rust
 * Ratatoskr's `presets` object: an entry is a bare model id string or
 * `{ "model": …, "parameters": { … } }`, parameter names in snake_case).
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/registry/preset.rs
 */
import {
  type DataReader,
  dataError,
  describeValue,
  isRecord,
  pathKey,
  readBoolean,
  readChoice,
  readCount,
  readJsonData,
  readNumber,
  readRecord,
  readText,
} from "./data-reader.ts";

/** Reasoning effort values the format allows. */
export type PresetReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

const REASONING_EFFORTS: readonly PresetReasoningEffort[] = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
];

/** A preset's reasoning defaults. */
export interface PresetReasoning {
  /** Reasoning effort (`reasoning.effort`). */
  readonly effort?: PresetReasoningEffort;
  /** Reasoning token budget (`reasoning.maxTokens`). */
  readonly max_tokens?: number;
  /** Reason without returning the reasoning (`reasoning.exclude`). */
  readonly exclude_from_output?: boolean;
}

/** A preset's tool choice: a mode, or one function by name. */
export type PresetToolChoice =
  | "auto"
  | "none"
  | "required"
  | {
      /** The function the model must call. */
      readonly function: {
        /** Its name. */
        readonly name: string;
      };
    };

/** A preset's response format. */
export type PresetResponseFormat =
  | "text"
  | "json_object"
  | {
      /** JSON matching a schema. */
      readonly json_schema: {
        /** The JSON Schema. */
        readonly schema: Readonly<Record<string, unknown>>;
      };
    };

/**
 * Default request parameters of a preset. Each fills a setting the caller
 * left unset and never overrides one the caller set (see
 * `applyPresetToChatOptions`).
 */
export interface PresetParameters {
  /** Fills `temperature`. */
  readonly temperature?: number;
  /** Fills `topP`. */
  readonly top_p?: number;
  /** Fills `topK`. */
  readonly top_k?: number;
  /** Fills `maxTokens`. */
  readonly max_tokens?: number;
  /** Fills `frequencyPenalty`. */
  readonly frequency_penalty?: number;
  /** Fills `presencePenalty`. */
  readonly presence_penalty?: number;
  /** Fills `seed`. */
  readonly seed?: number;
  /** Fills `stop` (chat) or `stopSequences` (generate). */
  readonly stop?: readonly string[];
  /** Fills `reasoning`. */
  readonly reasoning?: PresetReasoning;
  /** Fills `toolChoice`. */
  readonly tool_choice?: PresetToolChoice;
  /** Fills `parallelToolCalls`. */
  readonly parallel_tool_calls?: boolean;
  /** Fills `responseFormat`. */
  readonly response_format?: PresetResponseFormat;
  /** Fills `cachePrompt`. */
  readonly cache_prompt?: boolean;
  /** OpenRouter request fields: fill the `openrouter` entry of `providerOptions` unless the caller gave one. */
  readonly raw_provider_options?: Readonly<Record<string, unknown>>;
}

/** Every key of {@link PresetParameters}. */
export const PRESET_PARAMETER_NAMES: readonly (keyof PresetParameters)[] = [
  "temperature",
  "top_p",
  "top_k",
  "max_tokens",
  "frequency_penalty",
  "presence_penalty",
  "seed",
  "stop",
  "reasoning",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "cache_prompt",
  "raw_provider_options",
];

/** One preset as written: a bare model id, or a model with default parameters. */
export type PresetEntryInput =
  | string
  | {
      /** The model id the preset resolves to. */
      model: string;
      /** Its default parameters. */
      parameters?: PresetParameters;
    };

/** A preset table as written (the registry's `presets`, or user presets from configuration). */
export type PresetTableInput = Readonly<Record<string, Readonly<Record<string, PresetEntryInput>>>>;

/** One preset, read and frozen: the model it resolves to and its default parameters, if any. */
export interface PresetEntry {
  /** The model id the preset resolves to. */
  readonly model: string;
  /** Its default parameters. */
  readonly parameters?: PresetParameters;
}

/** A preset table, read and frozen: `tier → capability → entry`. */
export type PresetTable = Readonly<Record<string, Readonly<Record<string, PresetEntry>>>>;

/**
 * Read a preset table. Unknown parameter names are an error when `strict`
 * (user presets: a typo should not pass silently) and a warning otherwise
 * (registry files: a newer writer may add parameters; the Rust reader
 * ignores them too).
 */
export function readPresetTable(
  reader: DataReader,
  value: unknown,
  path: string,
  { strict }: { strict: boolean },
): PresetTable {
  const table: Record<string, Record<string, PresetEntry>> = {};
  for (const [tier, capabilities] of Object.entries(readRecord(reader, value, path))) {
    const tierPath = pathKey(path, tier);
    if (!usableName(tier)) {
      throw dataError(reader, tierPath, "is not a usable tier name (empty, or holds a / or :)");
    }
    const entries: Record<string, PresetEntry> = {};
    for (const [capability, entry] of Object.entries(readRecord(reader, capabilities, tierPath))) {
      const entryPath = pathKey(tierPath, capability);
      if (!usableName(capability)) {
        throw dataError(
          reader,
          entryPath,
          "is not a usable capability name (empty, or holds a / or :)",
        );
      }
      entries[capability] = readPresetEntry(reader, entry, entryPath, strict);
    }
    table[tier] = Object.freeze(entries);
  }
  return Object.freeze(table);
}

/** A tier or capability name that can appear in `ratatoskr:<tier>/<capability>`. */
function usableName(name: string): boolean {
  return name.trim() !== "" && !/[/:]/.test(name) && name !== "__proto__";
}

function readPresetEntry(
  reader: DataReader,
  value: unknown,
  path: string,
  strict: boolean,
): PresetEntry {
  if (typeof value === "string") return Object.freeze({ model: readText(reader, value, path) });
  if (!isRecord(value)) {
    throw dataError(
      reader,
      path,
      `must be a model id or {"model", "parameters"}, got ${describeValue(value)}`,
    );
  }
  const model = readText(reader, value.model, `${path}.model`);
  if (value.parameters === undefined || value.parameters === null) return Object.freeze({ model });
  const parameters = readPresetParameters(reader, value.parameters, `${path}.parameters`, strict);
  return Object.freeze(Object.keys(parameters).length === 0 ? { model } : { model, parameters });
}

function readPresetParameters(
  reader: DataReader,
  value: unknown,
  path: string,
  strict: boolean,
): PresetParameters {
  const source = readRecord(reader, value, path);
  const read: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(source)) {
    const at = pathKey(path, name);
    if (raw === null || raw === undefined) continue;
    if (!(PRESET_PARAMETER_NAMES as readonly string[]).includes(name)) {
      const known = `known: ${PRESET_PARAMETER_NAMES.join(", ")}`;
      if (strict) throw dataError(reader, at, `is not a preset parameter (${known})`);
      reader.warnings.push(`${reader.origin}: ${at} is not a preset parameter and was ignored`);
      continue;
    }
    read[name] = readPresetParameter(reader, name as keyof PresetParameters, raw, at);
  }
  return Object.freeze(read) as PresetParameters;
}

function readPresetParameter(
  reader: DataReader,
  name: keyof PresetParameters,
  value: unknown,
  path: string,
): unknown {
  switch (name) {
    case "temperature":
    case "top_p":
    case "frequency_penalty":
    case "presence_penalty":
      return readNumber(reader, value, path);
    case "top_k":
    case "max_tokens":
    case "seed":
      return readCount(reader, value, path);
    case "parallel_tool_calls":
    case "cache_prompt":
      return readBoolean(reader, value, path);
    case "stop":
      return readStop(reader, value, path);
    case "reasoning":
      return readReasoning(reader, value, path);
    case "tool_choice":
      return readToolChoice(reader, value, path);
    case "response_format":
      return readResponseFormat(reader, value, path);
    case "raw_provider_options":
      return readJsonData(reader, readRecord(reader, value, path), path);
  }
}

function readStop(reader: DataReader, value: unknown, path: string): readonly string[] {
  if (!Array.isArray(value)) {
    throw dataError(reader, path, `must be an array of strings, got ${describeValue(value)}`);
  }
  value.forEach((item: unknown, index) => {
    if (typeof item !== "string") {
      throw dataError(reader, `${path}[${index}]`, `must be a string, got ${describeValue(item)}`);
    }
  });
  return Object.freeze([...(value as string[])]);
}

function readReasoning(reader: DataReader, value: unknown, path: string): PresetReasoning {
  const source = readRecord(reader, value, path);
  const reasoning: {
    effort?: PresetReasoningEffort;
    max_tokens?: number;
    exclude_from_output?: boolean;
  } = {};
  if (source.effort !== undefined && source.effort !== null) {
    reasoning.effort = readChoice(reader, source.effort, `${path}.effort`, REASONING_EFFORTS);
  }
  if (source.max_tokens !== undefined && source.max_tokens !== null) {
    reasoning.max_tokens = readCount(reader, source.max_tokens, `${path}.max_tokens`);
  }
  if (source.exclude_from_output !== undefined && source.exclude_from_output !== null) {
    reasoning.exclude_from_output = readBoolean(
      reader,
      source.exclude_from_output,
      `${path}.exclude_from_output`,
    );
  }
  return Object.freeze(reasoning);
}

function readToolChoice(reader: DataReader, value: unknown, path: string): PresetToolChoice {
  if (value === "auto" || value === "none" || value === "required") return value;
  if (isRecord(value) && isRecord(value.function)) {
    const name = readText(reader, value.function.name, `${path}.function.name`);
    return Object.freeze({ function: Object.freeze({ name }) });
  }
  throw dataError(
    reader,
    path,
    `must be "auto", "none", "required" or {"function": {"name"}}, got ${describeValue(value)}`,
  );
}

function readResponseFormat(
  reader: DataReader,
  value: unknown,
  path: string,
): PresetResponseFormat {
  if (value === "text" || value === "json_object") return value;
  if (isRecord(value) && isRecord(value.json_schema)) {
    const schemaPath = `${path}.json_schema.schema`;
    const schema = readJsonData(
      reader,
      readRecord(reader, value.json_schema.schema, schemaPath),
      schemaPath,
    );
    return Object.freeze({ json_schema: Object.freeze({ schema }) });
  }
  throw dataError(
    reader,
    path,
    `must be "text", "json_object" or {"json_schema": {"schema"}}, got ${describeValue(value)}`,
  );
}
