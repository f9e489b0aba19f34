/**
 * Registry load time, each figure the median of fresh-process runs (a new
 * Node process per load, so nothing is warm but the OS page cache):
 *
 * 1. the shipped registry (`src/registry.json`): JSON.parse + validate + index;
 * 2. a registry the size of OpenRouter's whole list (400 models with 15
 *    parameters each, written here), the same way: what a regenerated or
 *    refreshed registry costs;
 * 3. the built package: its import (core, provider-utils and the bundled
 *    registry literal), then the first `shippedRegistry()` call (needs
 *    `pnpm --filter @ratatoskr/models build`; skipped without it).
 *
 * Medians and minimums are both printed: on a busy machine the median
 * carries the wait for a CPU, the minimum is closest to the cost itself.
 *
 * The target (issue #15) is under 20 ms. Printed, never asserted in tests.
 *
 * Run: pnpm --filter @ratatoskr/models bench
 * (node --conditions=@ratatoskr/source bench/run.ts [runs])
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { percentile } from "@ratatoskr/bench";

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.argv[2] ?? 21);

interface Sample {
  ms: number;
  models: number;
  bytes?: number;
  importMs?: number;
  parseMs?: number;
}

function measure(args: string[]): Sample[] {
  const samples = [];
  for (let run = 0; run < runs; run++) {
    samples.push(JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" })));
  }
  return samples;
}

function print(
  title: string,
  samples: Sample[],
  field: "ms" | "importMs" | "parseMs" = "ms",
): void {
  const sorted = samples.map((sample) => sample[field] ?? Number.NaN).sort((a, b) => a - b);
  const size =
    samples[0]?.bytes === undefined ? "" : `, ${(samples[0].bytes / 1024).toFixed(0)} KiB`;
  console.log(
    `${title} (${samples[0]?.models} models${size}): median ${percentile(sorted, 50).toFixed(2)} ms, ` +
      `p90 ${percentile(sorted, 90).toFixed(2)} ms, min ${sorted[0]!.toFixed(2)} ms over ${runs} fresh processes`,
  );
}

/** Total, JSON.parse and validate + index (each run's total less its parse) of file loads. */
function printFile(title: string, samples: Sample[]): void {
  print(`${title}, parse + validate + index`, samples);
  print("  JSON.parse", samples, "parseMs");
  const rest = samples.map((sample) => ({ ...sample, ms: sample.ms - (sample.parseMs ?? 0) }));
  print("  validate + index", rest);
}

/** A registry shaped like OpenRouter's whole list: `count` chat models, 15 parameters each. */
function fullSizeDocument(count: number): unknown {
  const shipped = JSON.parse(readFileSync(join(here, "..", "src", "registry.json"), "utf8"));
  const template = shipped.models.find(
    (model: { info: { id: string } }) => model.info.id === "meta-llama/llama-3.3-70b-instruct",
  );
  const models = Array.from({ length: count }, (_, index) => ({
    ...template,
    info: { ...template.info, id: `vendor-${index % 40}/model-${index}` },
  }));
  return { version: 1, models, presets: shipped.presets };
}

const source = ["--conditions=@ratatoskr/source", join(here, "load-once.ts")];
console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
printFile(
  "shipped registry",
  measure([...source, "file", join(here, "..", "src", "registry.json")]),
);

const directory = await mkdtemp(join(tmpdir(), "ratatoskr-models-bench-"));
try {
  const file = join(directory, "registry-400.json");
  await writeFile(file, JSON.stringify(fullSizeDocument(400), null, 2));
  printFile("OpenRouter-sized registry", measure([...source, "file", file]));
} finally {
  await rm(directory, { recursive: true, force: true });
}

const built = join(here, "..", "dist", "index.js");
if (existsSync(built)) {
  const samples = measure([join(here, "load-once.ts"), "package", built]);
  print("built package, first shippedRegistry() (validate + index)", samples);
  print("built package, import (dependencies and the registry literal)", samples, "importMs");
} else {
  console.log(
    "import of the built package: skipped (run `pnpm --filter @ratatoskr/models build` first)",
  );
}
