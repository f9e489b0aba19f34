/**
 * Model presets and the resolution of a model name or setting to a
 * {@link ResolvedModel}: where its files are (local directory or Hub repo),
 * which ONNX file to load, and how to post-process its output.
 */
import { RatatoskrError } from "@ratatoskr/core";
import { assertSafeRelativePath } from "./safe-paths.ts";

/**
 * How token vectors become one sentence vector: sentence-transformers'
 * pooling modes, by the names its `Pooling` module uses. `cls` takes the
 * first token, `mean` / `max` average or take the maximum over the real
 * (unmasked) tokens, `mean_sqrt_len_tokens` divides the sum by √length,
 * `weightedmean` weights position t by t (1-based), `lasttoken` takes the
 * last real token.
 *
 * @see https://sbert.net/docs/package_reference/sentence_transformer/models.html#sentence_transformers.models.Pooling
 */
export type Pooling =
  | "cls"
  | "mean"
  | "max"
  | "mean_sqrt_len_tokens"
  | "weightedmean"
  | "lasttoken";

/** Every {@link Pooling} mode, in the order sentence-transformers concatenates them when several are on. */
export const POOLING_MODES: readonly Pooling[] = [
  "cls",
  "max",
  "mean",
  "mean_sqrt_len_tokens",
  "weightedmean",
  "lasttoken",
];

/** What a model is used for. */
export type ModelKind = "embedding" | "nli" | "generation";

/** A custom model: a local directory or a Hub repo, plus how to use it. */
export interface CustomModelSettings {
  /** The name callers pass as `model` (`embed(text, name)`). */
  name: string;
  /** A local directory holding the ONNX file, `tokenizer.json` and (for NLI) `config.json`. */
  path?: string;
  /** A Hugging Face Hub repo (`org/name`), downloaded once into the cache directory. */
  repo?: string;
  /** Hub revision (branch, tag or commit). Default `main`. */
  revision?: string;
  /** The ONNX file inside the directory or repo. Default: `onnx/model.onnx`, else `model.onnx`. */
  file?: string;
  /**
   * Embeddings: pooling. Default: what the repository's `modules.json` and
   * `1_Pooling/config.json` say, else the preset's model card, else `mean`.
   */
  pooling?: Pooling;
  /**
   * Embeddings: L2-normalise the vector. Default: whether `modules.json` has a
   * `Normalize` module, else true.
   */
  normalize?: boolean;
  /** Maximum tokens per input; longer inputs are truncated. Default 512 (embeddings, NLI). */
  maxLength?: number;
  /** Embeddings: the vector size, when known (checked against the model's output). */
  dimensions?: number;
  /** Other names that select this model. */
  aliases?: string[];
}

/** A model setting: a preset name, a Hub repo (`org/name`), or a {@link CustomModelSettings}. */
export type ModelSetting = string | CustomModelSettings;

/** Where a model's files come from. */
export type ModelSource =
  | {
      /** Files in a directory on this machine. */
      type: "directory";
      /** The directory. */
      path: string;
    }
  | {
      /** Files of a Hugging Face Hub repository, downloaded into the cache. */
      type: "hub";
      /** The repository (`org/name`). */
      repo: string;
      /** A branch, tag or commit. */
      revision: string;
    };

/** A model setting resolved to everything the provider needs. */
export interface ResolvedModel {
  /** Canonical name (the preset name, or the custom `name`). */
  name: string;
  /** What the model is used for. */
  kind: ModelKind;
  /** Where its files come from. */
  source: ModelSource;
  /** ONNX files to try, in order (relative to the model directory). */
  files: string[];
  /** Pooling set in the settings: wins over the repository's files. */
  pooling?: Pooling;
  /** Normalisation set in the settings: wins over the repository's files. */
  normalize?: boolean;
  /** What the preset's model card says, for a repository without `modules.json`. */
  presetPooling?: Pooling;
  /** Maximum tokens per input; longer inputs are truncated. */
  maxLength: number;
  /** Embeddings: the vector size, when known. */
  dimensions?: number;
  /** Other names that select this model. */
  aliases: string[];
}

/** A built-in model preset (ORIGINAL-API.md "Local models"). */
export interface ModelPreset {
  /** The preset's name (what a call's `model` says). */
  name: string;
  /** What the model is used for. */
  kind: ModelKind;
  /** The Hugging Face Hub repository (`org/name`). */
  repo: string;
  /** The ONNX file in the repository. */
  file: string;
  /** The model card's pooling: used only when the repository has no `modules.json` / `1_Pooling/config.json`. */
  pooling: Pooling;
  /** Embeddings: the vector size. */
  dimensions?: number;
  /** Token limit the model was trained with (sentence-transformers `max_seq_length`). */
  maxLength: number;
  /** Other names that select this preset. */
  aliases: string[];
}

