/**
 * The fast tokenizer engine: compiles a `tokenizer.json` (or a tiktoken
 * rank table) into plain data, runs it exactly as `tokenizers` runs the
 * same file, caches the compiled form as a compact file, and counts long
 * texts in slices. It depends on nothing outside this folder.
 */
export * from "./compact-tokenizer-file.ts";
export * from "./compile-tokenizer.ts";
export * from "./compiled-decoders.ts";
export * from "./compiled-tokenizer.ts";
export * from "./rank-table.ts";
export * from "./slice-meter.ts";
export * from "./tiktoken-conversion.ts";
