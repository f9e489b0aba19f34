/**
 * @ratatoskr/provider-utils: helpers shared by provider packages (HTTP
 * error mapping, bounded error bodies, retry-after parsing, API keys,
 * base-URL validation, AbortSignal linking, chunked batches with bounded
 * concurrency, warnings for unknown provider options, the Hugging Face Hub
 * downloader).
 *
 * @packageDocumentation
 */
export * from "./api-key.ts";
export * from "./base-url.ts";
export * from "./http-error.ts";
export * from "./hub-download.ts";
export * from "./map-with-concurrency.ts";
export * from "./provider-option-warnings.ts";
export * from "./read-error-body.ts";
export * from "./retry-after.ts";
export * from "./signals.ts";
