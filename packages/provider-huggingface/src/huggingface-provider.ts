/**
 * The Hugging Face Inference provider plugin: embeddings (feature
 * extraction), NLI (sentence-pair text classification) and zero-shot
 * classification through `@huggingface/inference`, and chat through Hugging
 * Face's OpenAI-compatible router (`@ratatoskr/provider-openai-compat`).
 *
 * The SDK builds every request (URL layout, authentication, payload, the
 * Hub's provider mapping for third-party inference providers); this plugin
 * sends it with the configured `fetch`, maps failures to `RatatoskrError`s
 * and validates the response shape. It declares how many texts (NLI pairs)
 * one request takes; the gateway splits large batches into such chunks.
 *
 * @see https://huggingface.co/docs/inference-providers/index
 * @see https://github.com/huggingface/huggingface.js/tree/main/packages/inference
 */
import {
  abortedError,
  assertLabels,
  assertModel,
  assertNliPairs,
  assertText,
  assertTexts,
  type CallRequestV1,
  type Capability,
  type ChatModelV1,
  type ChatRequestV1,
  type ChatResultV1,
  type ChatStreamPartV1,
  type ClassificationModelV1,
  type ClassificationRequestV1,
  type ClassificationResultV1,
  type EmbeddingModelV1,
  type EmbeddingRequestV1,
  type EmbeddingResultV1,
  invalidInput,
  type ModelCatalogV1,
  type ModelSupportV1,
  type NliModelV1,
  type NliRequestV1,
  type NliResultV1,
  type ProviderV1,
  RatatoskrError,
  type ResultMetadataV1,
  type WarningV1,
} from "@ratatoskr/core";
import { createOpenAICompatible } from "@ratatoskr/provider-openai-compat";
import {
  chunk,
  errorMessageExcerpt,
  inspectExchanges,
  loadApiKey,
  networkError,
  readErrorBody,
  registerHeaderSecrets,
  validateBaseURL,
} from "@ratatoskr/provider-utils";
import {
  describeShape,
  HUGGING_FACE_PROVIDER_ID,
  huggingFaceDataError,
  huggingFaceHttpError,
} from "./huggingface-error.ts";
import { type HubLookupFailure, HubLookupFetch } from "./huggingface-hub-lookup-fetch.ts";
import { createHuggingFaceModelCatalog } from "./huggingface-model-catalog.ts";
import { readEmbeddingOptions, unreadOptionWarnings } from "./huggingface-provider-options.ts";
import { type HuggingFacePooling, toEmbeddingVectors } from "./map-huggingface-embeddings.ts";
import { toNliResults } from "./map-huggingface-nli.ts";
import { toClassifyResult } from "./map-huggingface-zero-shot.ts";

/** The HF Inference (`hf-inference`) base URL on the router. */
export const HUGGING_FACE_INFERENCE_BASE_URL = "https://router.huggingface.co/hf-inference";

/** Hugging Face's OpenAI-compatible chat router. */
export const HUGGING_FACE_CHAT_BASE_URL = "https://router.huggingface.co/v1";

/** Default texts per feature-extraction request (TEI's default `max_client_batch_size`). */
export const DEFAULT_EMBEDDING_BATCH_SIZE = 32;
/** Default pairs per NLI request: the memory manager's ~50 candidates fit one request. */
export const DEFAULT_NLI_BATCH_SIZE = 64;
/** Default chunk requests in flight for one batch call. */
export const DEFAULT_MAX_CONCURRENCY = 4;

/** The SDK task names this plugin uses. */
export type HuggingFaceTask =
  | "feature-extraction"
  | "text-classification"
  | "zero-shot-classification";

