/**
 * The provider specification, version 1: types only. A provider package
 * implements {@link ProviderV1} and exports a {@link ProviderDescriptorV1};
 * the gateway composes providers through this contract and nothing else.
 * It is separate from the user API (`ModelGateway`): providers get
 * normalised requests and return results with metadata and warnings.
 */
export type * from "./call-request-v1.ts";
export type * from "./chat-model-v1.ts";
export type * from "./classification-model-v1.ts";
export type * from "./embedding-model-v1.ts";
export type * from "./generation-model-v1.ts";
export type * from "./model-catalog-v1.ts";
export type * from "./nli-model-v1.ts";
export type * from "./provider-descriptor-v1.ts";
export type * from "./provider-exchange-v1.ts";
export type * from "./provider-v1.ts";
export type * from "./response-metadata-v1.ts";
export type * from "./token-counting-model-v1.ts";
export type * from "./warning-v1.ts";
