import type { NliPair, NliResult } from "../responses.ts";
import type { CallRequestV1 } from "./call-request-v1.ts";
import type { ResultMetadataV1 } from "./response-metadata-v1.ts";
import type { WarningV1 } from "./warning-v1.ts";

/** A natural-language-inference call over premise/hypothesis pairs. */
export interface NliRequestV1 extends CallRequestV1 {
  /** The premise/hypothesis pairs, in order. */
  readonly pairs: readonly NliPair[];
}

/** One result per pair, in input order. */
export interface NliResultV1 extends ResultMetadataV1 {
  /** One per pair, in input order. */
  readonly results: readonly NliResult[];
}

/** The NLI capability; the gateway chunks batches by `maxPairsPerCall`. */
export interface NliModelV1 {
  /** One upstream request: a result for each of `request.pairs`, in input order. */
  infer(request: NliRequestV1): Promise<NliResultV1>;
  /** Pairs one request may carry for `model` (default: unlimited). */
  maxPairsPerCall?(model: string): number | undefined;
  /** Chunks in flight at once (default 1). */
  readonly maxParallelCalls?: number;
  /**
   * The warnings this request would produce, without sending anything (pure:
   * no I/O, no state). The gateway calls it in strict mode, before the first
   * attempt on this provider, and fails the call with `invalid_input` if
   * there are any. Absent: the provider never warns before seeing the answer.
   */
  warningsFor?(request: NliRequestV1): readonly WarningV1[];
}
