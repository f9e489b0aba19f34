/**
 * Loads one tokenizer in a fresh process and prints the load time in ms as
 * JSON (used by run.ts to measure a cached load without a warm JIT).
 * Usage: node --conditions=@ratatoskr/source bench/load-once.ts <directory> <cacheDirectory>
 */
import { HfTokenizer } from "../src/hf-tokenizer.ts";

const [directory, cacheDirectory] = process.argv.slice(2);
const start = performance.now();
const tokenizer = await HfTokenizer.fromDirectory(directory!, { cacheDirectory: cacheDirectory! });
const loadMs = performance.now() - start;
// One count, so a lazily built structure would show up here too.
const countStart = performance.now();
tokenizer.count("Hello, world! Ratatoskr counts tokens.");
console.log(
  JSON.stringify({
    loadMs,
    firstCountMs: performance.now() - countStart,
    engine: tokenizer.engine,
  }),
);
