import type { ModelState } from "../model-intelligence.ts";
import type { ModelInfo, ModelMetadata } from "../model-metadata.ts";
import type { CallRequestV1 } from "./call-request-v1.ts";
import type { WarningV1 } from "./warning-v1.ts";

/** A listing call: no model, one signal. */
export interface ListModelsRequestV1 {
  /** Aborts the listing (the caller's signal, or a deadline). */
  readonly signal: AbortSignal;
  /** Extra HTTP headers for the provider's request. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One listed model, and where the provider learned of it. */
export interface ListedModelV1 extends ModelInfo {
  /** `provider`: its own model list; `registry`: the model registry; `cache`: files on this machine. */
  readonly source: "provider" | "registry" | "cache";
}

/** The models a provider lists. */
export interface ListModelsResultV1 {
  /** The models. */
  readonly models: readonly ListedModelV1[];
  /** What the listing could not do as asked (absent: nothing). */
  readonly warnings?: readonly WarningV1[];
}

/** A model's status as its provider knows it (the gateway adds the cool-down). */
export interface ModelStatusResultV1 {
  /** Where the model is: available, downloading, loading, ready or unavailable. */
  readonly state: ModelState;
  /** Why the model is in this state (for `unavailable`: what is wrong). */
  readonly reason?: string;
  /** Where a local model runs (`cpu`, `cuda:0`). */
  readonly device?: string;
  /** Approximate memory a loaded local model holds, in bytes. */
  readonly memoryBytes?: number;
  /** How far a download is. */
  readonly progress?: {
    /** Bytes received so far. */
    readonly receivedBytes: number;
    /** Bytes in all, when known. */
    readonly totalBytes?: number;
  };
}

/**
 * What a provider can tell about its models: the list it serves, live
 * metadata, and (for local models) status. Every method honours `signal`
 * and reports failures as `RatatoskrError`.
 */
export interface ModelCatalogV1 {
  /** Every model the provider serves (`/v1/models`, `/api/tags`, its registry, its cache). */
  listModels(request: ListModelsRequestV1): Promise<ListModelsResultV1>;
  /**
   * Live metadata of `request.model` in the registry format (`info`,
   * `parameters`, `pricing`, `max_output_tokens`); `undefined` when the
   * provider does not know the model. Absent: the provider has no live
   * metadata (the gateway answers from its registry).
   */
  fetchModelMetadata?(request: CallRequestV1): Promise<ModelMetadata | undefined>;
  /**
   * The model's state. Absent: a model the provider supports is
   * `available`. Local providers report downloading, loading and ready.
   */
  modelStatus?(request: CallRequestV1): Promise<ModelStatusResultV1>;
}
