/**
 * `createLocalOnnx(settings)`: the local inference provider plugin
 * (embeddings, NLI, zero-shot classification, text generation) on
 * onnxruntime-node, on CPU or CUDA.
 */
import {
  abortedError,
  assertLabels,
  assertModel,
  assertNliPairs,
  assertText,
  assertTexts,
  type CallOptions,
  type Capability,
  type ClassifyOptions,
  type ClassifyResult,
  type Embedding,
  type GenerateEvent,
  type GenerateOptions,
  type GenerateResponse,
  invalidInput,
  type ModelSupport,
  type NliPair,
  type NliResult,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  RatatoskrError,
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
import { type DecodingOptions, generateTokens } from "./local-onnx-generation.ts";
import {
  ModelCatalog,
  type ModelKind,
  type ModelSetting,
  type ResolvedModel,
} from "./local-onnx-models.ts";
import { nliLabelIndices, pairLogits, toNliResult, zeroShotScores } from "./local-onnx-nli.ts";
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

/** The local provider: a {@link ProviderPlugin} plus model management. */
export interface LocalOnnxProvider extends ProviderPlugin {
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
}

const KINDS: readonly ModelKind[] = ["embedding", "nli", "generation"];

/**
 * `rawProviderOptions.repetition_penalty` (generation_config.json's name): a
 * positive number overriding the model's; other raw options are not read.
 */
function repetitionPenaltyOption(
  raw: Record<string, unknown> | undefined,
): Pick<DecodingOptions, "repetitionPenalty"> {
  const value = raw?.repetition_penalty;
  if (value === undefined) return {};
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidInput(
      `options.rawProviderOptions.repetition_penalty must be a number above 0 (1 = off), got ${JSON.stringify(value)}`,
      { field: "options.rawProviderOptions.repetition_penalty" },
    );
  }
  return { repetitionPenalty: value };
}

const KIND_FOR: Record<Capability, ModelKind | undefined> = {
  embed: "embedding",
  nli: "nli",
  classify: "nli",
  generate: "generation",
  chat: undefined,
  countTokens: undefined,
};

/**
 * Create the local ONNX provider.
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
    assertModel(model);
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
    options: CallOptions | undefined,
    body: (loaded: LoadedOnnxModel) => Promise<R>,
  ): Promise<R> => {
    const resolved = resolve(model, kind);
    const signal = options?.signal;
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

  const embedBatch = async (
    texts: readonly string[],
    model: string,
    options?: CallOptions,
  ): Promise<Embedding[]> => {
    assertTexts(texts, "texts");
    return withModel(model, "embedding", options, async (loaded) => {
      const vectors = await embedTexts(loaded, texts, maxBatchSize);
      return vectors.map((values) => ({
        values,
        model: loaded.spec.name,
        dimensions: values.length,
      }));
    });
  };

  const inferNliBatch = async (
    pairs: readonly NliPair[],
    model: string,
    options?: CallOptions,
  ): Promise<NliResult[]> => {
    assertNliPairs(pairs);
    return withModel(model, "nli", options, async (loaded) => {
      const indices = nliLabelIndices(loaded.config, loaded.spec.name);
      const logits = await pairLogits(loaded, pairs, maxBatchSize);
      return logits.map((row) => toNliResult(row, indices, loaded.spec.name));
    });
  };

  const decodingOptions = (options: GenerateOptions): DecodingOptions => ({
    ...repetitionPenaltyOption(options.rawProviderOptions),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.topK === undefined ? {} : { topK: options.topK }),
    ...(options.topP === undefined ? {} : { topP: options.topP }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.stopSequences === undefined ? {} : { stopSequences: options.stopSequences }),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  async function* generateStream(
    prompt: string,
    options: GenerateOptions,
  ): AsyncGenerator<GenerateEvent> {
    assertText(prompt, "prompt");
    assertModel(options?.model);
    // Options are checked before anything loads.
    const decoding = decodingOptions(options);
    const resolved = resolve(options.model, "generation");
    const signal = options.signal;
    if (signal?.aborted) throw abortedError(signal);
    // Hold the model for the whole stream so it is not disposed mid-generation.
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolveHold) => {
      release = resolveHold;
    });
    let loadedModel: LoadedOnnxModel | undefined;
    const ready = new Promise<LoadedOnnxModel>((resolveReady, rejectReady) => {
      withModel(resolved.name, "generation", options, async (loaded) => {
        resolveReady(loaded);
        await held;
      }).catch(rejectReady);
    });
    try {
      loadedModel = await ready;
      yield* generateTokens(loadedModel, prompt, decoding);
    } finally {
      release?.();
    }
  }

  const provider: LocalOnnxProvider = {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    id: "local",
    aliases: ["onnx"],
    capabilities: ["embed", "nli", "classify", "generate"],
    localInference: true,

    supports(capability: Capability, model: string): ModelSupport {
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

    embedBatch,

    async embed(text: string, model: string, options?: CallOptions): Promise<Embedding> {
      assertText(text, "text");
      return (await embedBatch([text], model, options))[0]!;
    },

    inferNliBatch,

    async inferNli(
      premise: string,
      hypothesis: string,
      model: string,
      options?: CallOptions,
    ): Promise<NliResult> {
      return (await inferNliBatch([{ premise, hypothesis }], model, options))[0]!;
    },

    async classifyZeroShot(
      text: string,
      labels: readonly string[],
      model: string,
      options?: ClassifyOptions,
    ): Promise<ClassifyResult> {
      assertText(text, "text");
      assertLabels(labels);
      const template = options?.hypothesisTemplate ?? "This example is {}.";
      if (!template.includes("{}")) {
        throw new RatatoskrError({
          code: "invalid_input",
          message: `hypothesisTemplate must contain "{}" (where the label goes), got "${template}"`,
        });
      }
      return withModel(model, "nli", options, async (loaded) => {
        const indices = nliLabelIndices(loaded.config, loaded.spec.name);
        // All (text, hypothesis) pairs in one batch, not one forward pass per label.
        const logits = await pairLogits(
          loaded,
          labels.map((label) => ({ premise: text, hypothesis: template.replaceAll("{}", label) })),
          Math.max(maxBatchSize, labels.length),
          (index) => `the hypothesis of labels[${index}]`,
        );
        const scores = zeroShotScores(logits, indices, options?.multiLabel ?? false);
        const byLabel: Record<string, number> = {};
        labels.forEach((label, index) => {
          byLabel[label] = scores[index]!;
        });
        let topLabel = labels[0]!;
        labels.forEach((label) => {
          if (byLabel[label]! > byLabel[topLabel]!) topLabel = label;
        });
        return { scores: byLabel, topLabel, confidence: byLabel[topLabel]! };
      });
    },

    generateStream,

    async generate(prompt: string, options: GenerateOptions): Promise<GenerateResponse> {
      assertText(prompt, "prompt");
      assertModel(options?.model);
      const decoding = decodingOptions(options);
      // The whole generation runs inside one model use (no stream wrapper in between).
      return withModel(options.model, "generation", options, async (loaded) => {
        let text = "";
        for await (const event of generateTokens(loaded, prompt, decoding)) {
          if (event.type === "text") text += event.text;
          else if (event.type === "done") {
            return {
              text,
              model: event.model ?? options.model,
              finishReason: event.finishReason,
              ...(event.usage ? { usage: event.usage } : {}),
            };
          }
        }
        throw new RatatoskrError({
          code: "stream",
          provider: "local",
          message: "generation ended without finishing",
          partial: { content: text },
        });
      });
    },
  };
  return provider;
}
