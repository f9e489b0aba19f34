/**
 * `createLocalOnnx(settings)`: the local inference provider (provider
 * specification v1) — embeddings, NLI, zero-shot classification and text
 * generation on onnxruntime-node, on CPU or CUDA. Requests arrive
 * normalised (the model without its `local:` prefix, one `signal`, this
 * provider's own `providerOptions` entry); the gateway owns deadlines,
 * retries and fallbacks.
 */
import {
  abortedError,
  assertLabels,
  assertNliPairs,
  assertText,
  assertTexts,
  type Capability,
  type ClassificationModelV1,
  type ClassificationRequestV1,
  type ClassificationResultV1,
  collectGenerationStreamParts,
  type EmbeddingModelV1,
  type EmbeddingRequestV1,
  type EmbeddingResultV1,
  type GenerationModelV1,
  type GenerationRequestV1,
  type GenerationStreamPartV1,
  invalidInput,
  type ModelCatalogV1,
  type ModelSupportV1,
  type NliModelV1,
  type NliRequestV1,
  type NliResultV1,
  type ProviderV1,
  RatatoskrError,
  type WarningV1,
} from "@ratatoskr/core";
import { raceAbort } from "@ratatoskr/provider-utils";
import {
  type CudaProbe,
  type DeviceSelection,
  type DeviceSetting,
  probeCuda,
  selectDevice,
} from "./device.ts";
import { DEFAULT_HUB_URL, defaultCacheDir, HubDownloader, offlineFromEnv } from "./hub-download.ts";
import { embedTexts } from "./local-onnx-embeddings.ts";
import { generateTokens } from "./local-onnx-generation.ts";
import {
  type LocalGenerationRequest,
  localGenerationRequest,
} from "./local-onnx-generation-request.ts";
import { createLocalOnnxModelCatalog } from "./local-onnx-model-catalog.ts";
import {
  ModelCatalog,
  type ModelKind,
  type ModelSetting,
  type ResolvedModel,
} from "./local-onnx-models.ts";
import {
  hypothesisOf,
  nliLabelIndices,
  pairLogits,
  toNliResult,
  zeroShotScores,
} from "./local-onnx-nli.ts";
import { localEncoderOptionWarnings } from "./local-onnx-provider-options.ts";
import { ModelManager } from "./model-manager.ts";
import { type LoadedOnnxModel, loadOnnxModel } from "./onnx-model-loader.ts";

/** Settings of {@link createLocalOnnx}. */
export interface LocalOnnxSettings {
  /** Embedding models: presets (`AllMiniLmL6V2`, `all-MiniLM-L6-v2`, …), Hub repos, or custom settings. Presets work unlisted too. */
  embeddingModels?: ModelSetting[];
  /** NLI cross-encoders (`NliDebertaV3Base`, …, or custom); also used for zero-shot classification. */
  nliModels?: ModelSetting[];
  /** Causal LMs exported to ONNX with a KV cache (Hub repo or custom). */
  generationModels?: ModelSetting[];
  /** `cpu` (default), `cuda`, `cuda:N`, `{ type: "cuda", deviceId }`, or `auto`. */
  device?: DeviceSetting;
  /** Model cache directory. Default `RATATOSKR_CACHE_DIR`, else the user cache dir + `ratatoskr/models`. */
  cacheDir?: string;
  /** Never download; use only cached files. Default: `HF_HUB_OFFLINE`. */
  offline?: boolean;
  /**
   * Hub address. Default `https://huggingface.co`. An http(s) URL without
   * credentials: anything else is an `invalid_input` error at creation.
   */
  hubUrl?: string;
  /** Hub token for gated/private repos. Default `HF_TOKEN`. Sent to the Hub host only. */
  hubToken?: string;
  /** `fetch` used for downloads (tests inject one). */
  fetch?: typeof globalThis.fetch;
  /** onnxruntime intra-op threads per session (default: onnxruntime's choice). */
  intraOpNumThreads?: number;
  /** onnxruntime inter-op threads per session. */
  interOpNumThreads?: number;
  /** Most models loaded at once (default 4); least recently used are unloaded first. */
  maxLoadedModels?: number;
  /** Approximate memory budget for loaded models in bytes (model file sizes); default unlimited. */
  memoryBudgetBytes?: number;
  /** Most texts or pairs per forward pass (default 64); larger inputs run in several batches. */
  maxBatchSize?: number;
  /** Told which device was chosen and why (also after an `auto` fallback). */
  onDeviceSelected?: (selection: DeviceSelection) => void;
  /** @internal Replace the CUDA probe (tests). */
  cudaProbe?: () => CudaProbe;
}

