/**
 * @ratatoskr/provider-utils: helpers shared by provider packages (HTTP
 * error mapping, retry-after parsing, API keys, base-URL validation,
 * AbortSignal linking, the Hugging Face Hub downloader).
 *
 * @packageDocumentation
 */
export * from "./api-key.ts";
export * from "./base-url.ts";
export * from "./http-error.ts";
export * from "./hub-download.ts";
export * from "./retry-after.ts";
export * from "./signals.ts";
