/**
 * The local provider's model catalog: what it can serve and the state of
 * each model on this machine. Nothing here goes to the network.
 *
 * - `listModels`: the configured models, then the presets not configured
 *   under the same name, each once (`Embed`, `Nli` + `Classify` or
 *   `Generate`, all `LocalInference`; the context window is the token limit
 *   inputs are cut to). A model whose ONNX file is on disk (in the cache, or
 *   in its configured directory) is listed with `source: "cache"`, any other
 *   with `source: "registry"` (it is downloaded on first use). Cached Hub
 *   repositories that are neither configured nor preset are not listed: the
 *   provider does not serve them.
 * - `modelStatus`: `ready` (loaded: device, approximate bytes), `loading`
 *   (its load runs, files on disk), `downloading` (its load runs and the
 *   ONNX file is not on disk yet; the downloader reports no byte counts, so
 *   there is no `progress`), `available` (files on disk, or downloadable on
 *   first use), `unavailable` (not served, a configured directory without
 *   the file, or not cached while offline), each with a reason where one
 *   helps.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import {
  abortedError,
  type CallRequestV1,
  type ListedModelV1,
  type ListModelsResultV1,
  type ModelCapability,
  type ModelCatalogV1,
  type ModelStatusResultV1,
} from "@ratatoskr/core";
import type { DeviceSelection } from "./device.ts";
import type { HubDownloader } from "./hub-download.ts";
import {
  MODEL_PRESETS,
  type ModelCatalog,
  type ModelKind,
  type ResolvedModel,
} from "./local-onnx-models.ts";
import type { ManagedModel, ModelManager } from "./model-manager.ts";

/** What the catalog reads of its provider. */
export interface LocalOnnxCatalogContext {
  catalog: ModelCatalog;
  hub: HubDownloader;
  /** The model manager's load state (keys are `kind:name`). */
  manager: Pick<ModelManager<ManagedModel>, "isLoading" | "bytesOf">;
  device: () => DeviceSelection;
}

const KINDS: readonly ModelKind[] = ["embedding", "nli", "generation"];

const CAPABILITIES: Readonly<Record<ModelKind, readonly ModelCapability[]>> = {
  embedding: ["Embed", "LocalInference"],
  nli: ["Nli", "Classify", "LocalInference"],
  generation: ["Generate", "LocalInference"],
};

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether one of the model's ONNX files is on disk (cache snapshot or configured directory). */
async function onDisk(model: ResolvedModel, hub: HubDownloader): Promise<boolean> {
  let root: string;
  if (model.source.type === "directory") root = model.source.path;
  else {
    try {
      root = hub.snapshotDir(model.source.repo, model.source.revision);
    } catch {
      return false;
    }
  }
  for (const file of model.files) if (await exists(join(root, file))) return true;
  return false;
}

/** The models the provider serves: the configured ones, then the presets not configured by name. */
function servedModels(context: LocalOnnxCatalogContext): ResolvedModel[] {
  const served: ResolvedModel[] = [...context.catalog.configured()];
  const taken = new Set(served.map((model) => `${model.kind}:${model.name.toLowerCase()}`));
  for (const preset of MODEL_PRESETS) {
    if (taken.has(`${preset.kind}:${preset.name.toLowerCase()}`)) continue;
    // A configured model may answer to the preset's name (an alias): it is listed already.
    const resolved = context.catalog.find(preset.name, preset.kind);
    const key = `${preset.kind}:${resolved?.name.toLowerCase()}`;
    if (resolved !== undefined && !taken.has(key)) {
      taken.add(key);
      served.push(resolved);
    }
  }
  return served;
}

/** The model catalog of the local provider (see the module comment). */
export function createLocalOnnxModelCatalog(context: LocalOnnxCatalogContext): ModelCatalogV1 {
  const { hub, manager } = context;
  return {
    async listModels(request): Promise<ListModelsResultV1> {
      if (request.signal.aborted) throw abortedError(request.signal);
      const models: ListedModelV1[] = [];
      for (const model of servedModels(context)) {
        models.push({
          id: model.name,
          provider: "local",
          capabilities: [...CAPABILITIES[model.kind]],
          context_window: model.maxLength,
          dimensions: model.dimensions ?? null,
          source: (await onDisk(model, hub)) ? "cache" : "registry",
        });
      }
      if (request.signal.aborted) throw abortedError(request.signal);
      return { models };
    },

    async modelStatus(request: CallRequestV1): Promise<ModelStatusResultV1> {
      if (request.signal.aborted) throw abortedError(request.signal);
      const found = KINDS.map((kind) => context.catalog.find(request.model, kind)).filter(
        (model): model is ResolvedModel => model !== undefined,
      );
      if (found.length === 0) {
        return {
          state: "unavailable",
          reason: `no local model "${request.model}" is configured or preset`,
        };
      }
      for (const model of found) {
        const bytes = manager.bytesOf(`${model.kind}:${model.name}`);
        if (bytes !== undefined) {
          const device = context.device();
          return {
            state: "ready",
            device:
              device.deviceId === undefined ? device.device : `${device.device}:${device.deviceId}`,
            memoryBytes: bytes,
          };
        }
      }
      const model = found[0]!;
      const cached = await onDisk(model, hub);
      if (found.some((candidate) => manager.isLoading(`${candidate.kind}:${candidate.name}`))) {
        if (!cached && model.source.type === "hub" && hub.fetching(model.source.repo)) {
          return { state: "downloading", reason: `downloading ${model.source.repo}` };
        }
        return { state: "loading" };
      }
      if (cached) return { state: "available" };
      if (model.source.type === "directory") {
        return {
          state: "unavailable",
          reason: `no ONNX file (${model.files.join(" or ")}) in ${model.source.path}`,
        };
      }
      if (hub.offline) {
        return {
          state: "unavailable",
          reason: `${model.source.repo} is not cached and downloads are off (offline / HF_HUB_OFFLINE)`,
        };
      }
      // Downloaded from the Hub on first use.
      return { state: "available" };
    },
  };
}
