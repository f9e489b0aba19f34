/**
 * The `local` entry of a call's `providerOptions` (provider specification
 * v1): what the local provider reads, checked, and a warning for every key
 * it does not read. The provider receives only its own entry
 * (`providerOptions.local`, or `providerOptions.onnx`), never another
 * provider's.
 */
import { invalidInput, type WarningV1 } from "@ratatoskr/core";
import { unknownProviderOptionWarnings } from "@ratatoskr/provider-utils";

/**
 * Options for the local provider, passed per call as
 * `providerOptions: { local: {…} }`. Every key is optional; a key not
 * listed here is an `unknown_provider_option` warning.
 *
 * @example
 * ```ts
 * await gateway.generate("Once upon a time", {
 *   model: "local:my-decoder",
 *   providerOptions: { local: { repetitionPenalty: 1.3 } },
 * });
 * ```
 */
export interface LocalOnnxProviderOptions {
  /**
   * `generate` only: transformers' repetition penalty, a number above 0
   * (1: off; above 1 discourages tokens already in the prompt or the
   * output). Unset: the model's `generation_config.json`
   * `repetition_penalty`, else off.
   *
   * @see https://huggingface.co/docs/transformers/main_classes/text_generation#transformers.GenerationConfig.repetition_penalty
   */
  readonly repetitionPenalty?: number;
}

/** The options `generate` reads. */
const GENERATION_OPTIONS: readonly (keyof LocalOnnxProviderOptions)[] = ["repetitionPenalty"];

/** Where the options of this provider's entry are named in errors. */
const FIELD = "providerOptions.local";

/** The generation options of a call, checked, and the warnings for keys `generate` does not read. */
export interface LocalGenerationOptions {
  readonly options: LocalOnnxProviderOptions;
  readonly warnings: readonly WarningV1[];
}

/**
 * Read a `generate` call's own provider options. A `repetitionPenalty` that
 * is not a finite number above 0 is an `invalid_input` error naming it.
 */
export function localGenerationOptions(
  providerOptions: Readonly<Record<string, unknown>>,
): LocalGenerationOptions {
  const repetitionPenalty = providerOptions.repetitionPenalty;
  if (
    repetitionPenalty !== undefined &&
    (typeof repetitionPenalty !== "number" ||
      !Number.isFinite(repetitionPenalty) ||
      repetitionPenalty <= 0)
  ) {
    throw invalidInput(
      `${FIELD}.repetitionPenalty must be a number above 0 (1 = off), got ${JSON.stringify(repetitionPenalty)}`,
      { field: `${FIELD}.repetitionPenalty` },
    );
  }
  return {
    options: repetitionPenalty === undefined ? {} : { repetitionPenalty },
    warnings: unknownProviderOptionWarnings(providerOptions, GENERATION_OPTIONS),
  };
}

/**
 * The warnings for the provider options of an `embed`, `inferNli` or
 * `classifyZeroShot` call: those read none, so every key is one (an option
 * of `generate` says so).
 */
export function localEncoderOptionWarnings(
  providerOptions: Readonly<Record<string, unknown>>,
): WarningV1[] {
  return unknownProviderOptionWarnings(providerOptions, [], (option) =>
    (GENERATION_OPTIONS as readonly string[]).includes(option)
      ? "only generate reads it"
      : undefined,
  );
}
