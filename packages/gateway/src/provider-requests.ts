/**
 * The v1 requests a provider receives, built from the caller's options:
 * only the standard settings the caller set, and this provider's own entry
 * of `providerOptions` (by its id, else one of its aliases), never another
 * provider's, so nothing leaks across a fallback. Providers never see the
 * reliability options (`retry`, `fallbacks`, deadlines).
 */
import type {
  CallRequestV1,
  ChatOptions,
  ChatSettingsV1,
  CountTokensOptions,
  GenerateOptions,
  GenerationSettingsV1,
  ProviderOptions,
} from "@ratatoskr/core";
import type { RegisteredProvider } from "./registered-provider.ts";

const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});

/** The provider's own entry of `providerOptions` (by id, else by alias), or an empty object. */
export function ownProviderOptions(
  providerOptions: ProviderOptions | undefined,
  provider: RegisteredProvider,
): Readonly<Record<string, unknown>> {
  if (providerOptions === undefined) return NO_OPTIONS;
  for (const name of provider.names) {
    const entry = providerOptions[name];
    if (entry !== undefined) return entry;
  }
  return NO_OPTIONS;
}

/** The standard chat settings the caller set (validated already). */
export function chatSettings(options: ChatOptions): ChatSettingsV1 {
  const settings: {
    -readonly [K in keyof ChatSettingsV1]: ChatSettingsV1[K];
  } = {};
  if (options.temperature !== undefined) settings.temperature = options.temperature;
  if (options.topP !== undefined) settings.topP = options.topP;
  if (options.topK !== undefined) settings.topK = options.topK;
  if (options.maxTokens !== undefined) settings.maxTokens = options.maxTokens;
  if (options.stop !== undefined) settings.stop = options.stop;
  if (options.seed !== undefined) settings.seed = options.seed;
  if (options.frequencyPenalty !== undefined) settings.frequencyPenalty = options.frequencyPenalty;
  if (options.presencePenalty !== undefined) settings.presencePenalty = options.presencePenalty;
  if (options.responseFormat !== undefined) settings.responseFormat = options.responseFormat;
  if (options.reasoning !== undefined) settings.reasoning = options.reasoning;
  if (options.tools !== undefined) settings.tools = options.tools;
  if (options.toolChoice !== undefined) settings.toolChoice = options.toolChoice;
  if (options.parallelToolCalls !== undefined) {
    settings.parallelToolCalls = options.parallelToolCalls;
  }
  if (options.cachePrompt !== undefined) settings.cachePrompt = options.cachePrompt;
  return settings;
}

/** The standard generation settings the caller set (validated already). */
export function generationSettings(options: GenerateOptions): GenerationSettingsV1 {
  const settings: {
    -readonly [K in keyof GenerationSettingsV1]: GenerationSettingsV1[K];
  } = {};
  if (options.maxTokens !== undefined) settings.maxTokens = options.maxTokens;
  if (options.temperature !== undefined) settings.temperature = options.temperature;
  if (options.topP !== undefined) settings.topP = options.topP;
  if (options.topK !== undefined) settings.topK = options.topK;
  if (options.seed !== undefined) settings.seed = options.seed;
  if (options.stopSequences !== undefined) settings.stopSequences = options.stopSequences;
  return settings;
}

/**
 * The fields every token-counting request shares: the provider's model
 * name, `allowApproximate` when the caller set it, this provider's own
 * options and the attempt's signal.
 */
export function tokenCountingBase(
  options: CountTokensOptions | undefined,
  provider: RegisteredProvider,
  providerModel: string,
  signal: AbortSignal,
): CallRequestV1 & { allowApproximate?: boolean } {
  return {
    model: providerModel,
    ...(options?.allowApproximate === undefined
      ? {}
      : { allowApproximate: options.allowApproximate }),
    providerOptions: ownProviderOptions(options?.providerOptions, provider),
    signal,
  };
}