/**
 * Built-in presets. Pooling and normalisation come from each repository's
 * sentence-transformers files when it has them; the table's pooling is the
 * model card's, for repositories without them. Inputs are
 * truncated as sentence-transformers does for each model
 * (`sentence_bert_config.json` `max_seq_length`): all-MiniLM-L6-v2 256,
 * all-MiniLM-L12-v2 128, BGE and the NLI cross-encoders 512.
 *
 * @see https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (mean pooling, normalised)
 * @see https://huggingface.co/BAAI/bge-small-en-v1.5 (CLS pooling, normalised)
 * @see https://huggingface.co/cross-encoder/nli-deberta-v3-base (labels contradiction, entailment, neutral)
 */
export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    name: "AllMiniLmL6V2",
    kind: "embedding",
    repo: "Qdrant/all-MiniLM-L6-v2-onnx",
    file: "model.onnx",
    pooling: "mean",
    dimensions: 384,
    maxLength: 256,
    aliases: ["all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"],
  },
  {
    name: "AllMiniLmL12V2",
    kind: "embedding",
    repo: "Xenova/all-MiniLM-L12-v2",
    file: "onnx/model.onnx",
    pooling: "mean",
    dimensions: 384,
    maxLength: 128,
    aliases: ["all-MiniLM-L12-v2", "sentence-transformers/all-MiniLM-L12-v2"],
  },
  {
    name: "BgeSmallEn",
    kind: "embedding",
    repo: "Xenova/bge-small-en-v1.5",
    file: "onnx/model.onnx",
    pooling: "cls",
    dimensions: 384,
    maxLength: 512,
    aliases: ["bge-small-en-v1.5", "BAAI/bge-small-en-v1.5"],
  },
  {
    name: "BgeBaseEn",
    kind: "embedding",
    repo: "Xenova/bge-base-en-v1.5",
    file: "onnx/model.onnx",
    pooling: "cls",
    dimensions: 768,
    maxLength: 512,
    aliases: ["bge-base-en-v1.5", "BAAI/bge-base-en-v1.5"],
  },
  {
    name: "NliDebertaV3Base",
    kind: "nli",
    repo: "cross-encoder/nli-deberta-v3-base",
    file: "onnx/model.onnx",
    pooling: "cls",
    maxLength: 512,
    aliases: ["nli-deberta-v3-base"],
  },
  {
    name: "NliDebertaV3Small",
    kind: "nli",
    repo: "cross-encoder/nli-deberta-v3-small",
    file: "onnx/model.onnx",
    pooling: "cls",
    maxLength: 512,
    aliases: ["nli-deberta-v3-small"],
  },
];

const DEFAULT_FILES = ["onnx/model.onnx", "model.onnx"];
const REPO_PATTERN = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;
const REVISION_PATTERN = /^[\w.-]+$/;

/** Whether `value` looks like a Hub repo id (`org/name`). */
export function isHubRepo(value: string): boolean {
  return REPO_PATTERN.test(value) && !value.includes("..");
}

/** Whether `value` is a Hub revision (branch, tag or commit) that is safe as a cache folder name. */
export function isHubRevision(value: string): boolean {
  return REVISION_PATTERN.test(value) && !value.includes("..");
}

function configurationError(message: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message, provider: "local" });
}

function presetFor(name: string, kind?: ModelKind): ModelPreset | undefined {
  const wanted = name.toLowerCase();
  return MODEL_PRESETS.find(
    (preset) =>
      (kind === undefined || preset.kind === kind) &&
      (preset.name.toLowerCase() === wanted ||
        preset.repo.toLowerCase() === wanted ||
        preset.aliases.some((alias) => alias.toLowerCase() === wanted)),
  );
}

function fromPreset(preset: ModelPreset): ResolvedModel {
  return {
    name: preset.name,
    kind: preset.kind,
    source: { type: "hub", repo: preset.repo, revision: "main" },
    files: [preset.file],
    presetPooling: preset.pooling,
    maxLength: preset.maxLength,
    ...(preset.dimensions === undefined ? {} : { dimensions: preset.dimensions }),
    aliases: [preset.repo, ...preset.aliases],
  };
}

