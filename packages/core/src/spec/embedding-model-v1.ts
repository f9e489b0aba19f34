import type { Embedding } from "../responses.ts";
import type { Usage } from "../usage.ts";
import type { CallRequestV1 } from "./call-request-v1.ts";
import type { ResultMetadataV1 } from "./response-metadata-v1.ts";
import type { WarningV1 } from "./warning-v1.ts";

/** An embedding call: one upstream request for at most `maxEmbeddingsPerCall` texts. */
export interface EmbeddingRequestV1 extends CallRequestV1 {
  /** Non-empty texts, in order. */
  readonly values: readonly string[];
}

/** One vector per input text, in input order. */
export interface EmbeddingResultV1 extends ResultMetadataV1 {
  /** One per input text, in input order. */
  readonly embeddings: readonly Embedding[];
  /** Undefined when the provider did not report usage. */
  readonly usage?: Usage;
}

/**
 * The embedding capability. The gateway splits `embedBatch` into chunks of
 * `maxEmbeddingsPerCall` texts, runs up to `maxParallelCalls` at once and
 * retries a failed chunk alone; `embed` is a chunk of one.
 */
export interface EmbeddingModelV1 {
  /** One upstream request: a vector for each of `request.values`, in input order. */
  embed(request: EmbeddingRequestV1): Promise<EmbeddingResultV1>;
  /** Texts one request may carry for `model` (default: unlimited). */
  maxEmbeddingsPerCall?(model: string): number | undefined;
  /** Chunks in flight at once (default 1). */
  readonly maxParallelCalls?: number;
  /**
   * The warnings this request would produce, without sending anything (pure:
   * no I/O, no state). The gateway calls it in strict mode, before the first
   * attempt on this provider, and fails the call with `invalid_input` if
   * there are any. Absent: the provider never warns before seeing the answer.
   */
  warningsFor?(request: EmbeddingRequestV1): readonly WarningV1[];
}
