import type { FinishReason } from "../responses.ts";
import type { Usage } from "../usage.ts";
import type { CallRequestV1 } from "./call-request-v1.ts";
import type { ResponseMetadataV1, ResultMetadataV1 } from "./response-metadata-v1.ts";
import type { WarningV1 } from "./warning-v1.ts";

/** The standard text-generation settings, validated by the gateway. */
export interface GenerationSettingsV1 {
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly seed?: number;
  readonly stopSequences?: readonly string[];
}

/** A text-generation (completion) call. */
export interface GenerationRequestV1 extends CallRequestV1 {
  readonly prompt: string;
  readonly settings: GenerationSettingsV1;
}

/** A complete generation. */
export interface GenerationResultV1 extends ResultMetadataV1 {
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly usage?: Usage;
}

/** A part of a generation stream; exactly one `done`, last. */
export type GenerationStreamPartV1 =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "usage"; readonly usage: Usage }
  | { readonly type: "warning"; readonly warning: WarningV1 }
  | ({ readonly type: "response_metadata" } & ResponseMetadataV1)
  | { readonly type: "done"; readonly finishReason: FinishReason; readonly usage?: Usage };

/** The generation capability: `complete`, `stream` or both (the gateway derives the other). */
export interface GenerationModelV1 {
  /** The whole generation for `request.prompt`, in one result. */
  complete?(request: GenerationRequestV1): Promise<GenerationResultV1>;
  /** Must not throw synchronously; failures go through the iterator. */
  stream?(request: GenerationRequestV1): AsyncIterable<GenerationStreamPartV1>;
  /** Warnings the request would produce, without sending it (strict mode). */
  warningsFor?(request: GenerationRequestV1): readonly WarningV1[];
}
