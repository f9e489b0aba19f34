/**
 * Merging a preset into a call's options: the preset's model replaces the
 * preset string, and each preset parameter fills a setting the caller left
 * unset. The caller's settings always win. Preset parameters the options
 * cannot express are reported, not dropped silently, so a gateway can turn
 * them into warnings.
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/registry/preset.rs (apply_defaults_to_chat)
 */
import type {
  ChatOptions,
  GenerateOptions,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
} from "@ratatoskr/core";
import type { PresetParameters, PresetResponseFormat, PresetToolChoice } from "./preset-table.ts";
import type { PresetResolution } from "./resolve-preset.ts";

/** A preset parameter that was not applied, and why. */
export interface IgnoredPresetParameter {
  /** The parameter's name in the preset (`top_k`, `reasoning.effort`). */
  readonly parameter: string;
  /** Why it was not applied. */
  readonly reason: string;
}

/** Options with a preset applied, and what of the preset could not be. */
export interface AppliedPreset<Options> {
  /** New options: the caller's, with the preset's model and defaults filled in. */
  readonly options: Options;
  /** The preset parameters that could not be applied (empty: none). */
  readonly ignored: readonly IgnoredPresetParameter[];
}

/** A preset, or just its parameters (`model` is then left as it is). */
export type PresetSource = PresetResolution | PresetParameters | undefined;

const TYPED_EFFORTS: ReadonlySet<string> = new Set(["minimal", "low", "medium", "high"]);

/**
 * `options` with the preset applied: `model` becomes the preset's model,
 * and each preset parameter fills the matching setting the caller left
 * `undefined` (`top_p` → `topP`, `tool_choice` → `toolChoice`, …). Returns
 * new options; `options` is not changed.
 *
 * @example
 * ```ts
 * const preset = resolvePreset("ratatoskr:budget/coding");
 * const { options } = applyPresetToChatOptions({ model: preset.uri, temperature: 0.7 }, preset);
 * // { model: "xiaomi/mimo-v2-flash", temperature: 0.7, topP: 0.95 }
 * ```
 */
export function applyPresetToChatOptions<Options extends ChatOptions>(
  options: Options,
  preset: PresetSource,
): AppliedPreset<ChatOptions & Options> {
  const { parameters, merged } = start(options, preset);
  const ignored: IgnoredPresetParameter[] = [];
  const fill = <Key extends keyof ChatOptions>(key: Key, value: ChatOptions[Key] | undefined) => {
    if (value !== undefined && merged[key] === undefined) (merged as ChatOptions)[key] = value;
  };
  fill("temperature", parameters.temperature);
  fill("topP", parameters.top_p);
  fill("topK", parameters.top_k);
  fill("maxTokens", parameters.max_tokens);
  fill("frequencyPenalty", parameters.frequency_penalty);
  fill("presencePenalty", parameters.presence_penalty);
  fill("seed", parameters.seed);
  fill("stop", parameters.stop === undefined ? undefined : [...parameters.stop]);
  fill("parallelToolCalls", parameters.parallel_tool_calls);
  fill("cachePrompt", parameters.cache_prompt);
  fill("toolChoice", toolChoice(parameters.tool_choice));
  fill("responseFormat", responseFormat(parameters.response_format));
  fillProviderOptions(merged, parameters.raw_provider_options);
  if (merged.reasoning === undefined) fill("reasoning", reasoning(parameters, ignored));
  return { options: merged, ignored };
}

/**
 * `options` with the preset applied, for `generate`: `model`,
 * `temperature`, `top_p`, `top_k`, `max_tokens`, `seed`, and `stop` as
 * `stopSequences` (when the caller gave none). Preset parameters generate
 * has no setting for (penalties, tools, response format, reasoning, prompt
 * caching) are reported in `ignored`.
 */
