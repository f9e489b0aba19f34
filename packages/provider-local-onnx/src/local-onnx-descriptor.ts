/**
 * The descriptor of `@ratatoskr/provider-local-onnx` (provider
 * specification v1): what the router, the builder's `.local()`,
 * `.localEmbeddings()`, `.localNli()`, `.localGeneration()`, `.device()`
 * and `.cacheDir()` shorthands and `loadConfiguredProviders` know about it
 * before it is created.
 */
import type { Capability, ProviderDescriptorV1, RoutingHintV1 } from "@ratatoskr/core";
import { MODEL_PRESETS, type ModelKind } from "./local-onnx-models.ts";
import { createLocalOnnx, type LocalOnnxSettings } from "./local-onnx-provider.ts";

/** A character of a model name that a regular expression would read as syntax. */
const REGEXP_SYNTAX = /[.*+?^${}()|[\]\\]/g;

/**
 * A hint for the names of the presets of `kind` that only this provider
 * serves: the preset names (`AllMiniLmL6V2`) and their aliases without an
 * organisation (`all-MiniLM-L6-v2`), matched without regard to case as the
 * provider matches them. Names with an organisation
 * (`sentence-transformers/all-MiniLM-L6-v2`) are Hub repositories that
 * hosted inference serves too: they get no hint, so registration order
 * decides.
 */
function presetHint(
  kind: ModelKind,
  capabilities: readonly Capability[],
  reason: string,
): RoutingHintV1 {
  const names = MODEL_PRESETS.filter((preset) => preset.kind === kind).flatMap((preset) => [
    preset.name,
    ...preset.aliases.filter((alias) => !alias.includes("/")),
  ]);
  const alternatives = names.map((name) => name.replace(REGEXP_SYNTAX, "\\$&")).join("|");
  return { pattern: new RegExp(`^(?:${alternatives})$`, "i"), capabilities, priority: 100, reason };
}

/**
 * The local ONNX provider: embeddings, NLI, zero-shot classification and
 * generation on this machine (`localInference`). It needs no key, so the
 * environment always configures it (its presets work without settings,
 * downloading once from the Hub); creating it loads nothing. Routing hints
 * (priority 100, "an id form only one provider serves"): the embedding
 * presets' names for `embed`, the NLI presets' names for `nli` and
 * `classify`. Models configured by name in the settings are routed by
 * registration order and `supports()`.
 */
export const localOnnxDescriptor: ProviderDescriptorV1<LocalOnnxSettings> = {
  specificationVersion: "v1",
  id: "local",
  aliases: ["onnx"],
  displayName: "Local ONNX",
  packageName: "@ratatoskr/provider-local-onnx",
  capabilities: ["embed", "nli", "classify", "generate"],
  environment: { cacheDir: "RATATOSKR_CACHE_DIR", hubToken: "HF_TOKEN" },
  isConfigured: () => true,
  routing: [
    presetHint(
      "embedding",
      ["embed"],
      "a local ONNX embedding preset (only the local provider serves this name)",
    ),
    presetHint(
      "nli",
      ["nli", "classify"],
      "a local ONNX NLI preset (only the local provider serves this name)",
    ),
  ],
  localInference: true,
  create: (settings) => createLocalOnnx(settings),
};
