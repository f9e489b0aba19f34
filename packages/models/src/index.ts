/**
 * @ratatoskr/models: the model registry as data. Model records (capabilities,
 * context window, dimensions, request parameters, pricing, output limit)
 * in the Rust Ratatoskr's registry format version 1, `ratatoskr:<tier>/<capability>`
 * presets, and an optional remote registry cached on disk with its ETag.
 *
 * @packageDocumentation
 */
export * from "./apply-preset.ts";
export * from "./model-metadata.ts";
export * from "./model-metadata-lookup.ts";
export * from "./model-registry.ts";
export * from "./openrouter-models.ts";
export type {
  PresetEntry,
  PresetEntryInput,
  PresetParameters,
  PresetReasoning,
  PresetReasoningEffort,
  PresetResponseFormat,
  PresetTable,
  PresetTableInput,
  PresetToolChoice,
} from "./preset-table.ts";
export { PRESET_PARAMETER_NAMES } from "./preset-table.ts";
export * from "./preset-uri.ts";
export * from "./refresh-registry.ts";
export type { CachedRegistry } from "./registry-cache.ts";
export { registryCachePath } from "./registry-cache.ts";
export { REGISTRY_FORMAT_VERSION, type RegistryPayload } from "./registry-payload.ts";
export * from "./resolve-preset.ts";
export * from "./shipped-registry.ts";
