/**
 * `ModelGateway`: the one interface applications code against.
 */
import type { Capabilities } from "./capabilities.ts";
import type { ChatEvent, GenerateEvent } from "./events.ts";
import type { Message } from "./messages.ts";
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
  /** What this gateway can do, and which providers serve each capability. */
  capabilities(): Capabilities;
}
