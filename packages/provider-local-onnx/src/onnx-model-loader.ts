/**
 * Turns a {@link ResolvedModel} into a loaded model: files located (local
 * directory) or downloaded (Hub), every path checked to stay inside the
 * model directory (external-data references included), then an
 * onnxruntime-node session on the selected device and the model's tokenizer.
 */
import { stat } from "node:fs/promises";
import { dirname, posix } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import type * as Ort from "onnxruntime-node";
import type { DeviceSelection } from "./device.ts";
import {
  type EmbeddingPipeline,
  resolveEmbeddingPipeline,
  type SentenceTransformersModules,
  sentenceTransformersModules,
} from "./embedding-pipeline.ts";
import type { HubDownloader } from "./hub-download.ts";
import type { ResolvedModel } from "./local-onnx-models.ts";
import type { ManagedModel } from "./model-manager.ts";
import { ModelTokenizer, readJson, readJsonValue } from "./model-tokenizer.ts";
import { externalDataLocationsOfFile } from "./onnx-external-data.ts";
import { assertSafeRelativePath, resolveInside } from "./safe-paths.ts";

/** A model ready to run. */
export interface LoadedOnnxModel extends ManagedModel {
  readonly spec: ResolvedModel;
  readonly session: Ort.InferenceSession;
  readonly tokenizer: ModelTokenizer;
  /** `config.json`, or `{}` when the model has none. */
  readonly config: Record<string, unknown>;
  /** `generation_config.json`, or `{}`. */
  readonly generationConfig: Record<string, unknown>;
  /** Embedding models: pooling and normalisation (from the settings, `modules.json`, the preset or the default). */
  readonly embedding?: EmbeddingPipeline;
  /** The device the session runs on (may differ from the request under `auto`). */
  readonly device: DeviceSelection;
  /** The onnxruntime module the session came from (to build tensors). */
  readonly ort: typeof Ort;
}

/** What a load needs besides the model. */
export interface LoadContext {
  hub: HubDownloader;
  device: DeviceSelection;
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  signal?: AbortSignal;
  /** Called when `auto` had to fall back to CPU after a CUDA session failed. */
  onFallback?: (selection: DeviceSelection) => void;
}

let ortModule: Promise<typeof Ort> | undefined;

/**
 * onnxruntime-node, imported on first use (importing this package stays
 * cheap). Public so that an app can check that the native runtime loads on
 * its machine before any model is used.
 */
export function loadOnnxRuntime(): Promise<typeof Ort> {
  ortModule ??= import("onnxruntime-node").catch((error: unknown) => {
    ortModule = undefined;
    throw new RatatoskrError({
      code: "configuration",
      provider: "local",
      message: "onnxruntime-node could not be loaded; install it (npm install onnxruntime-node)",
      cause: error,
    });
  });
  return ortModule;
}

