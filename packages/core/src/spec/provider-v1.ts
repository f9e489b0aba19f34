import type { Capability } from "../capabilities.ts";
import type { ChatModelV1 } from "./chat-model-v1.ts";
import type { ClassificationModelV1 } from "./classification-model-v1.ts";
import type { EmbeddingModelV1 } from "./embedding-model-v1.ts";
import type { GenerationModelV1 } from "./generation-model-v1.ts";
import type { ModelCatalogV1 } from "./model-catalog-v1.ts";
import type { NliModelV1 } from "./nli-model-v1.ts";
import type { TokenCountingModelV1 } from "./token-counting-model-v1.ts";

/** A provider's answer to "do you serve this model for this capability?". */
export type ModelSupportV1 =
  | boolean
  | {
      /** Whether the provider serves the model. */
      readonly supported: boolean;
      /** Why not (shown by `gateway.route()`). */
      readonly reason?: string;
    };

/**
 * A provider, version 1 of the contract. It offers one object per
 * capability; a capability it lacks is simply absent. Providers receive
 * normalised, validated requests (see {@link CallRequestV1}), return results
 * with response metadata and warnings, and report every failure as a
 * `RatatoskrError` (to decline a model at call time so the next provider is
 * tried, reject with code `model_not_available`).
 *
 * @see https://github.com/emesal/ratatoskr for the vocabulary of capabilities
 */
export interface ProviderV1 {
  /** Contract version; the gateway refuses providers of another version. */
  readonly specificationVersion: "v1";
  /** Unique id: the explicit routing prefix (`ollama` in `ollama:llama3.2`) and the `providerOptions` key. */
  readonly id: string;
  /** Other prefixes that select this provider (`hf` for `huggingface`). */
  readonly aliases?: readonly string[];
  /** Whether inference runs on this machine (no network). */
  readonly localInference?: boolean;
  /** Chat (`chat`, `chatStream`); present when the provider offers it. */
  readonly chat?: ChatModelV1;
  /** Text generation from a prompt (`generate`, `generateStream`). */
  readonly generation?: GenerationModelV1;
  /** Embeddings (`embed`, `embedBatch`). */
  readonly embedding?: EmbeddingModelV1;
  /** Natural-language inference over premise/hypothesis pairs (`inferNli`, `inferNliBatch`). */
  readonly nli?: NliModelV1;
  /** Zero-shot classification (`classifyZeroShot`, `classifyStance`). */
  readonly classification?: ClassificationModelV1;
  /** Token counting (`countTokens`, `tokenize`, `fitsContext`). */
  readonly tokenCounting?: TokenCountingModelV1;
  /** The models it serves, their live metadata and status (absent: the gateway answers from the registry). */
  readonly models?: ModelCatalogV1;
  /**
   * Whether this provider serves `model` for `capability` (only asked for
   * capabilities it offers). Omitted: every model. Return
   * `{supported: false, reason}` to explain a decline in `gateway.route()`.
   */
  supports?(capability: Capability, model: string): ModelSupportV1;
  /** Release resources (sessions, sockets). Called by `gateway.dispose()`. */
  dispose?(): void | Promise<void>;
}
