/**
 * `@ratatoskr/provider-utils/hub`: the Hugging Face Hub downloader and the
 * cache-directory and offline rules, apart from the main entry so that
 * packages that never download (the HTTP providers) do not load `node:fs`
 * and `node:crypto` for it.
 *
 * @packageDocumentation
 */
export * from "./cache-directory.ts";
export * from "./hub-download.ts";
