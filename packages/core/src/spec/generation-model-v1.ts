import type { FinishReason } from "../responses.ts";
import type { Usage } from "../usage.ts";
import type { CallRequestV1 } from "./call-request-v1.ts";
import type { ResponseMetadataV1, ResultMetadataV1 } from "./response-metadata-v1.ts";
import type { WarningV1 } from "./warning-v1.ts";

/** The standard text-generation settings, validated by the gateway. */
export interface GenerationSettingsV1 {
  /** Most tokens to generate (a positive integer). */
  readonly maxTokens?: number;
  /** Sampling temperature, 0–2. */
  readonly temperature?: number;
  /** Nucleus sampling: the probability mass to sample from, 0–1. */
  readonly topP?: number;
  /** Sample only among the k most likely tokens (a positive integer). */
  readonly topK?: number;
  /** Seed for reproducible sampling (an integer). */
  readonly seed?: number;
  /** Sequences that end the text. */
  readonly stopSequences?: readonly string[];
}

/** A text-generation (completion) call. */
export interface GenerationRequestV1 extends CallRequestV1 {
  /** The text to continue. */
  readonly prompt: string;
  /** The standard settings the caller set (only those). */
  readonly settings: GenerationSettingsV1;
}

/** A complete generation. */
export interface GenerationResultV1 extends ResultMetadataV1 {
  /** The generated text. */
  readonly text: string;
  /** Why the model stopped. */
  readonly finishReason: FinishReason;
  /** Undefined when the provider did not report usage. */
  readonly usage?: Usage;
}

/** A part of a generation stream; exactly one `done`, last. */
export type GenerationStreamPartV1 =
  | {
      /** A piece of text. */
      readonly type: "text";
      /** The next piece of the text, in order. */
      readonly text: string;
    }
  | {
      /** Usage for the request. */
      readonly type: "usage";
      /** The tokens the request used. */
      readonly usage: Usage;
    }
  | {
      /** A warning known once the stream started. */
      readonly type: "warning";
      /** The warning. */
      readonly warning: WarningV1;
    }
  | ({
      /** What the provider reported about the answer. */
      readonly type: "response_metadata";
    } & ResponseMetadataV1)
  | {
      /** The end of the stream: exactly one, last. */
      readonly type: "done";
      /** Why the model stopped. */
      readonly finishReason: FinishReason;
      /** Undefined when the provider did not report usage. */
      readonly usage?: Usage;
    };

/** The generation capability: `complete`, `stream` or both (the gateway derives the other). */
export interface GenerationModelV1 {
  /** The whole generation for `request.prompt`, in one result. */
  complete?(request: GenerationRequestV1): Promise<GenerationResultV1>;
  /** Must not throw synchronously; failures go through the iterator. */
  stream?(request: GenerationRequestV1): AsyncIterable<GenerationStreamPartV1>;
  /** Warnings the request would produce, without sending it (strict mode). */
  warningsFor?(request: GenerationRequestV1): readonly WarningV1[];
}