/** Settings of {@link createHuggingFace}. */
export interface HuggingFaceSettings {
  /** Access token (`hf_…`). Default: the `HF_TOKEN` environment variable. */
  apiKey?: string;
  /**
   * Base URL of the HF Inference API, for `inferenceProvider: "hf-inference"`.
   * Default `https://router.huggingface.co/hf-inference`; requests go to
   * `<baseURL>/models/<id>` (and `/pipeline/feature-extraction` for embeddings).
   * This, `endpointUrl` and `chatBaseURL` are checked at creation: credentials
   * (`user:password@`), an unparsable URL or a scheme other than http(s) is an
   * `invalid_input` error.
   */
  baseURL?: string;
  /**
   * A dedicated Inference Endpoint (or a self-hosted TEI / inference server)
   * serving one model: every request is POSTed to exactly this URL.
   */
  endpointUrl?: string;
  /**
   * Which inference provider runs the models (`hf-inference`, `sambanova`,
   * `nebius`, …; see `INFERENCE_PROVIDERS` in `@huggingface/inference`).
   * Default `hf-inference`. Other providers are resolved through the Hub's
   * inference provider mapping (one extra lookup per model, cached).
   */
  inferenceProvider?: string;
  /** Extra headers on every request (e.g. `X-HF-Bill-To`); credentials in them are registered for redaction. */
  headers?: Record<string, string>;
  /** The fetch implementation (tests, proxies). Default: the global `fetch` at call time. */
  fetch?: typeof globalThis.fetch;
  /**
   * Texts per feature-extraction request (default 32): the gateway splits
   * `embedBatch` into chunks of this size and retries each on its own.
   */
  batchSize?: number;
  /** Pairs per NLI request (default 64): the gateway's chunk size for `inferNliBatch`. */
  nliBatchSize?: number;
  /** Chunk requests of one batch call the gateway runs at once (default 4). */
  maxConcurrency?: number;
  /** Pooling of token-level feature-extraction outputs: `mean` (default) or `cls`. */
  pooling?: HuggingFacePooling;
  /** L2-normalise vectors pooled from token-level outputs (default true). */
  normalize?: boolean;
  /**
   * Offer chat through Hugging Face's OpenAI-compatible router (default
   * true). Models are Hub ids, optionally with a `:provider` or `:fastest` /
   * `:cheapest` policy suffix (`openai/gpt-oss-120b:cerebras`).
   */
  chat?: boolean;
  /** Base URL of the OpenAI-compatible chat router (default `https://router.huggingface.co/v1`). */
  chatBaseURL?: string;
}

type Sdk = typeof import("@huggingface/inference");
let sdkPromise: Promise<Sdk> | undefined;

/** The SDK, imported on first use so importing this package stays cheap. */
function loadSdk(): Promise<Sdk> {
  sdkPromise ??= import("@huggingface/inference");
  return sdkPromise;
}

const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A Hub id with an optional router suffix: `:provider`, `:fastest`, `:cheapest`. */
const CHAT_MODEL =
  /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*(:[a-z0-9][a-z0-9._-]*)?$/;
const INFERENCE_CAPABILITIES: readonly Capability[] = ["embed", "nli", "classify"];
const DEFAULT_TEMPLATE_PLACEHOLDER = "{}";

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RatatoskrError({
      code: "configuration",
      message: `huggingface: ${name} must be a positive integer, got ${String(value)}`,
      provider: HUGGING_FACE_PROVIDER_ID,
    });
  }
  return value;
}

/** One request to send. */
interface HuggingFaceRequest {
  task: HuggingFaceTask;
  model: string;
  inputs: unknown;
  parameters?: Record<string, unknown>;
  /** The call: its signal and extra headers. */
  request: CallRequestV1;
}

/** What one request returned: the parsed output and the server's request id. */
interface HuggingFaceOutput {
  output: unknown;
  requestId: string | undefined;
}

/** A result's metadata: the model, the request id when the server sent one, the warnings. */
function resultMetadata(
  model: string,
  requestId: string | undefined,
  warnings: readonly WarningV1[],
): ResultMetadataV1 {
  return {
    response: requestId === undefined ? { model } : { model, requestId },
    warnings,
  };
}

/** The chat capability of {@link HuggingFaceProvider}: Hugging Face's OpenAI-compatible router. */
export interface HuggingFaceChatModel extends ChatModelV1 {
  complete(request: ChatRequestV1): Promise<ChatResultV1>;
  stream(request: ChatRequestV1): AsyncIterable<ChatStreamPartV1>;
  warningsFor(request: ChatRequestV1): readonly WarningV1[];
}

