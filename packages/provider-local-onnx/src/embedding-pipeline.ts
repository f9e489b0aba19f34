/**
 * What turns an encoder's token vectors into a sentence embedding, read from
 * the repository as sentence-transformers reads it: `modules.json` lists the
 * modules (Transformer, Pooling, Normalize, …) and the Pooling module's
 * folder (`1_Pooling/config.json`) says which pooling modes are on. The
 * settings win over the files; a preset's model card only fills in for a
 * repository without them; the last default is mean pooling, normalised.
 *
 * @see https://sbert.net/docs/sentence_transformer/usage/custom_models.html#structure-of-sentence-transformer-models
 */
import { RatatoskrError } from "@ratatoskr/core";
import { POOLING_MODES, type Pooling, type ResolvedModel } from "./local-onnx-models.ts";
import { assertSafeRelativePath } from "./safe-paths.ts";

/** Pooling and normalisation of an embedding model, and where they came from. */
export interface EmbeddingPipeline {
  /** Pooling modes, concatenated in this order when there are several (sentence-transformers' order). */
  pooling: readonly Pooling[];
  normalize: boolean;
  /** Where `pooling` came from: the settings, the repository's files, the preset's model card, or the default. */
  poolingSource: "settings" | "modules.json" | "preset" | "default";
  /** Modules after pooling that this provider cannot apply (e.g. `Dense`): fine only for an already pooled output. */
  unsupportedModules: readonly string[];
}

/** The sentence-transformers modules of a repository that matter here. */
export interface SentenceTransformersModules {
  /** Folder of the Pooling module (`1_Pooling`), if there is one. */
  poolingPath?: string;
  normalize: boolean;
  /** Types of modules other than Transformer, Pooling and Normalize. */
  unsupported: string[];
}

function configurationError(spec: ResolvedModel, message: string): RatatoskrError {
  return new RatatoskrError({
    code: "configuration",
    provider: "local",
    model: spec.name,
    message: `Model "${spec.name}": ${message}`,
  });
}

/** Read `modules.json` (a list of `{ idx, name, path, type }`); a malformed file is a configuration error. */
export function sentenceTransformersModules(
  spec: ResolvedModel,
  modules: unknown,
): SentenceTransformersModules {
  if (!Array.isArray(modules)) {
    throw configurationError(spec, "modules.json must be a list of modules");
  }
  const result: SentenceTransformersModules = { normalize: false, unsupported: [] };
  for (const [index, module] of modules.entries()) {
    const type = (module as { type?: unknown } | null)?.type;
    const path = (module as { path?: unknown } | null)?.path;
    if (typeof type !== "string") {
      throw configurationError(spec, `modules.json entry ${index} has no type`);
    }
    const kind = type.slice(type.lastIndexOf(".") + 1);
    if (kind === "Transformer") continue;
    if (kind === "Normalize") result.normalize = true;
    else if (kind === "Pooling") {
      if (typeof path !== "string" || path === "") {
        throw configurationError(
          spec,
          `modules.json's Pooling module (entry ${index}) has no path`,
        );
      }
      // A path read from a model file is untrusted: relative, no "..", checked again on disk.
      assertSafeRelativePath(path, `model "${spec.name}" modules.json Pooling path`);
      result.poolingPath = path;
    } else result.unsupported.push(type);
  }
  return result;
}

/**
 * The pooling modes a Pooling module's `config.json` turns on, in
 * sentence-transformers' concatenation order (`pooling_mode_cls_token`, …, or
 * a `pooling_mode` string such as `"cls"` or `"mean+max"`).
 */
export function poolingModesOfConfig(
  spec: ResolvedModel,
  config: Record<string, unknown>,
): Pooling[] {
  const modes = new Set<Pooling>();
  const flags: Record<Pooling, string> = {
    cls: "pooling_mode_cls_token",
    max: "pooling_mode_max_tokens",
    mean: "pooling_mode_mean_tokens",
    mean_sqrt_len_tokens: "pooling_mode_mean_sqrt_len_tokens",
    weightedmean: "pooling_mode_weightedmean_tokens",
    lasttoken: "pooling_mode_lasttoken",
  };
  for (const mode of POOLING_MODES) if (config[flags[mode]] === true) modes.add(mode);
  if (typeof config.pooling_mode === "string") {
    for (const name of config.pooling_mode.split("+")) {
      const mode = POOLING_MODES.find((candidate) => candidate === name.trim());
      if (!mode) {
        throw configurationError(
          spec,
          `the Pooling config's pooling_mode "${config.pooling_mode}" is not one of ${POOLING_MODES.join(", ")}`,
        );
      }
      modes.add(mode);
    }
  }
  if (modes.size === 0)
    throw configurationError(spec, "the Pooling config turns no pooling mode on");
  return POOLING_MODES.filter((mode) => modes.has(mode));
}

/**
 * Decide an embedding model's pooling and normalisation: the settings first,
 * then `modules.json` (+ the Pooling config), then the preset's model card,
 * then mean pooling with normalisation.
 */
export function resolveEmbeddingPipeline(
  spec: ResolvedModel,
  files: { modules?: SentenceTransformersModules; poolingConfig?: Record<string, unknown> },
): EmbeddingPipeline {
  const { modules, poolingConfig } = files;
  let pooling: readonly Pooling[];
  let poolingSource: EmbeddingPipeline["poolingSource"];
  if (spec.pooling !== undefined) {
    pooling = [spec.pooling];
    poolingSource = "settings";
  } else if (modules?.poolingPath !== undefined) {
    if (!poolingConfig) {
      throw configurationError(
        spec,
        `modules.json names a Pooling module in ${modules.poolingPath}, but ${modules.poolingPath}/config.json is missing`,
      );
    }
    pooling = poolingModesOfConfig(spec, poolingConfig);
    poolingSource = "modules.json";
  } else if (spec.presetPooling !== undefined) {
    pooling = [spec.presetPooling];
    poolingSource = "preset";
  } else {
    pooling = ["mean"];
    poolingSource = "default";
  }
  return {
    pooling,
    normalize: spec.normalize ?? modules?.normalize ?? true,
    poolingSource,
    unsupportedModules: modules?.unsupported ?? [],
  };
}