interface ModelFiles {
  root: string;
  model: string;
  tokenizer: string;
  tokenizerConfig?: string;
  config?: string;
  generationConfig?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function directoryFiles(spec: ResolvedModel, root: string): Promise<ModelFiles> {
  try {
    if (!(await stat(root)).isDirectory()) throw new Error("not a directory");
  } catch (error) {
    throw new RatatoskrError({
      code: "configuration",
      provider: "local",
      model: spec.name,
      message: `Model "${spec.name}": ${root} is not a directory`,
      cause: error,
    });
  }
  let model: string | undefined;
  for (const candidate of spec.files) {
    assertSafeRelativePath(candidate, `model "${spec.name}" file`);
    if (await exists(posix.join(root, candidate))) {
      model = await resolveInside(root, candidate, `model "${spec.name}" file`);
      break;
    }
  }
  if (!model) {
    throw new RatatoskrError({
      code: "configuration",
      provider: "local",
      model: spec.name,
      message: `Model "${spec.name}": none of ${spec.files.join(", ")} exists in ${root}`,
    });
  }
  const optional = async (name: string) =>
    (await exists(posix.join(root, name)))
      ? resolveInside(root, name, `model "${spec.name}" ${name}`)
      : undefined;
  const tokenizer = await optional("tokenizer.json");
  if (!tokenizer) {
    throw new RatatoskrError({
      code: "configuration",
      provider: "local",
      model: spec.name,
      message: `Model "${spec.name}": tokenizer.json is missing in ${root}`,
    });
  }
  const files: ModelFiles = { root, model, tokenizer };
  const tokenizerConfig = await optional("tokenizer_config.json");
  const config = await optional("config.json");
  const generationConfig = await optional("generation_config.json");
  if (tokenizerConfig) files.tokenizerConfig = tokenizerConfig;
  if (config) files.config = config;
  if (generationConfig) files.generationConfig = generationConfig;
  return files;
}

async function hubFiles(spec: ResolvedModel, context: LoadContext): Promise<ModelFiles> {
  if (spec.source.type !== "hub") throw new Error("not a hub model");
  const { repo, revision } = spec.source;
  const { hub, signal } = context;
  let modelPath: string | undefined;
  for (const [index, candidate] of spec.files.entries()) {
    const optional = index < spec.files.length - 1;
    const path = await hub.file({ repo, revision, path: candidate, optional }, signal);
    if (path) {
      modelPath = candidate;
      break;
    }
  }
  const fetchFile = (path: string, optional: boolean) =>
    hub.file({ repo, revision, path, optional }, signal);
  await fetchFile("tokenizer.json", false);
  await Promise.all(
    [
      "tokenizer_config.json",
      "config.json",
      "generation_config.json",
      "special_tokens_map.json",
    ].map((name) => fetchFile(name, true)),
  );
  const root = hub.snapshotDir(repo, revision);
  if (spec.kind === "embedding") {
    // sentence-transformers' files say how to pool: modules.json, then the Pooling module's config.
    const modules = await fetchFile("modules.json", true);
    if (modules) {
      const { poolingPath } = sentenceTransformersModules(spec, await readJsonValue(modules));
      if (poolingPath !== undefined) await fetchFile(posix.join(poolingPath, "config.json"), true);
    }
  }
  // External data next to the model file (model.onnx_data, …): fetched before the checks below.
  for (const location of locationsOf(spec, posix.join(root, modelPath!))) {
    await fetchFile(posix.join(posix.dirname(modelPath!), location), false);
  }
  return directoryFiles({ ...spec, files: [modelPath!] }, root);
}

/** External-data references of the model file (its structure only is read), each checked to be a safe relative path. */
function locationsOf(spec: ResolvedModel, modelPath: string): string[] {
  let locations: string[];
  try {
    locations = externalDataLocationsOfFile(modelPath);
  } catch (error) {
    throw new RatatoskrError({
      code: "data",
      provider: "local",
      model: spec.name,
      message: `Model "${spec.name}": the ONNX file is not a valid model (${error instanceof Error ? error.message : String(error)})`,
      cause: error,
    });
  }
  for (const location of locations)
    assertSafeRelativePath(location, `model "${spec.name}" external data`);
  return locations;
}

/** Load `spec`: locate or download its files, check every path, create the session and tokenizer. */
export async function loadOnnxModel(
  spec: ResolvedModel,
  context: LoadContext,
): Promise<LoadedOnnxModel> {
  const files =
    spec.source.type === "directory"
      ? await directoryFiles(spec, spec.source.path)
      : await hubFiles(spec, context);
  let approximateBytes = (await stat(files.model)).size;
  for (const location of locationsOf(spec, files.model)) {
    // onnxruntime resolves a location against the model file's directory (itself inside the model
    // directory): it must stay there, symlinks included.
    const real = await resolveInside(
      dirname(files.model),
      location,
      `model "${spec.name}" external data`,
    );
    approximateBytes += (await stat(real)).size;
  }
  const ort = await loadOnnxRuntime();
  const tokenizer = await ModelTokenizer.load(files.tokenizer, files.tokenizerConfig);
  const config = files.config ? await readJson(files.config) : {};
  const generationConfig = files.generationConfig ? await readJson(files.generationConfig) : {};
  // Every file is read before the session exists, so a bad file never leaves a session behind.
  const embedding =
    spec.kind === "embedding" ? await embeddingPipelineOf(spec, files.root) : undefined;
  let device = context.device;
  const create = (selection: DeviceSelection) =>
    ort.InferenceSession.create(files.model, {
      executionProviders: selection.executionProviders,
      graphOptimizationLevel: "all",
      ...(context.intraOpNumThreads === undefined
        ? {}
        : { intraOpNumThreads: context.intraOpNumThreads }),
      ...(context.interOpNumThreads === undefined
        ? {}
        : { interOpNumThreads: context.interOpNumThreads }),
    });
  let session: Ort.InferenceSession;
  try {
    session = await create(device);
  } catch (error) {
    if (device.device === "cuda" && device.requested === "auto") {
      device = {
        requested: device.requested,
        device: "cpu",
        reason: `auto: the CUDA session failed (${error instanceof Error ? error.message : String(error)}); using CPU`,
        executionProviders: ["cpu"],
      };
      context.onFallback?.(device);
      session = await create(device).catch((inner: unknown) => {
        throw sessionError(spec, inner);
      });
    } else if (device.device === "cuda") {
      throw new RatatoskrError({
        code: "configuration",
        provider: "local",
        model: spec.name,
        message: `Model "${spec.name}": creating a CUDA session failed: ${error instanceof Error ? error.message : String(error)}. Check the CUDA 12 / cuDNN 9 installation, or use device "cpu" or "auto"`,
        cause: error,
      });
    } else {
      throw sessionError(spec, error);
    }
  }
  return {
    spec,
    session,
    tokenizer,
    config,
    generationConfig,
    ...(embedding ? { embedding } : {}),
    device,
    ort,
    approximateBytes,
    dispose: () => session.release(),
  };
}

/** The embedding pipeline of the model in `root`: its `modules.json` and Pooling config, if it has them. */
async function embeddingPipelineOf(spec: ResolvedModel, root: string): Promise<EmbeddingPipeline> {
  let modules: SentenceTransformersModules | undefined;
  let poolingConfig: Record<string, unknown> | undefined;
  if (await exists(posix.join(root, "modules.json"))) {
    const path = await resolveInside(root, "modules.json", `model "${spec.name}" modules.json`);
    modules = sentenceTransformersModules(spec, await readJsonValue(path));
    if (modules.poolingPath !== undefined) {
      const relative = posix.join(modules.poolingPath, "config.json");
      if (await exists(posix.join(root, relative))) {
        const configPath = await resolveInside(root, relative, `model "${spec.name}" ${relative}`);
        poolingConfig = await readJson(configPath);
      }
    }
  }
  return resolveEmbeddingPipeline(spec, {
    ...(modules ? { modules } : {}),
    ...(poolingConfig ? { poolingConfig } : {}),
  });
}

function sessionError(spec: ResolvedModel, error: unknown): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    provider: "local",
    model: spec.name,
    message: `Model "${spec.name}": onnxruntime could not load the model: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}
