/**
 * `ModelGateway`: the one interface applications code against.
 */
import type { Capabilities } from "./capabilities.ts";
import type { ChatEvent, GenerateEvent } from "./events.ts";
import type { Message } from "./messages.ts";
import type {
  ContextFit,
  ContextFitOptions,
  ListModelsOptions,
  ModelInfoCallOptions,
  ModelListing,
  ModelStatus,
  Tokenization,
} from "./model-intelligence.ts";
import type { ModelMetadata } from "./model-metadata.ts";
import type {
  CallOptions,
  ChatOptions,
  ClassifyOptions,
  CountTokensOptions,
  GenerateOptions,
} from "./options.ts";
import type {
  ChatResponse,
  ClassifyResult,
  Embedding,
  GenerateResponse,
  NliPair,
  NliResult,
  StanceResult,
  TokenCount,
} from "./responses.ts";

/**
 * Chat, generation, embeddings, NLI, zero-shot and stance classification
 * and token counting behind one interface. Which provider answers is decided by the
 * model string (see the gateway's routing rules). Every async method takes an
 * AbortSignal (`options.signal`) and rejects with a `RatatoskrError`.
 */
export interface ModelGateway {
  /** One chat turn, complete. */
  chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse>;
  /**
   * One chat turn as a stream of events, ending with `done` (or throwing).
   * Leaving the `for await` loop early, or aborting `options.signal`,
   * cancels the upstream request.
   */
  chatStream(messages: readonly Message[], options: ChatOptions): AsyncIterable<ChatEvent>;
  /** Raw text completion of `prompt`. */
  generate(prompt: string, options: GenerateOptions): Promise<GenerateResponse>;
  /** Raw text completion as a stream. */
  generateStream(prompt: string, options: GenerateOptions): AsyncIterable<GenerateEvent>;
  /** Embed one text. */
  embed(text: string, model: string, options?: CallOptions): Promise<Embedding>;
  /** Embed several texts; the result is in input order. */
  embedBatch(texts: readonly string[], model: string, options?: CallOptions): Promise<Embedding[]>;
  /** NLI scores for one (premise, hypothesis) pair. */
  inferNli(
    premise: string,
    hypothesis: string,
    model: string,
    options?: CallOptions,
  ): Promise<NliResult>;
  /** NLI scores for many pairs, batched; the result is in input order. */
  inferNliBatch(
    pairs: readonly NliPair[],
    model: string,
    options?: CallOptions,
  ): Promise<NliResult[]>;
  /** Zero-shot classification of `text` against candidate `labels`. */
  classifyZeroShot(
    text: string,
    labels: readonly string[],
    model: string,
    options?: ClassifyOptions,
  ): Promise<ClassifyResult>;
  /**
   * The stance of `text` toward `target` (favor, against, neutral), on the
   * zero-shot classification that `model` routes to: wherever
   * `classifyZeroShot` works, this does. The gateway documents the
   * hypotheses it asks.
   */
  classifyStance(
    text: string,
    target: string,
    model: string,
    options?: CallOptions,
  ): Promise<StanceResult>;
  /** The number of tokens of `text` for `model` (without special tokens). */
  countTokens(text: string, model: string, options?: CountTokensOptions): Promise<TokenCount>;
  /**
   * The tokens of `text` for `model`: ids, token strings and UTF-16 offsets
   * into `text` (without special tokens). Routed like `countTokens`, to a
   * provider that can tokenize.
   */
  tokenize(text: string, model: string, options?: CountTokensOptions): Promise<Tokenization>;
  /**
   * Whether a chat request (messages and tools) plus the output kept free
   * fits `model`'s context window (from the registry, or
   * `options.contextWindow`): the margin left, or the overflow. Counted
   * like the request is sent (chat template or the provider's accounting).
   */
  fitsContext(
    messages: readonly Message[],
    model: string,
    options?: ContextFitOptions,
  ): Promise<ContextFit>;
  /**
   * Every model the registered providers list (their live model lists, the
   * registry, local caches), with capabilities; a provider whose listing
   * fails is reported in `failures`, not thrown.
   */
  listModels(options?: ListModelsOptions): Promise<ModelListing>;
  /**
   * Where `model` stands: a local model's download, load and device; a
   * remote model's provider and cool-down. A model no provider serves is
   * `unavailable` with the reason.
   */
  modelStatus(model: string, options?: ModelInfoCallOptions): Promise<ModelStatus>;
  /**
   * The registry's record of `model` (presets resolved, a `provider:`
   * prefix set aside), including what `fetchModelMetadata` learned;
   * `undefined` when nothing is known. Synchronous: no I/O.
   */
  modelMetadata(model: string): ModelMetadata | undefined;
  /**
   * Live metadata of `model` from the provider that serves it (context
   * window, prices, supported parameters), stored in this gateway's
   * registry so later `modelMetadata` calls see it. Falls back to the
   * registry's record when the provider has no live metadata; rejects with
   * `model_not_found` when neither knows the model.
   */
  fetchModelMetadata(model: string, options?: ModelInfoCallOptions): Promise<ModelMetadata>;
  /** What this gateway can do, and which providers serve each capability. */
  capabilities(): Capabilities;
}
