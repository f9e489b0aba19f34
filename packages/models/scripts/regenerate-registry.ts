/**
 * Regenerate the shipped registry (`src/registry.json`) from OpenRouter's
 * model list. Run by hand, never in CI (it reads the network):
 *
 *   pnpm --filter @ratatoskr/models regenerate                # every text and embedding model
 *   pnpm --filter @ratatoskr/models regenerate --only-listed  # refresh the models already listed
 *   pnpm --filter @ratatoskr/models regenerate --input models.json   # from a saved response
 *
 * Options: `--url <url>` (default OpenRouter's list of text and embedding
 * models; no key needed), `--input <file>` (a saved `/api/v1/models`
 * response instead of the network), `--output <file>` (default
 * `src/registry.json`), `--only-listed`, `--dry-run` (print, write nothing).
 *
 * Records for other providers (Hugging Face models) and the preset table
 * are kept from the current file; OpenRouter's records are replaced by the
 * list's. The result is read back with the package's own reader before it
 * is written (atomically: a temporary file renamed into place), and the
 * changes are printed. The mapping is `registryDocumentFromOpenRouter`
 * (`src/openrouter-models.ts`), tested on a recorded response.
 */
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ModelMetadata } from "../src/model-metadata.ts";
import { ModelRegistry } from "../src/model-registry.ts";
import { registryDocumentFromOpenRouter } from "../src/openrouter-models.ts";

const DEFAULT_URL = "https://openrouter.ai/api/v1/models?output_modalities=text,embeddings";
const here = dirname(fileURLToPath(import.meta.url));

const args = process.argv.slice(2);
const { values } = parseArgs({
  // `pnpm … regenerate -- --only-listed` passes the `--` on.
  args: args[0] === "--" ? args.slice(1) : args,
  options: {
    url: { type: "string", default: DEFAULT_URL },
    input: { type: "string" },
    output: { type: "string", default: join(here, "..", "src", "registry.json") },
    "only-listed": { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
  },
});
const output = resolve(values.output);

const current = existsSync(output)
  ? ModelRegistry.fromJSON(await readFile(output, "utf8"), { origin: output })
  : undefined;
const response: unknown =
  values.input === undefined
    ? await download(values.url)
    : JSON.parse(await readFile(values.input, "utf8"));

const listedOpenRouter = new Set(
  (current?.list({ provider: "openrouter" }) ?? []).map((model) => model.info.id),
);
const { document, skipped } = registryDocumentFromOpenRouter(response, {
  keep: current?.list().filter((model) => model.info.provider !== "openrouter") ?? [],
  presets: current?.presets ?? {},
  ...(values["only-listed"] ? { only: listedOpenRouter } : {}),
});
const text = `${JSON.stringify(document, null, 2)}\n`;
const next = ModelRegistry.fromJSON(text, { origin: "regenerated registry" });

report(current, next);
for (const { id, reason } of skipped) console.log(`skipped ${id}: ${reason}`);
for (const warning of next.warnings) console.warn(`warning: ${warning}`);

if (values["dry-run"]) {
  console.log("dry run: nothing written");
} else {
  const temporary = `${output}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, { flag: "wx" });
    await rename(temporary, output);
  } finally {
    await rm(temporary, { force: true });
  }
  console.log(`wrote ${next.size} models to ${output}`);
}

async function download(url: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response.json();
}

function report(before: ModelRegistry | undefined, after: ModelRegistry): void {
  const ids = (registry: ModelRegistry | undefined) =>
    new Set(registry?.list().map((model) => model.info.id) ?? []);
  const old = ids(before);
  const fresh = ids(after);
  const added = [...fresh].filter((id) => !old.has(id));
  const removed = [...old].filter((id) => !fresh.has(id));
  const changed = [...fresh].filter(
    (id) => old.has(id) && !sameRecord(before!.get(id)!, after.get(id)!),
  );
  console.log(
    `${after.size} models: ${added.length} added, ${removed.length} removed, ${changed.length} changed`,
  );
  for (const id of added) console.log(`+ ${id}`);
  for (const id of removed) console.log(`- ${id}`);
  for (const id of changed) console.log(`~ ${id}`);
}

function sameRecord(a: ModelMetadata, b: ModelMetadata): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
