/**
 * The previous provider plugin contract, kept while the provider packages
 * move to the provider specification v1 (`ProviderV1`, `spec/`); it is
 * deleted once they have. New code implements `ProviderV1`.
 */
import type { Capability } from "./capabilities.ts";
import type { ProviderMethods } from "./model-gateway.ts";

/** The contract version this package defines (`ProviderV1.specificationVersion`). */
export const PROVIDER_SPECIFICATION_VERSION = "v1";

/**
 * A provider's answer to "do you serve this model for this capability?".
 *
 * @deprecated use `ModelSupportV1`
 */
export type ModelSupport = boolean | { supported: boolean; reason?: string };

/**
 * A provider plugin. Implement the methods of the capabilities you offer;
 * the gateway derives the rest where it can (`chat` from `chatStream`,
 * `embed` from `embedBatch` and back, `inferNli` from `inferNliBatch` and
 * back, `generate` from `generateStream`).
 *
 * Methods receive the model name with any `provider:` prefix removed, and
 * an `options.signal` that the gateway always sets: honour it. `chatStream`
 * and `generateStream` must not throw synchronously: report every failure,
 * validation included, through the iterator.
 *
 * To decline a model at call time so the next provider is tried, reject with
 * a `RatatoskrError` of code `model_not_available`.
 *
 * @deprecated implement `ProviderV1` (the provider specification v1); this
 * contract is deleted once every provider package has moved.
 */
export interface ProviderPlugin extends ProviderMethods {
  /** Contract version; the gateway refuses plugins of another version. */
  readonly specificationVersion: typeof PROVIDER_SPECIFICATION_VERSION;
  /** Unique id, also the explicit routing prefix (`ollama` in `ollama:llama3.2`). */
  readonly id: string;
  /** Other explicit prefixes that select this provider (`hf` for `huggingface`). */
  readonly aliases?: readonly string[];
  /** The capabilities this provider offers. */
  readonly capabilities: readonly Capability[];
  /** Whether chat supports tools (default true when `chat` is offered). */
  readonly toolUse?: boolean;
  /** Whether inference runs locally (no network). */
  readonly localInference?: boolean;
  /**
   * Whether this provider serves `model` for `capability`. Omitted: it serves
   * every model of its capabilities. Return `{supported: false, reason}` to
   * explain a decline in `gateway.route()`.
   */
  supports?(capability: Capability, model: string): ModelSupport;
  /**
   * The most texts one upstream request of `embedBatch` takes for `model`
   * (undefined: no limit). The gateway splits a larger batch into chunks of
   * at most this size and runs each chunk through its retry layer on its
   * own, so a failing chunk is retried alone. A provider without
   * `embedBatch` is called one text at a time the same way.
   */
  maxEmbeddingsPerCall?(model: string): number | undefined;
  /** Like {@link ProviderPlugin.maxEmbeddingsPerCall}, for the pairs of `inferNliBatch`. */
  maxNliPairsPerCall?(model: string): number | undefined;
  /**
   * How many chunk requests of one batch call the gateway runs at once
   * (default 1: one after another).
   */
  readonly maxParallelCalls?: number;
  /** Release resources (sessions, sockets). Called by `gateway.dispose()`. */
  dispose?(): void | Promise<void>;
}
