/**
 * What the gateway does to a chat or generation call before routing it: a
 * preset string becomes its model and fills the settings the caller left
 * unset (the caller's always win), then the parameter validation policy
 * checks the settings against the resolved model's registry record. The
 * warnings both give join the provider's on the answer; they are stamped
 * with the answering provider like its own.
 */
import type { ChatOptions, GenerateOptions, Usage, UsageCost, WarningV1 } from "@ratatoskr/core";
import {
  applyPresetToChatOptions,
  applyPresetToGenerateOptions,
  type IgnoredPresetParameter,
  type PresetResolution,
} from "@ratatoskr/models";
import type { GatewayCore } from "./gateway-core.ts";
import {
  CHAT_SETTING_PARAMETERS,
  GENERATE_SETTING_PARAMETERS,
  validateParameters,
} from "./parameter-validation.ts";

/** Options ready to route, and the gateway's warnings about them. */
export interface PreparedCall<Options> {
  readonly options: Options;
  /** Empty when the gateway has nothing to say. */
  readonly warnings: readonly WarningV1[];
  readonly preset?: PresetResolution;
}

const NO_WARNINGS: readonly WarningV1[] = Object.freeze([]);

function presetWarnings(
  preset: PresetResolution,
  ignored: readonly IgnoredPresetParameter[],
): WarningV1[] {
  return ignored.map((item) => ({
    type: "other",
    message: `Preset ${preset.uri}: ${item.parameter} was not applied (${item.reason})`,
  }));
}

function prepare<Options extends { model: string }>(
  core: GatewayCore,
  options: Options,
  apply: (
    options: Options,
    preset: PresetResolution,
  ) => { options: Options; ignored: readonly IgnoredPresetParameter[] },
  table: Parameters<typeof validateParameters<Options>>[3],
): PreparedCall<Options> {
  const knowledge = core.knowledge;
  const preset = knowledge.presetOf(options.model);
  let resolved = options;
  let warnings: WarningV1[] | undefined;
  if (preset !== undefined) {
    const applied = apply(options, preset);
    resolved = applied.options;
    if (applied.ignored.length > 0) warnings = presetWarnings(preset, applied.ignored);
  }
  if (knowledge.policy !== "ignore") {
    const validated = validateParameters(
      knowledge.policy,
      knowledge.metadata(resolved.model),
      resolved,
      table,
    );
    resolved = validated.options;
    if (validated.warnings.length > 0) warnings = [...(warnings ?? []), ...validated.warnings];
  }
  return {
    options: resolved,
    warnings: warnings ?? NO_WARNINGS,
    ...(preset === undefined ? {} : { preset }),
  };
}

/** A chat call's options after presets and parameter validation (options validated already). */
export function prepareChat(core: GatewayCore, options: ChatOptions): PreparedCall<ChatOptions> {
  return prepare(core, options, applyPresetToChatOptions, CHAT_SETTING_PARAMETERS);
}

/** A generation call's options after presets and parameter validation (options validated already). */
export function prepareGenerate(
  core: GatewayCore,
  options: GenerateOptions,
): PreparedCall<GenerateOptions> {
  return prepare(core, options, applyPresetToGenerateOptions, GENERATE_SETTING_PARAMETERS);
}

/** The gateway's warnings followed by the provider's (undefined when there are none). */
export function joinWarnings(
  gateway: readonly WarningV1[],
  provider: readonly WarningV1[] | undefined,
): readonly WarningV1[] | undefined {
  if (gateway.length === 0) return provider;
  if (provider === undefined || provider.length === 0) return gateway;
  return [...gateway, ...provider];
}

/**
 * `usage` with its cost: the provider's when it reported one, else from the
 * registry's prices for `model` (the model the provider answered with),
 * else as it is.
 */
export function withCost(
  core: GatewayCore,
  usage: Usage | undefined,
  model: string,
): Usage | undefined {
  if (usage === undefined || usage.cost !== undefined) return usage;
  let pricing: ReturnType<GatewayCore["knowledge"]["metadata"]>;
  try {
    pricing = core.knowledge.metadata(model);
  } catch {
    return usage; // A model string the registry cannot read has no price.
  }
  const prices = pricing?.pricing;
  if (prices?.prompt_cost_per_mtok === undefined || prices.completion_cost_per_mtok === undefined) {
    return usage;
  }
  const usd =
    (usage.promptTokens * prices.prompt_cost_per_mtok +
      usage.completionTokens * prices.completion_cost_per_mtok) /
    1_000_000;
  const cost: UsageCost = { usd, source: "registry" };
  return { ...usage, cost };
}
