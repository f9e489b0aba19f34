/**
 * The package's module structure: no import cycles between its files, the
 * engine in its own folder that depends on nothing outside it, and no
 * reliance on `@huggingface/tokenizers`' internals (it is the reference and
 * the fallback engine, used through its public `Tokenizer` API only).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const source = dirname(fileURLToPath(import.meta.url));

/** Every `.ts` file under `src/` that ships (tests and fixtures left out). */
function moduleFiles(directory = source): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "__fixtures__") files.push(...moduleFiles(path));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) files.push(path);
  }
  return files;
}

/** The files a module imports statically (`import … from`, `import type … from`, `export … from`). */
function localImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const imports: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/gms))
    imports.push(resolve(dirname(file), match[1]!));
  return imports;
}

/** The first import cycle found, as a list of files relative to `src/`, or undefined. */
function findCycle(files: readonly string[]): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "visiting")
      return [...stack.slice(stack.indexOf(file)), file].map((path) => relative(source, path));
    state.set(file, "visiting");
    stack.push(file);
    for (const imported of localImports(file)) {
      const cycle = visit(imported);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of files) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("module structure", () => {
  it("has no import cycles (type-only imports included)", () => {
    expect(findCycle(moduleFiles())).toBeUndefined();
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const fixtures = join(source, "__fixtures__", "import-cycle");
    expect(findCycle(moduleFiles(fixtures))).toEqual([
      "__fixtures__/import-cycle/first.ts",
      "__fixtures__/import-cycle/second.ts",
      "__fixtures__/import-cycle/first.ts",
    ]);
  });

  it("keeps the engine in its own folder, importing nothing from outside it", () => {
    const engine = join(source, "engine");
    const outside = moduleFiles(engine).flatMap((file) =>
      localImports(file)
        .filter((imported) => !imported.startsWith(`${engine}/`))
        .map((imported) => `${relative(source, file)} → ${relative(source, imported)}`),
    );
    expect(outside).toEqual([]);
  });

  it("uses @huggingface/tokenizers through one module, its public Tokenizer only, loaded when needed", () => {
    const users = moduleFiles()
      .filter((file) => /["']@huggingface\/tokenizers["']/.test(readFileSync(file, "utf8")))
      .map((file) => relative(source, file));
    expect(users).toEqual(["reference-engine.ts"]);
    const text = readFileSync(join(source, "reference-engine.ts"), "utf8");
    // Loaded on first use (importing this package stays cheap), never statically.
    expect(text).not.toMatch(/^import\s(?!type\b)[^;]*"@huggingface\/tokenizers"/m);
    // No pre-tokenizer, normaliser or decoder classes, whose fields (`.pattern`) are not an API.
    expect(text).not.toMatch(/PreTokenizer|Normalizer|Decoder|\.pattern\b/);
  });
});
