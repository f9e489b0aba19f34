/**
 * A v1 generation request as the local decoder runs it: the decoding
 * settings, and the warnings the request alone predicts. The call and
 * `warningsFor` (strict mode) both build it here, so they agree.
 */
import { assertText, type GenerationRequestV1, type WarningV1 } from "@ratatoskr/core";
import { type DecodingOptions, greedyIgnoredSettings } from "./local-onnx-generation.ts";
import { localGenerationOptions } from "./local-onnx-provider-options.ts";

/** What {@link localGenerationRequest} builds. */
export interface LocalGenerationRequest {
  /** The caller's decoding settings (unset ones come from `generation_config.json`), with the request's signal. */
  readonly decoding: DecodingOptions;
  /**
   * Warnings known before the model loads: unknown provider options, and
   * `topK` / `topP` with an explicit temperature 0. The generation adds
   * those it learns from the model (see `generateTokens`).
   */
  readonly warnings: readonly WarningV1[];
}

/**
 * Build the local generation of `request`. Throws `invalid_input` for an
 * empty prompt or a provider option with a bad value, before any model
 * loads. Every standard generation setting is honoured: `maxTokens`,
 * `temperature`, `topP`, `topK`, `seed`, `stopSequences`.
 */
export function localGenerationRequest(request: GenerationRequestV1): LocalGenerationRequest {
  assertText(request.prompt, "prompt");
  const { options, warnings } = localGenerationOptions(request.providerOptions);
  const { settings } = request;
  const decoding: DecodingOptions = {
    ...options,
    ...(settings.maxTokens === undefined ? {} : { maxTokens: settings.maxTokens }),
    ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
    ...(settings.topK === undefined ? {} : { topK: settings.topK }),
    ...(settings.topP === undefined ? {} : { topP: settings.topP }),
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.stopSequences === undefined ? {} : { stopSequences: [...settings.stopSequences] }),
    signal: request.signal,
  };
  return {
    decoding,
    warnings:
      settings.temperature === 0 ? [...warnings, ...greedyIgnoredSettings(settings)] : warnings,
  };
}
