/**
 * Registry records from OpenRouter's model list (`GET /api/v1/models`, no
 * key needed), the source `scripts/regenerate-registry.ts` builds the
 * shipped registry from. What is mapped (the README has the table):
 *
 * - `id` → `info.id`; `info.provider` is `openrouter`.
 * - `architecture.output_modalities` (else the part of `architecture.modality`
 *   after `->`): `embeddings` → `Embed`; `text` → `Chat`, plus `ToolUse` when
 *   `supported_parameters` lists `tools`. Models with neither (image or
 *   audio only) are skipped.
 * - `context_length` (else `top_provider.context_length`) → `info.context_window`.
 * - `pricing.prompt` / `pricing.completion` (US dollars per token, as decimal
 *   strings) × 1,000,000 → `pricing.*_cost_per_mtok`, rounded to 12
 *   significant digits; a negative price (`"-1"`: variable, as for the
 *   `openrouter/auto` router) or one that does not parse leaves pricing out.
 * - `top_provider.max_completion_tokens` → `max_output_tokens`.
 * - `supported_parameters`: `temperature` (0–2), `top_p` (0–1), `top_k`
 *   (≥ 0), `frequency_penalty` and `presence_penalty` (−2–2) become `mutable`
 *   with that range (the ranges of the Rust mapping, OpenAI's conventions)
 *   and `default_parameters`' value as the range's default; every other
 *   name becomes `opaque`.
 *
 * @see https://openrouter.ai/docs/api/api-reference/models/get-models
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/providers/openrouter_models.rs
 */
import { dataError, dataReader, describeValue, isRecord } from "./data-reader.ts";
import type {
  ModelCapability,
  ModelMetadata,
  ParameterAvailability,
  ParameterRange,
  PricingInfo,
} from "./model-metadata.ts";
import type { PresetTableInput } from "./preset-table.ts";
import { REGISTRY_FORMAT_VERSION } from "./registry-payload.ts";

/** One model of OpenRouter's list, as much of it as the mapping reads. */
export interface OpenRouterModel {
  /** The model id (`anthropic/claude-sonnet-4`). */
  id: string;
  /** The model's permanent slug (it never changes). */
  canonical_slug?: string;
  /** Its display name. */
  name?: string;
  /** Context window in tokens. */
  context_length?: number | null;
  /** What goes in and out. */
  architecture?: {
    /** Input and output, in one string (`text+image->text`). */
    modality?: string;
    /** What it takes (`text`, `image`, `file`, …). */
    input_modalities?: string[];
    /** What it produces (`text`, `image`, …). */
    output_modalities?: string[];
    /** The tokenizer family (`Claude`, `GPT`, `Llama3`, …). */
    tokenizer?: string;
    /** The instruction format, for open models (`llama3`, `chatml`, …). */
    instruct_type?: string | null;
  };
  /** US dollars per token (or per request, image, …) as decimal strings. */
  pricing?: Record<string, string | undefined>;
  /** What OpenRouter's primary provider for the model offers. */
  top_provider?: {
    /** Its context window in tokens. */
    context_length?: number | null;
    /** Most tokens one response may hold there. */
    max_completion_tokens?: number | null;
    /** Whether it moderates requests. */
    is_moderated?: boolean;
  };
  /** The request parameters the model takes (`temperature`, `tools`, …). */
  supported_parameters?: string[];
  /** The model's default sampling parameters, when OpenRouter lists them. */
  default_parameters?: Record<string, number | null> | null;
}

/** A model of the list that was not mapped, and why. */
export interface SkippedOpenRouterModel {
  /** The model id. */
  readonly id: string;
  /** Why it was not mapped. */
  readonly reason: string;
}

/** A registry document built from OpenRouter's list. */
export interface OpenRouterRegistryDocument {
  /** The registry document, ready to write as JSON. */
  readonly document: {
    /** The format version. */
    readonly version: number;
    /** Every model record. */
    readonly models: readonly ModelMetadata[];
    /** The presets carried over. */
    readonly presets: PresetTableInput;
  };
  /** The models of the list that were not mapped. */
  readonly skipped: readonly SkippedOpenRouterModel[];
}

/** Options of {@link registryDocumentFromOpenRouter}. */
export interface RegistryFromOpenRouterOptions {
  /** Records from elsewhere to keep (records for other providers); a listed OpenRouter id replaces one of these. */
  keep?: readonly ModelMetadata[];
  /** The preset table to carry over (default none). */
  presets?: PresetTableInput;
  /** Map only these OpenRouter ids (a curated registry); default every model in the list. */
  only?: ReadonlySet<string>;
}

const STANDARD_RANGES: Readonly<Record<string, ParameterRange>> = {
  temperature: { min: 0, max: 2 },
  top_p: { min: 0, max: 1 },
  top_k: { min: 0 },
  frequency_penalty: { min: -2, max: 2 },
  presence_penalty: { min: -2, max: 2 },
};