/**
 * The local provider: a {@link ProviderV1} with every capability object it
 * offers (embeddings, NLI, zero-shot classification, generation), plus
 * model management.
 */
export interface LocalOnnxProvider extends ProviderV1 {
  readonly id: "local";
  readonly embedding: EmbeddingModelV1;
  readonly nli: NliModelV1;
  readonly classification: Required<ClassificationModelV1>;
  readonly generation: Required<GenerationModelV1>;
  /** The served models (configured and preset, cached or not) and their state on this machine. */
  readonly models: ModelCatalogV1;
  /** The device in use and why it was chosen. */
  deviceSelection(): DeviceSelection;
  /** Load a model now (downloading it if needed), e.g. at startup. Without `kind`, the first kind that knows the name. */
  preload(model: string, kind?: ModelKind): Promise<void>;
  /** Unload a model (of `kind`, or of every kind with that name); returns whether anything was loaded. */
  unload(model: string, kind?: ModelKind): Promise<boolean>;
  /** Names of the loaded models (`kind:name`), most recently used first. */
  loaded(): string[];
  /** Resolve a model name to its settings (undefined when not served). */
  resolveModel(model: string, kind: ModelKind): ResolvedModel | undefined;
  /** Unload every model (the gateway's `dispose()` calls it). */
  dispose(): Promise<void>;
}

const KINDS: readonly ModelKind[] = ["embedding", "nli", "generation"];

const KIND_FOR: Record<Capability, ModelKind | undefined> = {
  embed: "embedding",
  nli: "nli",
  classify: "nli",
  generate: "generation",
  chat: undefined,
  countTokens: undefined,
};

/** The hypothesis of zero-shot classification when the caller gives none (the transformers pipeline's). */
const DEFAULT_HYPOTHESIS_TEMPLATE = "This example is {}.";

/** `warnings` as a result field: absent when there are none. */
function warningsField(warnings: readonly WarningV1[]): { warnings?: readonly WarningV1[] } {
  return warnings.length === 0 ? {} : { warnings };
}

/** The hypothesis template of a classification, checked: it must say where the label goes. */
function hypothesisTemplate(request: ClassificationRequestV1): string {
  const template = request.settings.hypothesisTemplate ?? DEFAULT_HYPOTHESIS_TEMPLATE;
  if (!template.includes("{}")) {
    throw invalidInput(
      `options.hypothesisTemplate must contain "{}" (where the label goes), got "${template}"`,
      { field: "options.hypothesisTemplate" },
    );
  }
  return template;
}

/**
 * Create the local ONNX provider. Creating it loads nothing: onnxruntime-node
 * and a model load on the model's first call (or `preload()`).
 *
 * @example
 * ```ts
 * const local = createLocalOnnx({ embeddingModels: ["AllMiniLmL6V2"], nliModels: ["NliDebertaV3Base"], device: "auto" });
 * const gateway = await Ratatoskr.builder().use(local).build();
 * const { values } = await gateway.embed("hello", "all-MiniLM-L6-v2");
 * ```
 */
