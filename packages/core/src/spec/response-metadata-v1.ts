import type { WarningV1 } from "./warning-v1.ts";

/** What the provider reported about the answer. The gateway adds the provider id. */
export interface ResponseMetadataV1 {
  /** The model that answered as the provider named it (a dated version, a router's pick); default: the requested model. */
  readonly model?: string;
  /** The provider's id of the request or response (`x-request-id`, a message id), for support tickets and logs. */
  readonly requestId?: string;
}

/** Fields every provider result carries besides its payload. */
export interface ResultMetadataV1 {
  /** The answering model and the request id, when the provider reported them. */
  readonly response?: ResponseMetadataV1;
  /** Settings the provider ignored or could not honour (empty or absent: none). */
  readonly warnings?: readonly WarningV1[];
}
