import type { ClassifyResult } from "../responses.ts";
import type { CallRequestV1 } from "./call-request-v1.ts";
import type { ResultMetadataV1 } from "./response-metadata-v1.ts";
import type { WarningV1 } from "./warning-v1.ts";

/** A zero-shot classification call. */
export interface ClassificationRequestV1 extends CallRequestV1 {
  /** The text to classify. */
  readonly text: string;
  /** Distinct, non-empty candidate labels. */
  readonly labels: readonly string[];
  /** The classification settings the caller set (only those). */
  readonly settings: {
    /** NLI hypothesis with `{}` where the label goes (provider default when absent). */
    readonly hypothesisTemplate?: string;
    /** Score each label on its own (scores need not sum to 1). */
    readonly multiLabel?: boolean;
  };
}

/** Labels with scores, highest first. */
export interface ClassificationResultV1 extends ResultMetadataV1, ClassifyResult {}

/** The zero-shot classification capability. */
export interface ClassificationModelV1 {
  /** Score every label against `request.text`; labels come back highest score first. */
  classifyZeroShot(request: ClassificationRequestV1): Promise<ClassificationResultV1>;
  /** Warnings the request would produce, without sending it (strict mode). */
  warningsFor?(request: ClassificationRequestV1): readonly WarningV1[];
}
