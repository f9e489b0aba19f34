/**
 * @ratatoskr/core: the `ModelGateway` interface (the user API), its types,
 * the error type and its trait table, and the provider specification v1
 * (`ProviderV1`, types only). No runtime dependencies.
 *
 * @packageDocumentation
 */
export * from "./assert-messages.ts";
export * from "./assert-model-info.ts";
export * from "./assert-options.ts";
export * from "./assert-tools.ts";
export * from "./cache-store.ts";
export * from "./capabilities.ts";
export * from "./chat-stream-accumulator.ts";
export * from "./chat-stream-parts.ts";
export * from "./error-traits.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./generation-stream-parts.ts";
export * from "./messages.ts";
export * from "./model-gateway.ts";
export * from "./model-intelligence.ts";
export * from "./model-metadata.ts";
export * from "./model-support.ts";
export * from "./options.ts";
export * from "./provider-budget-store.ts";
export * from "./responses.ts";
export * from "./secrets.ts";
export * from "./server-tools.ts";
export * from "./shared-provider-state.ts";
export type * from "./spec/index.ts";
export * from "./tools.ts";
export * from "./usage.ts";
export * from "./validation.ts";
export * from "./warning.ts";
