/**
 * @ratatoskr/provider-utils: helpers shared by provider packages (HTTP
 * error mapping, bounded error bodies, retry-after parsing, API keys,
 * base-URL validation, AbortSignal linking, chunked batches with bounded
 * concurrency, warnings for unknown provider options, an abortable sleep,
 * the capture of HTTP exchanges for a call's inspector, an incremental
 * Server-Sent Events decoder).
 * The Hugging Face Hub downloader and the cache-directory and offline rules
 * are in the `@ratatoskr/provider-utils/hub` subpath.
 *
 * @packageDocumentation
 */
export * from "./api-key.ts";
export * from "./base-url.ts";
export * from "./http-error.ts";
export * from "./inspect-exchange.ts";
export * from "./map-with-concurrency.ts";
export * from "./provider-option-warnings.ts";
export * from "./read-error-body.ts";
export * from "./retry-after.ts";
export * from "./signals.ts";
export * from "./sleep.ts";
export * from "./sse-decoder.ts";
