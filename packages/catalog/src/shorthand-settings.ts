/**
 * The settings each builder shorthand takes: the settings type of the
 * provider package it loads. Those packages are optional peers, and these
 * imports are types only (erased from the JavaScript). In the published
 * declarations each of these imports carries a `// @ts-ignore`
 * (tooling/scripts/mark-optional-peer-imports.mjs, run after the build):
 * where an application has not installed a peer, its import is then `any`
 * instead of a compile error (`skipLibCheck: false` included), and that
 * shorthand's settings fall back to a plain record ({@link InstalledOr}).
 */

import type { AnthropicProviderSettings } from "@ratatoskr/provider-anthropic";
import type { HuggingFaceSettings } from "@ratatoskr/provider-huggingface";
import type {
  DeviceSetting as LocalDeviceSetting,
  LocalOnnxSettings,
  ModelSetting,
} from "@ratatoskr/provider-local-onnx";
import type { OllamaSettings } from "@ratatoskr/provider-ollama";
import type { OpenAISettings } from "@ratatoskr/provider-openai-compat";
import type { OpenRouterSettings } from "@ratatoskr/provider-openrouter";
import type { TokenizersSettings } from "@ratatoskr/tokenizers";

/** Settings of a shorthand whose provider package is not installed. */
export type ProviderSettings = Record<string, unknown>;

/** `Settings`, or {@link ProviderSettings} where its package is missing (the import is then `any`). */
export type InstalledOr<Settings> = 0 extends 1 & Settings ? ProviderSettings : Settings;

/** Settings of `.openrouter()`: `OpenRouterSettings` from `@ratatoskr/provider-openrouter`. */
export type OpenRouterShorthandSettings = InstalledOr<OpenRouterSettings>;

/** Settings of `.anthropic()`: `AnthropicProviderSettings` from `@ratatoskr/provider-anthropic`. */
export type AnthropicShorthandSettings = InstalledOr<AnthropicProviderSettings>;

/** Settings of `.openai()`: `OpenAISettings` from `@ratatoskr/provider-openai-compat`. */
export type OpenAIShorthandSettings = InstalledOr<OpenAISettings>;

/** Settings of `.ollama()`: `OllamaSettings` from `@ratatoskr/provider-ollama`. */
export type OllamaShorthandSettings = InstalledOr<OllamaSettings>;

/** Settings of `.huggingface()`: `HuggingFaceSettings` from `@ratatoskr/provider-huggingface`. */
export type HuggingFaceShorthandSettings = InstalledOr<HuggingFaceSettings>;

/** Settings of `.local()`: `LocalOnnxSettings` from `@ratatoskr/provider-local-onnx`. */
export type LocalShorthandSettings = InstalledOr<LocalOnnxSettings>;

/** Settings of `.tokenizers()`: `TokenizersSettings` from `@ratatoskr/tokenizers`. */
export type TokenizersShorthandSettings = InstalledOr<TokenizersSettings>;

/**
 * A local model for `.localEmbeddings()`, `.localNli()`, `.localGeneration()`:
 * `ModelSetting` from `@ratatoskr/provider-local-onnx` (a preset name, a Hub
 * repo, or a custom model description).
 */
export type LocalModelSetting = 0 extends 1 & ModelSetting
  ? string | ProviderSettings
  : ModelSetting;

/** Where local inference runs (`.device()`): `cpu`, `cuda` / `cuda:N`, or `auto` (CUDA when available). */
export type DeviceSetting = 0 extends 1 & LocalDeviceSetting
  ? "cpu" | "cuda" | "auto" | `cuda:${number}` | { type: "cuda"; deviceId: number }
  : LocalDeviceSetting;
