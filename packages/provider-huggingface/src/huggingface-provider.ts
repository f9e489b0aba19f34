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
  type CallOptions,
  type Capability,
  type ChatEvent,
  type ChatOptions,
  type ChatResponse,
  type ClassifyOptions,
  type ClassifyResult,
  type Embedding,
  invalidInput,
  type Message,
  type ModelSupport,
  type NliPair,
  type NliResult,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  RatatoskrError,
} from "@ratatoskr/core";
import type { OpenAICompatibleProvider } from "@ratatoskr/provider-openai-compat";
import {
  chunk,
  errorMessageExcerpt,
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
  signal: AbortSignal | undefined;
}

/**
 * The plugin returned by {@link createHuggingFace}. Serves `embed`, `nli` and
 * `classify` for Hub model ids (`owner/name`).
 */
export class HuggingFaceProvider implements ProviderPlugin {
  readonly specificationVersion = PROVIDER_SPECIFICATION_VERSION;
  readonly id = HUGGING_FACE_PROVIDER_ID;
  readonly aliases = ["hf"] as const;
  readonly capabilities: readonly Capability[];
  readonly localInference = false;
  readonly toolUse = true;
  /** Chunk requests of one batch call the gateway runs at once (the `maxConcurrency` setting). */
  readonly maxParallelCalls: number;

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
  #chatDelegate: Promise<OpenAICompatibleProvider> | undefined;
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
    this.maxParallelCalls = positiveInteger(
      settings.maxConcurrency,
      "maxConcurrency",
      DEFAULT_MAX_CONCURRENCY,
    );
    this.#pooling = settings.pooling ?? "mean";
    this.#normalize = settings.normalize ?? true;
    this.#chatBaseURL = url(settings.chatBaseURL ?? HUGGING_FACE_CHAT_BASE_URL, "chatBaseURL");
    this.capabilities =
      settings.chat === false ? INFERENCE_CAPABILITIES : [...INFERENCE_CAPABILITIES, "chat"];
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
  }

  /** Hub model ids (`owner/name`; for chat optionally `owner/name:provider`). */
  supports(capability: Capability, model: string): ModelSupport {
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
   * Embed one text (feature extraction).
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/feature-extraction
   */
  async embed(text: string, model: string, options: CallOptions = {}): Promise<Embedding> {
    assertText(text, "text");
    assertModel(model);
    const output = await this.#send({
      task: "feature-extraction",
      model,
      inputs: text,
      signal: options.signal,
    });
    const [values] = toEmbeddingVectors(output, this.#mapping(model, 1, true));
    return { values: values!, model, dimensions: values!.length };
  }

  /**
   * Texts per feature-extraction request for `model`: `batchSize`, or the
   * smaller maximum the server reported. The gateway splits `embedBatch`
   * into chunks of this size and retries each chunk on its own.
   */
  maxEmbeddingsPerCall(model: string): number {
    return Math.min(
      this.#batchSize,
      this.#learnedLimits.get(`feature-extraction:${model}`) ?? Infinity,
    );
  }

  /** Pairs per NLI request for `model`: `nliBatchSize`, or the smaller maximum the server reported. */
  maxNliPairsPerCall(model: string): number {
    return Math.min(
      this.#nliBatchSize,
      this.#learnedLimits.get(`text-classification:${model}`) ?? Infinity,
    );
  }

  /**
   * Embed many texts in one request (the gateway sends chunks of
   * {@link maxEmbeddingsPerCall}); every vector has the same dimensions. A
   * request refused for its batch size is re-sent in chunks the server accepts.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/feature-extraction
   */
  async embedBatch(
    texts: readonly string[],
    model: string,
    options: CallOptions = {},
  ): Promise<Embedding[]> {
    assertTexts(texts, "texts");
    assertModel(model);
    const vectors = await this.#withinServerLimit(
      `feature-extraction:${model}`,
      texts,
      async (part) => {
        const output = await this.#send({
          task: "feature-extraction",
          model,
          inputs: part,
          signal: options.signal,
        });
        return toEmbeddingVectors(output, this.#mapping(model, part.length, false));
      },
    );
    const dimensions = vectors[0]!.length;
    return vectors.map((values, index) => {
      if (values.length !== dimensions) {
        throw huggingFaceDataError(
          model,
          "feature-extraction",
          `${dimensions}-dimensional vectors in every batch, but text ${index} has ${values.length}`,
        );
      }
      return { values, model, dimensions };
    });
  }

  /**
   * NLI scores for one (premise, hypothesis) pair.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/text-classification
   */
  async inferNli(
    premise: string,
    hypothesis: string,
    model: string,
    options: CallOptions = {},
  ): Promise<NliResult> {
    assertText(premise, "premise");
    assertText(hypothesis, "hypothesis");
    const [result] = await this.inferNliBatch([{ premise, hypothesis }], model, options);
    return result!;
  }

  /**
   * NLI scores for many pairs in one request (the gateway sends chunks of
   * {@link maxNliPairsPerCall}): text classification with
   * `inputs: [{text: premise, text_pair: hypothesis}, …]` and
   * `parameters: {top_k: 3}`, results in input order.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/text-classification
   */
  async inferNliBatch(
    pairs: readonly NliPair[],
    model: string,
    options: CallOptions = {},
  ): Promise<NliResult[]> {
    assertNliPairs(pairs);
    assertModel(model);
    return this.#withinServerLimit(`text-classification:${model}`, pairs, async (part) => {
      const inputs = part.map((pair) => ({ text: pair.premise, text_pair: pair.hypothesis }));
      // top_k 3: ask for all three NLI scores per pair, not just the best label.
      const output = await this.#send({
        task: "text-classification",
        model,
        inputs,
        parameters: { top_k: 3 },
        signal: options.signal,
      });
      return toNliResults(output, part.length, model);
    });
  }

  /**
   * Zero-shot classification of `text` against `labels`; `hypothesisTemplate`
   * (must contain `{}`) and `multiLabel` are passed as `hypothesis_template`
   * and `multi_label`.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/zero-shot-classification
   */
  async classifyZeroShot(
    text: string,
    labels: readonly string[],
    model: string,
    options: ClassifyOptions = {},
  ): Promise<ClassifyResult> {
    assertText(text, "text");
    assertLabels(labels);
    assertModel(model);
    const template = options.hypothesisTemplate;
    if (template !== undefined && !template.includes(DEFAULT_TEMPLATE_PLACEHOLDER)) {
      throw invalidInput(
        `hypothesisTemplate must contain "{}" where the label goes, got "${template}"`,
      );
    }
    const parameters: Record<string, unknown> = {
      candidate_labels: [...labels],
      multi_label: options.multiLabel ?? false,
    };
    if (template !== undefined) parameters.hypothesis_template = template;
    const output = await this.#send({
      task: "zero-shot-classification",
      model,
      inputs: text,
      parameters,
      signal: options.signal,
    });
    return toClassifyResult(output, labels, model);
  }

  /**
   * One chat turn through Hugging Face's OpenAI-compatible router.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/chat-completion
   */
  async chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse> {
    const delegate = await this.#chat(options);
    return delegate.chat(messages, options);
  }

  /**
   * One chat turn as a stream, through Hugging Face's OpenAI-compatible router.
   * Leaving the loop early or aborting `options.signal` cancels the request.
   *
   * @see https://huggingface.co/docs/inference-providers/tasks/chat-completion
   */
  async *chatStream(messages: readonly Message[], options: ChatOptions): AsyncGenerator<ChatEvent> {
    const delegate = await this.#chat(options);
    yield* delegate.chatStream(messages, options);
  }

  /** The OpenAI-compatible chat plugin, created (and its SDK imported) on first use. */
  async #chat(options: ChatOptions): Promise<OpenAICompatibleProvider> {
    if (!this.capabilities.includes("chat")) {
      throw new RatatoskrError({
        code: "unsupported",
        message: "huggingface: chat is disabled (chat: false)",
        provider: HUGGING_FACE_PROVIDER_ID,
      });
    }
    if (options?.signal?.aborted) throw abortedError(options.signal);
    if (this.#token === undefined && this.#chatBaseURL === HUGGING_FACE_CHAT_BASE_URL) {
      throw new RatatoskrError({
        code: "authentication",
        message: "No API key for huggingface: pass apiKey or set HF_TOKEN",
        provider: HUGGING_FACE_PROVIDER_ID,
        ...(typeof options?.model === "string" ? { model: options.model } : {}),
      });
    }
    this.#chatDelegate ??= import("@ratatoskr/provider-openai-compat").then(
      ({ createOpenAICompatible }) =>
        createOpenAICompatible({
          id: HUGGING_FACE_PROVIDER_ID,
          baseURL: this.#chatBaseURL,
          ...(this.#token === undefined ? {} : { apiKey: this.#token }),
          headers: this.#headers,
          ...(this.#fetch === undefined ? {} : { fetch: this.#fetch }),
        }),
    );
    return this.#chatDelegate;
  }

  #mapping(model: string, count: number, single: boolean) {
    return { model, count, single, pooling: this.#pooling, normalize: this.#normalize };
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
  async #send(request: HuggingFaceRequest): Promise<unknown> {
    const { task, model, signal } = request;
    if (signal?.aborted) throw abortedError(signal);
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
    const hubLookup = new HubLookupFetch(fetchImplementation);
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
          { task, fetch: hubLookup.fetch, ...(signal ? { signal } : {}) },
        ));
      }
    } catch (error) {
      throw sdkError(error, model, signal, hubLookup.failure);
    }
    let response: Response;
    let text: string;
    try {
      response = await fetchImplementation(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...this.#headers },
        ...(signal ? { signal } : {}),
      });
      // An error body is read up to a bound only (the rest is cancelled).
      text = response.ok ? await response.text() : await readErrorBody(response, { signal });
    } catch (error) {
      if (signal?.aborted) throw abortedError(signal);
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
    if (this.#inferenceProvider === "hf-inference") return output;
    // Third-party providers answer in their own formats; the SDK normalises them.
    try {
      return await helper.getResponse(output);
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
  signal: AbortSignal | undefined,
  hubFailure: HubLookupFailure | undefined,
): RatatoskrError {
  if (RatatoskrError.isInstance(error)) return error;
  if (signal?.aborted) return abortedError(signal);
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
 * Create the Hugging Face Inference provider plugin.
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