export function createLocalOnnx(settings: LocalOnnxSettings = {}): LocalOnnxProvider {
  const catalog = new ModelCatalog({
    embedding: settings.embeddingModels,
    nli: settings.nliModels,
    generation: settings.generationModels,
  });
  let selection: DeviceSelection | undefined;
  const device = (): DeviceSelection => {
    if (!selection) {
      selection = selectDevice(settings.device, settings.cudaProbe ?? probeCuda);
      settings.onDeviceSelected?.(selection);
    }
    return selection;
  };
  // Validate the device setting now: a bad or unavailable explicit device is a configuration error at creation.
  device();
  const hub = new HubDownloader({
    cacheDir: settings.cacheDir ?? defaultCacheDir(),
    hubUrl: settings.hubUrl ?? DEFAULT_HUB_URL,
    offline: settings.offline ?? offlineFromEnv(),
    fetch: settings.fetch ?? globalThis.fetch,
    ...((settings.hubToken ?? process.env.HF_TOKEN)
      ? { token: settings.hubToken ?? process.env.HF_TOKEN! }
      : {}),
  });
  const manager = new ModelManager<LoadedOnnxModel>({
    ...(settings.maxLoadedModels === undefined
      ? {}
      : { maxLoadedModels: settings.maxLoadedModels }),
    ...(settings.memoryBudgetBytes === undefined
      ? {}
      : { memoryBudgetBytes: settings.memoryBudgetBytes }),
  });
  const maxBatchSize = Math.max(1, settings.maxBatchSize ?? 64);

  const resolve = (model: string, kind: ModelKind): ResolvedModel => {
    const resolved = catalog.find(model, kind);
    if (!resolved) {
      throw new RatatoskrError({
        code: "model_not_available",
        provider: "local",
        model,
        message: `The local provider has no ${kind} model "${model}"; configure it in ${kind}Models`,
      });
    }
    return resolved;
  };

  const withModel = async <R>(
    model: string,
    kind: ModelKind,
    signal: AbortSignal | undefined,
    body: (loaded: LoadedOnnxModel) => Promise<R>,
  ): Promise<R> => {
    const resolved = resolve(model, kind);
    if (signal?.aborted) throw abortedError(signal);
    const key = `${kind}:${resolved.name}`;
    // The load is shared by every caller (single flight), so it does not take this caller's signal:
    // an abort or deadline ends this call at once, while a download or load goes on for the others
    // (and for the next call). Inference already started finishes in the background.
    const use = manager.use(
      key,
      () =>
        loadOnnxModel(resolved, {
          hub,
          device: device(),
          ...(settings.intraOpNumThreads === undefined
            ? {}
            : { intraOpNumThreads: settings.intraOpNumThreads }),
          ...(settings.interOpNumThreads === undefined
            ? {}
            : { interOpNumThreads: settings.interOpNumThreads }),
          onFallback: (fallback) => {
            selection = fallback;
            settings.onDeviceSelected?.(fallback);
          },
        }),
      async (loaded) => {
        if (signal?.aborted) throw abortedError(signal);
        return body(loaded);
      },
    );
    return raceAbort(use, signal);
  };

  /** The parts of one generation on a loaded model: the answering model, predicted warnings, then the decoder's parts. */
  async function* generationParts(
    loaded: LoadedOnnxModel,
    prompt: string,
    call: LocalGenerationRequest,
  ): AsyncGenerator<GenerationStreamPartV1> {
    yield { type: "response_metadata", model: loaded.spec.name };
    for (const warning of call.warnings) yield { type: "warning", warning };
    yield* generateTokens(loaded, prompt, call.decoding);
  }

  async function* streamGeneration(
    request: GenerationRequestV1,
  ): AsyncGenerator<GenerationStreamPartV1> {
    // The request is checked before anything loads.
    const call = localGenerationRequest(request);
    const { signal } = request;
    const resolved = resolve(request.model, "generation");
    if (signal.aborted) throw abortedError(signal);
    // Hold the model for the whole stream so it is not disposed mid-generation.
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolveHold) => {
      release = resolveHold;
    });
    const ready = new Promise<LoadedOnnxModel>((resolveReady, rejectReady) => {
      withModel(resolved.name, "generation", signal, async (loaded) => {
        resolveReady(loaded);
        await held;
      }).catch(rejectReady);
    });
    try {
      yield* generationParts(await ready, request.prompt, call);
    } finally {
      release?.();
    }
  }

  const embedding: EmbeddingModelV1 = {
    warningsFor: (request) => localEncoderOptionWarnings(request.providerOptions),
    async embed(request: EmbeddingRequestV1): Promise<EmbeddingResultV1> {
      assertTexts(request.values, "values");
      const warnings = localEncoderOptionWarnings(request.providerOptions);
      return withModel(request.model, "embedding", request.signal, async (loaded) => {
        const vectors = await embedTexts(loaded, request.values, maxBatchSize);
        return {
          embeddings: vectors.map((values) => ({
            values,
            model: loaded.spec.name,
            dimensions: values.length,
          })),
          response: { model: loaded.spec.name },
          ...warningsField(warnings),
        };
      });
    },
  };

  const nli: NliModelV1 = {
    warningsFor: (request) => localEncoderOptionWarnings(request.providerOptions),
    async infer(request: NliRequestV1): Promise<NliResultV1> {
      assertNliPairs(request.pairs);
      const warnings = localEncoderOptionWarnings(request.providerOptions);
      return withModel(request.model, "nli", request.signal, async (loaded) => {
        const indices = nliLabelIndices(loaded.config, loaded.spec.name);
        const logits = await pairLogits(loaded, request.pairs, maxBatchSize);
        return {
          results: logits.map((row) => toNliResult(row, indices, loaded.spec.name)),
          response: { model: loaded.spec.name },
          ...warningsField(warnings),
        };
      });
    },
  };

  const classification: Required<ClassificationModelV1> = {
    warningsFor: (request) => {
      hypothesisTemplate(request);
      return localEncoderOptionWarnings(request.providerOptions);
    },
    async classifyZeroShot(request: ClassificationRequestV1): Promise<ClassificationResultV1> {
      const { text, labels } = request;
      assertText(text, "text");
      assertLabels(labels);
      const template = hypothesisTemplate(request);
      const warnings = localEncoderOptionWarnings(request.providerOptions);
      return withModel(request.model, "nli", request.signal, async (loaded) => {
        const indices = nliLabelIndices(loaded.config, loaded.spec.name);
        // All (text, hypothesis) pairs in one batch, not one forward pass per label.
        const logits = await pairLogits(
          loaded,
          labels.map((label) => ({ premise: text, hypothesis: hypothesisOf(template, label) })),
          Math.max(maxBatchSize, labels.length),
          (index) => `the hypothesis of labels[${index}]`,
        );
        const scores = zeroShotScores(logits, indices, request.settings.multiLabel ?? false);
        const byLabel: Record<string, number> = {};
        labels.forEach((label, index) => {
          byLabel[label] = scores[index]!;
        });
        let topLabel = labels[0]!;
        labels.forEach((label) => {
          if (byLabel[label]! > byLabel[topLabel]!) topLabel = label;
        });
        return {
          scores: byLabel,
          topLabel,
          confidence: byLabel[topLabel]!,
          response: { model: loaded.spec.name },
          ...warningsField(warnings),
        };
      });
    },
  };

  const generation: Required<GenerationModelV1> = {
    warningsFor: (request) => localGenerationRequest(request).warnings,
    stream: streamGeneration,
    async complete(request) {
      const call = localGenerationRequest(request);
      // The whole generation runs inside one model use (no stream wrapper in between).
      return withModel(request.model, "generation", request.signal, (loaded) =>
        collectGenerationStreamParts(generationParts(loaded, request.prompt, call), request.signal),
      );
    },
  };

  return {
    specificationVersion: "v1",
    id: "local",
    aliases: ["onnx"],
    localInference: true,
    embedding,
    nli,
    classification,
    generation,
    models: createLocalOnnxModelCatalog({ catalog, hub, manager, device }),

    supports(capability: Capability, model: string): ModelSupportV1 {
      const kind = KIND_FOR[capability];
      if (kind === undefined)
        return { supported: false, reason: `the local provider does not serve ${capability}` };
      if (catalog.find(model, kind)) return true;
      return {
        supported: false,
        reason: `no local ${kind} model "${model}" is configured or preset`,
      };
    },

    deviceSelection: device,

    async preload(model: string, kind?: ModelKind): Promise<void> {
      const found =
        kind ?? KINDS.find((candidate) => catalog.find(model, candidate)) ?? "embedding";
      await withModel(model, found, undefined, async () => undefined);
    },

    async unload(model: string, kind?: ModelKind): Promise<boolean> {
      let unloaded = false;
      for (const candidate of kind ? [kind] : KINDS) {
        const resolved = catalog.find(model, candidate);
        if (resolved && (await manager.unload(`${candidate}:${resolved.name}`))) unloaded = true;
      }
      return unloaded;
    },

    loaded: () => manager.loaded(),

    resolveModel: (model: string, kind: ModelKind) => catalog.find(model, kind),

    async dispose(): Promise<void> {
      await manager.unloadAll();
    },
  };
}