/** The embedding capability of {@link HuggingFaceProvider}. */
export interface HuggingFaceEmbeddingModel extends EmbeddingModelV1 {
  maxEmbeddingsPerCall(model: string): number;
  warningsFor(request: EmbeddingRequestV1): readonly WarningV1[];
  readonly maxParallelCalls: number;
}

/** The NLI capability of {@link HuggingFaceProvider}. */
export interface HuggingFaceNliModel extends NliModelV1 {
  maxPairsPerCall(model: string): number;
  warningsFor(request: NliRequestV1): readonly WarningV1[];
  readonly maxParallelCalls: number;
}

/** The zero-shot classification capability of {@link HuggingFaceProvider}. */
export interface HuggingFaceClassificationModel extends ClassificationModelV1 {
  warningsFor(request: ClassificationRequestV1): readonly WarningV1[];
}

/**
 * The provider returned by {@link createHuggingFace} (provider specification
 * v1): `embedding`, `nli` and `classification` for Hub model ids
 * (`owner/name`), and `chat` through the OpenAI-compatible router unless
 * created with `chat: false`.
 */
export class HuggingFaceProvider implements ProviderV1 {
  readonly specificationVersion = "v1";
  readonly id = HUGGING_FACE_PROVIDER_ID;
  readonly aliases = ["hf"] as const;
  readonly localInference = false;
  /** The capabilities offered (`chat` unless created with `chat: false`). */
  readonly capabilities: readonly Capability[];
  readonly embedding: HuggingFaceEmbeddingModel;
  readonly nli: HuggingFaceNliModel;
  readonly classification: HuggingFaceClassificationModel;
  readonly chat?: HuggingFaceChatModel;
  /** The registry's `huggingface` models (no live call: the Hub is too large to list). */
  readonly models: ModelCatalogV1 = createHuggingFaceModelCatalog();

  readonly #token: string | undefined;
  readonly #baseURL: string;
  readonly #endpointUrl: string | undefined;
  readonly #inferenceProvider: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof globalThis.fetch | undefined;
  readonly #batchSize: number;
  readonly #nliBatchSize: number;
  readonly #pooling: HuggingFacePooling;
  readonly #normalize: boolean;
  readonly #chatBaseURL: string;
  /** Batch limits servers reported (`maximum allowed batch size N`), per task and model. */
  readonly #learnedLimits = new Map<string, number>();