/** Resolve one model setting of kind `kind`; throws a `configuration` error when it is unusable. */
export function resolveModelSetting(setting: ModelSetting, kind: ModelKind): ResolvedModel {
  if (typeof setting === "string") {
    const preset = presetFor(setting, kind);
    if (preset) return fromPreset(preset);
    if (isHubRepo(setting)) return resolveModelSetting({ name: setting, repo: setting }, kind);
    throw configurationError(
      `Unknown ${kind} model "${setting}": use a preset (${MODEL_PRESETS.filter(
        (p) => p.kind === kind,
      )
        .map((p) => p.name)
        .join(", ")}), a Hub repo "org/name", or { name, path | repo }`,
    );
  }
  if (typeof setting.name !== "string" || setting.name.trim() === "") {
    throw configurationError("A custom model needs a non-empty name");
  }
  if ((setting.path === undefined) === (setting.repo === undefined)) {
    throw configurationError(
      `Model "${setting.name}" needs exactly one of path (a directory) or repo (a Hub repo)`,
    );
  }
  if (setting.repo !== undefined && !isHubRepo(setting.repo)) {
    throw configurationError(
      `Model "${setting.name}": repo must look like "org/name", got "${setting.repo}"`,
    );
  }
  const revision = setting.revision ?? "main";
  if (!isHubRevision(revision)) {
    throw configurationError(`Model "${setting.name}": invalid revision "${revision}"`);
  }
  const files = setting.file === undefined ? DEFAULT_FILES : [setting.file];
  for (const file of files) assertSafeRelativePath(file, `model "${setting.name}" file`);
  if (setting.pooling !== undefined && !POOLING_MODES.includes(setting.pooling)) {
    throw configurationError(
      `Model "${setting.name}": pooling must be one of ${POOLING_MODES.join(", ")}, got ${JSON.stringify(setting.pooling)}`,
    );
  }
  if (setting.normalize !== undefined && typeof setting.normalize !== "boolean") {
    throw configurationError(`Model "${setting.name}": normalize must be true or false`);
  }
  // A custom model named like a preset (e.g. a local copy of all-MiniLM-L6-v2) keeps the preset's limits,
  // and its model card's pooling for a directory without sentence-transformers files.
  const preset = presetFor(setting.name, kind);
  const maxLength = setting.maxLength ?? preset?.maxLength ?? 512;
  const dimensions = setting.dimensions ?? preset?.dimensions;
  if (!Number.isInteger(maxLength) || maxLength < 2) {
    throw configurationError(`Model "${setting.name}": maxLength must be an integer ≥ 2`);
  }
  return {
    name: setting.name,
    kind,
    source:
      setting.path !== undefined
        ? { type: "directory", path: setting.path }
        : { type: "hub", repo: setting.repo!, revision },
    files,
    ...(setting.pooling === undefined ? {} : { pooling: setting.pooling }),
    ...(setting.normalize === undefined ? {} : { normalize: setting.normalize }),
    ...(preset === undefined ? {} : { presetPooling: preset.pooling }),
    maxLength,
    ...(dimensions === undefined ? {} : { dimensions }),
    aliases: [
      ...(setting.aliases ?? []),
      ...(preset ? [preset.name, ...preset.aliases] : []),
      ...(setting.repo !== undefined && setting.repo !== setting.name ? [setting.repo] : []),
    ],
  };
}

/** The configured models of each kind, plus the presets, looked up by name or alias. */
export class ModelCatalog {
  readonly #configured: ResolvedModel[];

  constructor(settings: Partial<Record<ModelKind, readonly ModelSetting[] | undefined>>) {
    this.#configured = [];
    for (const kind of ["embedding", "nli", "generation"] as const) {
      for (const setting of settings[kind] ?? [])
        this.#configured.push(resolveModelSetting(setting, kind));
    }
  }

  /** The configured models (not the unconfigured presets). */
  configured(): readonly ResolvedModel[] {
    return this.#configured;
  }

  /** The model of `kind` called `name` (configured first, then presets), or undefined. */
  find(name: string, kind: ModelKind): ResolvedModel | undefined {
    const wanted = name.toLowerCase();
    const configured = this.#configured.find(
      (model) =>
        model.kind === kind &&
        (model.name.toLowerCase() === wanted ||
          model.aliases.some((alias) => alias.toLowerCase() === wanted)),
    );
    if (configured) return configured;
    const preset = presetFor(name, kind);
    return preset ? fromPreset(preset) : undefined;
  }
}