export function applyPresetToGenerateOptions<Options extends GenerateOptions>(
  options: Options,
  preset: PresetSource,
): AppliedPreset<GenerateOptions & Options> {
  const { parameters, merged } = start(options, preset);
  const fill = <Key extends keyof GenerateOptions>(
    key: Key,
    value: GenerateOptions[Key] | undefined,
  ) => {
    if (value !== undefined && merged[key] === undefined) (merged as GenerateOptions)[key] = value;
  };
  fill("temperature", parameters.temperature);
  fill("topP", parameters.top_p);
  fill("topK", parameters.top_k);
  fill("maxTokens", parameters.max_tokens);
  fill("seed", parameters.seed);
  fillProviderOptions(merged, parameters.raw_provider_options);
  if (parameters.stop !== undefined && (merged.stopSequences?.length ?? 0) === 0) {
    merged.stopSequences = [...parameters.stop];
  }
  const ignored: IgnoredPresetParameter[] = [];
  for (const name of [
    "frequency_penalty",
    "presence_penalty",
    "reasoning",
    "tool_choice",
    "parallel_tool_calls",
    "response_format",
    "cache_prompt",
  ] as const) {
    if (parameters[name] !== undefined) {
      ignored.push({ parameter: name, reason: "generate options have no such setting" });
    }
  }
  return { options: merged, ignored };
}

function start<Options extends { model: string }>(
  options: Options,
  preset: PresetSource,
): { parameters: PresetParameters; merged: Options } {
  const merged = { ...options };
  if (preset !== undefined && isResolution(preset)) {
    merged.model = preset.model;
    return { parameters: preset.parameters ?? {}, merged };
  }
  return { parameters: preset ?? {}, merged };
}

function isResolution(preset: PresetResolution | PresetParameters): preset is PresetResolution {
  return typeof (preset as PresetResolution).model === "string";
}

function toolChoice(choice: PresetToolChoice | undefined): ToolChoice | undefined {
  if (choice === undefined || typeof choice === "string") return choice;
  return { name: choice.function.name };
}

function responseFormat(format: PresetResponseFormat | undefined): ResponseFormat | undefined {
  if (format === undefined) return undefined;
  if (format === "text" || format === "json_object") return { type: format };
  return {
    type: "json_schema",
    name: "response",
    schema: structuredClone(format.json_schema.schema) as Record<string, unknown>,
  };
}

/**
 * The provider whose options a preset's `raw_provider_options` are: the
 * registry format comes from the Rust project, whose presets name
 * OpenRouter models and whose raw options are OpenRouter request fields
 * (`provider.order`, `transforms`, …).
 */
export const PRESET_RAW_OPTIONS_PROVIDER = "openrouter";

/**
 * A preset's `raw_provider_options` as the `openrouter` entry of
 * `providerOptions` (a copy), unless the caller gave that entry; the
 * caller's entries for other providers are kept.
 */
function fillProviderOptions(
  merged: { providerOptions?: Record<string, Record<string, unknown>> },
  raw: Readonly<Record<string, unknown>> | undefined,
): void {
  if (raw === undefined || merged.providerOptions?.[PRESET_RAW_OPTIONS_PROVIDER] !== undefined) {
    return;
  }
  merged.providerOptions = {
    ...merged.providerOptions,
    [PRESET_RAW_OPTIONS_PROVIDER]: structuredClone(raw) as Record<string, unknown>,
  };
}

function reasoning(
  parameters: PresetParameters,
  ignored: IgnoredPresetParameter[],
): ReasoningConfig | undefined {
  const preset = parameters.reasoning;
  if (preset === undefined) return undefined;
  const config: ReasoningConfig = {};
  if (preset.effort !== undefined) {
    if (TYPED_EFFORTS.has(preset.effort)) config.effort = preset.effort as ReasoningEffort;
    else {
      ignored.push({
        parameter: "reasoning.effort",
        reason: `effort "${preset.effort}" is not one the gateway sends (minimal, low, medium, high)`,
      });
    }
  }
  if (preset.max_tokens !== undefined) config.maxTokens = preset.max_tokens;
  if (preset.exclude_from_output !== undefined) config.exclude = preset.exclude_from_output;
  return Object.keys(config).length === 0 ? undefined : config;
}
