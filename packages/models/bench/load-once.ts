/**
 * One fresh-process load of a registry, timed (used by run.ts, so no warm
 * JIT or cache from an earlier load counts). Prints JSON.
 *
 * Usage: node --conditions=@ratatoskr/source bench/load-once.ts file <registry.json>
 *        node bench/load-once.ts package <path to dist/index.js>
 *
 * `file`: read the file, then time JSON.parse (`parseMs`) and JSON.parse +
 * validate + index (`ms`, what `ModelRegistry.fromJSON` does). `package`: import the built package (its
 * dependencies and the bundled registry literal included: `importMs`), then
 * time the first `shippedRegistry()` call (validate + index: `ms`).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [mode, target] = process.argv.slice(2);
if (mode === "file") {
  const { ModelRegistry } = await import("../src/model-registry.ts");
  const text = readFileSync(target!, "utf8");
  const start = performance.now();
  const document: unknown = JSON.parse(text);
  const parsed = performance.now();
  const registry = ModelRegistry.fromPayload(document, { adopt: true });
  const ms = performance.now() - start;
  console.log(
    JSON.stringify({ ms, parseMs: parsed - start, models: registry.size, bytes: text.length }),
  );
} else if (mode === "package") {
  const start = performance.now();
  const models = (await import(pathToFileURL(target!).href)) as typeof import("../src/index.ts");
  const imported = performance.now();
  const registry = models.shippedRegistry();
  const ms = performance.now() - imported;
  console.log(JSON.stringify({ ms, importMs: imported - start, models: registry.size }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
