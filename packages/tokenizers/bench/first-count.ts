/**
 * One first count in this fresh process: import the library, then count a
 * short text for gpt-4o, and print `{ wallMs, cpuMs, count }` as JSON.
 * `ratatoskr` uses @ratatoskr/tokenizers' `countTokens` (its cache
 * directory from RATATOSKR_CACHE_DIR: empty for a cold start, filled by a
 * previous run for a warm one); `gpt-tokenizer` uses gpt-tokenizer's
 * o200k `countTokens`. The clock starts before the import, as an
 * application's first count pays for it; Node's own start-up is left out.
 *
 * Usage: node bench/first-count.ts ratatoskr|gpt-tokenizer
 */
const library = process.argv[2];
const text = "Hello, world! Ratatoskr counts tokens.";
const cpuStart = process.cpuUsage();
const start = performance.now();
let count: number;
if (library === "gpt-tokenizer") {
  const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
  count = countTokens(text);
} else if (library === "ratatoskr") {
  const { countTokens } = await import("@ratatoskr/tokenizers");
  count = (await countTokens(text, "gpt-4o")).count;
} else {
  throw new Error(`Unknown library ${library}: ratatoskr or gpt-tokenizer`);
}
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, count }));

export {};