/**
 * A registry document (format version 1) from OpenRouter's `/api/v1/models`
 * response: its models mapped as described above and sorted by id, the
 * records in `keep` that the list does not replace, and `presets`. A
 * response that is not `{ "data": [ … ] }` is a `data` error; a model
 * without a usable id or output is listed in `skipped`.
 */
export function registryDocumentFromOpenRouter(
  response: unknown,
  options: RegistryFromOpenRouterOptions = {},
): OpenRouterRegistryDocument {
  const reader = dataReader("OpenRouter models response");
  if (!isRecord(response) || !Array.isArray(response.data)) {
    throw dataError(
      reader,
      "data",
      `must be an array of models, got ${describeValue(isRecord(response) ? response.data : response)}`,
    );
  }
  const byId = new Map<string, ModelMetadata>();
  for (const kept of options.keep ?? []) byId.set(kept.info.id, kept);
  const skipped: SkippedOpenRouterModel[] = [];
  response.data.forEach((entry: unknown, index) => {
    const id = isRecord(entry) && typeof entry.id === "string" ? entry.id.trim() : "";
    if (id === "") {
      skipped.push({ id: `data[${index}]`, reason: "no id" });
      return;
    }
    if (options.only !== undefined && !options.only.has(id)) return;
    const mapped = modelMetadataFromOpenRouter(entry as OpenRouterModel);
    if (typeof mapped === "string") skipped.push({ id, reason: mapped });
    else byId.set(id, mapped);
  });
  return {
    document: {
      version: REGISTRY_FORMAT_VERSION,
      models: [...byId.values()].sort((a, b) => (a.info.id < b.info.id ? -1 : 1)),
      presets: options.presets ?? {},
    },
    skipped,
  };
}

/**
 * The registry record for one model of OpenRouter's list, or the reason it
 * has none (a string: it outputs neither text nor embeddings).
 */
export function modelMetadataFromOpenRouter(model: OpenRouterModel): ModelMetadata | string {
  const outputs = outputModalities(model);
  const supported = Array.isArray(model.supported_parameters)
    ? model.supported_parameters.filter((name): name is string => typeof name === "string")
    : [];
  let capabilities: ModelCapability[];
  if (outputs.includes("embeddings")) capabilities = ["Embed"];
  else if (outputs.includes("text")) {
    capabilities = supported.includes("tools") ? ["Chat", "ToolUse"] : ["Chat"];
  } else {
    return `outputs ${outputs.length === 0 ? "nothing known" : outputs.join(", ")}, neither text nor embeddings`;
  }
  const contextWindow = count(model.context_length) ?? count(model.top_provider?.context_length);
  const pricing = perMillion(model.pricing);
  const maxOutput = count(model.top_provider?.max_completion_tokens);
  return {
    info: {
      id: model.id.trim(),
      provider: "openrouter",
      capabilities,
      context_window: contextWindow ?? null,
      dimensions: null,
    },
    parameters: parameterMap(supported, model.default_parameters),
    ...(pricing === undefined ? {} : { pricing }),
    ...(maxOutput === undefined || maxOutput === 0 ? {} : { max_output_tokens: maxOutput }),
  };
}

function outputModalities(model: OpenRouterModel): string[] {
  const declared = model.architecture?.output_modalities;
  if (Array.isArray(declared)) return declared.filter((name) => typeof name === "string");
  const modality = model.architecture?.modality;
  if (typeof modality !== "string" || !modality.includes("->")) return [];
  return modality.slice(modality.indexOf("->") + 2).split("+");
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function perMillion(pricing: OpenRouterModel["pricing"]): PricingInfo | undefined {
  const prompt = dollarsPerMillion(pricing?.prompt);
  const completion = dollarsPerMillion(pricing?.completion);
  if (prompt === undefined || completion === undefined) return undefined;
  return { prompt_cost_per_mtok: prompt, completion_cost_per_mtok: completion };
}

function dollarsPerMillion(perToken: unknown): number | undefined {
  if (typeof perToken !== "string" && typeof perToken !== "number") return undefined;
  const value = typeof perToken === "number" ? perToken : Number(perToken.trim() || Number.NaN);
  if (!Number.isFinite(value) || value < 0) return undefined;
  return Number((value * 1_000_000).toPrecision(12));
}

function parameterMap(
  supported: readonly string[],
  defaults: OpenRouterModel["default_parameters"],
): Record<string, ParameterAvailability> {
  const parameters: Record<string, ParameterAvailability> = {};
  for (const name of [...new Set(supported)].sort()) {
    if (name === "" || name === "__proto__") continue;
    const range = Object.hasOwn(STANDARD_RANGES, name) ? STANDARD_RANGES[name] : undefined;
    if (range === undefined) {
      parameters[name] = { availability: "opaque" };
      continue;
    }
    const fallback = isRecord(defaults) ? defaults[name] : undefined;
    parameters[name] = {
      availability: "mutable",
      range:
        typeof fallback === "number" && Number.isFinite(fallback)
          ? { ...range, default: fallback }
          : { ...range },
    };
  }
  return parameters;
}