  constructor(settings: HuggingFaceSettings = {}) {
    this.#token = loadApiKey({
      apiKey: settings.apiKey,
      environmentVariable: "HF_TOKEN",
      provider: HUGGING_FACE_PROVIDER_ID,
      required: false,
    });
    const url = (value: string, setting: string) =>
      validateBaseURL(value, { setting, provider: HUGGING_FACE_PROVIDER_ID });
    this.#baseURL = url(settings.baseURL ?? HUGGING_FACE_INFERENCE_BASE_URL, "baseURL");
    // An endpoint is used exactly as given (trailing slash included), once checked.
    if (settings.endpointUrl !== undefined) url(settings.endpointUrl, "endpointUrl");
    this.#endpointUrl = settings.endpointUrl;
    this.#inferenceProvider = settings.inferenceProvider ?? "hf-inference";
    this.#headers = { ...settings.headers };
    registerHeaderSecrets(this.#headers);
    this.#fetch = settings.fetch;
    this.#batchSize = positiveInteger(
      settings.batchSize,
      "batchSize",
      DEFAULT_EMBEDDING_BATCH_SIZE,
    );
    this.#nliBatchSize = positiveInteger(
      settings.nliBatchSize,
      "nliBatchSize",
      DEFAULT_NLI_BATCH_SIZE,
    );
    const maxParallelCalls = positiveInteger(
      settings.maxConcurrency,
      "maxConcurrency",
      DEFAULT_MAX_CONCURRENCY,
    );
    this.#pooling = settings.pooling ?? "mean";
    this.#normalize = settings.normalize ?? true;
    this.#chatBaseURL = url(settings.chatBaseURL ?? HUGGING_FACE_CHAT_BASE_URL, "chatBaseURL");
    if (this.#endpointUrl !== undefined && this.#inferenceProvider !== "hf-inference") {
      throw new RatatoskrError({
        code: "configuration",
        message: `huggingface: endpointUrl cannot be combined with inferenceProvider "${this.#inferenceProvider}"`,
        provider: HUGGING_FACE_PROVIDER_ID,
      });
    }
    if (this.#pooling !== "mean" && this.#pooling !== "cls") {
      throw new RatatoskrError({
        code: "configuration",
        message: `huggingface: pooling must be "mean" or "cls", got ${String(this.#pooling)}`,
        provider: HUGGING_FACE_PROVIDER_ID,
      });
    }
    this.embedding = {
      embed: (request) => this.#embed(request),
      maxEmbeddingsPerCall: (model) => this.#limit("feature-extraction", model, this.#batchSize),
      maxParallelCalls,
      warningsFor: (request) => {
        const warnings: WarningV1[] = [];
        readEmbeddingOptions(request.providerOptions, warnings);
        return warnings;
      },
    };
    this.nli = {
      infer: (request) => this.#infer(request),
      maxPairsPerCall: (model) => this.#limit("text-classification", model, this.#nliBatchSize),
      maxParallelCalls,
      warningsFor: (request) => unreadOptionWarnings(request.providerOptions, "nli"),
    };
    this.classification = {
      classifyZeroShot: (request) => this.#classify(request),
      warningsFor: (request) => unreadOptionWarnings(request.providerOptions, "classification"),
    };
    if (settings.chat === false) {
      this.capabilities = INFERENCE_CAPABILITIES;
    } else {
      this.capabilities = [...INFERENCE_CAPABILITIES, "chat"];
      this.chat = this.#chatModel();
    }
  }

  /** Hub model ids (`owner/name`; for chat optionally `owner/name:provider`). */
  supports(capability: Capability, model: string): ModelSupportV1 {
    if (!this.capabilities.includes(capability)) {
      return {
        supported: false,
        reason: `huggingface serves ${this.capabilities.join(", ")}, not ${capability}`,
      };
    }
    if (capability === "chat") {
      return CHAT_MODEL.test(model)
        ? true
        : { supported: false, reason: `"${model}" is not a Hub model id (owner/name[:provider])` };
    }
    if (!HUB_ID.test(model)) {
      return {
        supported: false,
        reason: `"${model}" is not a Hugging Face Hub model id (owner/name)`,
      };
    }
    return true;
  }

  /**
   * Items per request for `task` and `model`: the setting, or the smaller
   * maximum the server reported. The gateway splits batches into chunks of
   * this size and retries each chunk on its own.
   */
  #limit(task: HuggingFaceTask, model: string, setting: number): number {
    return Math.min(setting, this.#learnedLimits.get(`${task}:${model}`) ?? Infinity);
  }

  /**
   * Embed texts (feature extraction) in one request; every vector has the
   * same dimensions. One text is sent as a string, several as a list. A
   * request refused for its batch size is re-sent in chunks the server accepts.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/feature-extraction
   */
  async #embed(request: EmbeddingRequestV1): Promise<EmbeddingResultV1> {
    const { model, values: texts } = request;
    assertTexts(texts, "texts");
    assertModel(model);
    const warnings: WarningV1[] = [];
    const options = readEmbeddingOptions(request.providerOptions, warnings);
    const parameters = Object.keys(options.parameters).length > 0 ? options.parameters : undefined;
    const mapping = (count: number, single: boolean) => ({
      model,
      count,
      single,
      pooling: options.pooling ?? this.#pooling,
      normalize: options.normalize ?? this.#normalize,
    });
    let requestId: string | undefined;
    const vectors = await this.#withinServerLimit(
      `feature-extraction:${model}`,
      texts,
      async (part) => {
        const single = part.length === 1 && texts.length === 1;
        const sent = await this.#send({
          task: "feature-extraction",
          model,
          inputs: single ? part[0] : part,
          ...(parameters === undefined ? {} : { parameters }),
          request,
        });
        requestId ??= sent.requestId;
        return toEmbeddingVectors(sent.output, mapping(part.length, single));
      },
    );
    const dimensions = vectors[0]!.length;
    const embeddings = vectors.map((values, index) => {
      if (values.length !== dimensions) {
        throw huggingFaceDataError(
          model,
          "feature-extraction",
          `${dimensions}-dimensional vectors in every batch, but text ${index} has ${values.length}`,
        );
      }
      return { values, model, dimensions };
    });
    return { embeddings, ...resultMetadata(model, requestId, warnings) };
  }

  /**
   * NLI scores for (premise, hypothesis) pairs in one request: text
   * classification with `inputs: [{text: premise, text_pair: hypothesis}, …]`
   * and `parameters: {top_k: 3}`, results in input order.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/text-classification
   */
  async #infer(request: NliRequestV1): Promise<NliResultV1> {
    const { model, pairs } = request;
    assertNliPairs(pairs);
    assertModel(model);
    const warnings = unreadOptionWarnings(request.providerOptions, "nli");
    let requestId: string | undefined;
    const results = await this.#withinServerLimit(
      `text-classification:${model}`,
      pairs,
      async (part) => {
        const inputs = part.map((pair) => ({ text: pair.premise, text_pair: pair.hypothesis }));
        // top_k 3: ask for all three NLI scores per pair, not just the best label.
        const sent = await this.#send({
          task: "text-classification",
          model,
          inputs,
          parameters: { top_k: 3 },
          request,
        });
        requestId ??= sent.requestId;
        return toNliResults(sent.output, part.length, model);
      },
    );
    return { results, ...resultMetadata(model, requestId, warnings) };
  }

  /**
   * Zero-shot classification of `text` against `labels`; `hypothesisTemplate`
   * (must contain `{}`) and `multiLabel` are sent as `hypothesis_template`
   * and `multi_label`.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/zero-shot-classification
   */
  async #classify(request: ClassificationRequestV1): Promise<ClassificationResultV1> {
    const { model, text, labels, settings } = request;
    assertText(text, "text");
    assertLabels(labels);
    assertModel(model);
    const template = settings.hypothesisTemplate;
    if (template !== undefined && !template.includes(DEFAULT_TEMPLATE_PLACEHOLDER)) {
      throw invalidInput(
        `hypothesisTemplate must contain "{}" where the label goes, got "${template}"`,
      );
    }
    const warnings = unreadOptionWarnings(request.providerOptions, "classification");
    const parameters: Record<string, unknown> = {
      candidate_labels: [...labels],
      multi_label: settings.multiLabel ?? false,
    };
    if (template !== undefined) parameters.hypothesis_template = template;
    const sent = await this.#send({
      task: "zero-shot-classification",
      model,
      inputs: text,
      parameters,
      request,
    });
    return {
      ...toClassifyResult(sent.output, labels, model),
      ...resultMetadata(model, sent.requestId, warnings),
    };
  }

  /**
   * The chat capability: every call goes to the OpenAI-compatible router
   * provider (`createOpenAICompatible`, id `huggingface`, created here; its
   * SDK loads on the first request). The request's `huggingface` options
   * entry is sent as body fields, as given.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/chat-completion
   */
  #chatModel(): HuggingFaceChatModel {
    const delegate = createOpenAICompatible({
      id: HUGGING_FACE_PROVIDER_ID,
      baseURL: this.#chatBaseURL,
      ...(this.#token === undefined ? {} : { apiKey: this.#token }),
      headers: this.#headers,
      ...(this.#fetch === undefined ? {} : { fetch: this.#fetch }),
    }).chat;
    const ready = (request: ChatRequestV1) => {
      if (request.signal.aborted) throw abortedError(request.signal);
      if (this.#token === undefined && this.#chatBaseURL === HUGGING_FACE_CHAT_BASE_URL) {
        throw new RatatoskrError({
          code: "authentication",
          message: "No API key for huggingface: pass apiKey or set HF_TOKEN",
          provider: HUGGING_FACE_PROVIDER_ID,
          model: request.model,
        });
      }
    };
    return {
      complete: async (request) => {
        ready(request);
        return delegate.complete(request);
      },
      async *stream(request) {
        ready(request);
        yield* delegate.stream(request);
      },
      warningsFor: (request) => delegate.warningsFor(request),
    };
  }

  /**
   * Send `items` in one request, or one after another in chunks of the
   * maximum batch size the server reported for `key` (task and model). A
   * request refused with "maximum allowed batch size N" teaches N (which
   * {@link maxEmbeddingsPerCall} / {@link maxNliPairsPerCall} then declare)
   * and is re-sent in chunks of N: the only splitting the provider does
   * itself, because the server forces it. No retries here: they are the
   * gateway's.
   */
  async #withinServerLimit<T, R>(
    key: string,
    items: readonly T[],
    send: (part: readonly T[]) => Promise<R[]>,
  ): Promise<R[]> {
    const learned = this.#learnedLimits.get(key);
    if (learned === undefined || items.length <= learned) {
      try {
        return await send(items);
      } catch (error) {
        const serverLimit = RatatoskrError.isInstance(error)
          ? error.details?.maxBatchSize
          : undefined;
        if (typeof serverLimit !== "number" || serverLimit >= items.length) throw error;
        this.#learnedLimits.set(key, serverLimit);
      }
    }
    const results: R[] = [];
    for (const part of chunk(items, this.#learnedLimits.get(key)!))
      results.push(...(await send(part)));
    return results;
  }

  /** Build the request with the SDK, send it, map failures, parse JSON. */
  async #send(request: HuggingFaceRequest): Promise<HuggingFaceOutput> {
    const { task, model } = request;
    const { signal } = request.request;
    if (signal.aborted) throw abortedError(signal);
    const usesRouter =
      this.#endpointUrl === undefined && this.#baseURL === HUGGING_FACE_INFERENCE_BASE_URL;
    if (this.#token === undefined && (usesRouter || this.#inferenceProvider !== "hf-inference")) {
      throw new RatatoskrError({
        code: "authentication",
        message: "No API key for huggingface: pass apiKey or set HF_TOKEN",
        provider: HUGGING_FACE_PROVIDER_ID,
        model,
      });
    }
    const sdk = await loadSdk();
    const fetchImplementation = this.#fetch ?? globalThis.fetch;
    let helper: ReturnType<Sdk["getProviderHelper"]>;
    let url: string;
    let init: RequestInit;
    // The Hub's provider-mapping lookups are exchanges of this call too.
    const hubLookup = new HubLookupFetch(
      inspectExchanges(fetchImplementation, request.request.inspect),
    );
    try {
      helper = sdk.getProviderHelper(this.#inferenceProvider as never, task);
      const args = {
        ...(this.#token === undefined ? {} : { accessToken: this.#token }),
        model,
        inputs: request.inputs,
        ...(request.parameters === undefined ? {} : { parameters: request.parameters }),
      } as Parameters<Sdk["makeRequestOptions"]>[0];
      if (this.#inferenceProvider === "hf-inference") {
        // HF Inference serves Hub ids as-is: build the URL directly instead of
        // asking the Hub for the provider mapping on every new model.
        const baseURL = this.#baseURL;
        const routed =
          this.#endpointUrl !== undefined
            ? { ...args, endpointUrl: this.#endpointUrl }
            : baseURL === HUGGING_FACE_INFERENCE_BASE_URL
              ? args
              : { ...args, urlTransform: (raw: string) => rebase(raw, baseURL) };
        ({ url, info: init } = sdk.makeRequestOptionsFromResolvedModel(
          model,
          helper,
          routed,
          undefined,
          { task },
        ));
      } else {
        ({ url, info: init } = await sdk.makeRequestOptions(
          { ...args, provider: this.#inferenceProvider as never },
          helper,
          // The SDK reads the Hub's error bodies itself: hand it bounded ones.
          { task, fetch: hubLookup.fetch, signal },
        ));
      }
    } catch (error) {
      throw sdkError(error, model, signal, hubLookup.failure);
    }
    let response: Response;
    let text: string;
    try {
      // Without an inspector this is `fetchImplementation` itself.
      response = await inspectExchanges(fetchImplementation, request.request.inspect)(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          ...this.#headers,
          ...request.request.headers,
        },
        signal,
      });
      // An error body is read up to a bound only (the rest is cancelled).
      text = response.ok ? await response.text() : await readErrorBody(response, { signal });
    } catch (error) {
      if (signal.aborted) throw abortedError(signal);
      throw networkError(HUGGING_FACE_PROVIDER_ID, url, error);
    }
    if (!response.ok) {
      throw huggingFaceHttpError({
        status: response.status,
        headers: response.headers,
        body: text,
        model,
      });
    }
    let output: unknown;
    try {
      output = JSON.parse(text);
    } catch (error) {
      throw new RatatoskrError({
        code: "json",
        message: `huggingface ${task} response for ${model} is not JSON (content-type ${
          response.headers.get("content-type") ?? "none"
        })`,
        provider: HUGGING_FACE_PROVIDER_ID,
        model,
        status: response.status,
        body: text,
        cause: error,
      });
    }
    const requestId = response.headers.get("x-request-id") ?? undefined;
    if (this.#inferenceProvider === "hf-inference") return { output, requestId };
    // Third-party providers answer in their own formats; the SDK normalises them.
    try {
      return { output: await helper.getResponse(output), requestId };
    } catch (error) {
      throw new RatatoskrError({
        code: "data",
        message: `huggingface ${task} response for ${model} from ${this.#inferenceProvider}: ${
          error instanceof Error ? error.message : String(error)
        }; got ${describeShape(output)}`,
        provider: HUGGING_FACE_PROVIDER_ID,
        model,
        cause: error,
      });
    }
  }
}

function rebase(url: string, baseURL: string): string {
  return url.startsWith(HUGGING_FACE_INFERENCE_BASE_URL)
    ? baseURL + url.slice(HUGGING_FACE_INFERENCE_BASE_URL.length)
    : url;
}

/**
 * Map an error thrown while the SDK prepared a request (bad provider, Hub
 * mapping lookup); a failed Hub lookup is an HTTP error with its status.
 */
function sdkError(
  error: unknown,
  model: string,
  signal: AbortSignal,
  hubFailure: HubLookupFailure | undefined,
): RatatoskrError {
  if (RatatoskrError.isInstance(error)) return error;
  if (signal.aborted) return abortedError(signal);
  if (hubFailure !== undefined) return huggingFaceHttpError({ ...hubFailure, model });
  const name = error instanceof Error ? error.name : "";
  const message = errorMessageExcerpt(error instanceof Error ? error.message : String(error));
  const httpResponse = (error as { httpResponse?: { status?: number; body?: unknown } })
    .httpResponse;
  if (name === "HubApiError" && typeof httpResponse?.status === "number") {
    const body =
      typeof httpResponse.body === "string"
        ? httpResponse.body
        : JSON.stringify(httpResponse.body ?? "");
    return huggingFaceHttpError({ status: httpResponse.status, body, model });
  }
  if (/not been able to find inference provider|No Inference Provider available/i.test(message)) {
    return new RatatoskrError({
      code: "model_not_found",
      message: `huggingface: ${message}`,
      provider: HUGGING_FACE_PROVIDER_ID,
      model,
      cause: error,
    });
  }
  if (name === "InputError") {
    return new RatatoskrError({
      code: "configuration",
      message: `huggingface: ${message}`,
      provider: HUGGING_FACE_PROVIDER_ID,
      model,
      cause: error,
    });
  }
  if (error instanceof TypeError && /fetch/i.test(message)) {
    return networkError(HUGGING_FACE_PROVIDER_ID, "https://huggingface.co", error);
  }
  return new RatatoskrError({
    code: "provider",
    message: `huggingface: preparing the request failed: ${message}`,
    provider: HUGGING_FACE_PROVIDER_ID,
    model,
    cause: error,
  });
}

/**
 * Create the Hugging Face Inference provider (specification v1).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(createHuggingFace()).build();
 * const vector = await gateway.embed("hello", "hf:sentence-transformers/all-MiniLM-L6-v2");
 * ```
 */
export function createHuggingFace(settings: HuggingFaceSettings = {}): HuggingFaceProvider {
  return new HuggingFaceProvider(settings);
}
