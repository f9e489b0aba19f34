import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { createMockDescriptor } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadDescriptor } from "./load-descriptor.ts";
import { defaultImporter } from "./module-importer.ts";

async function failure(promise: Promise<unknown>): Promise<RatatoskrError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!RatatoskrError.isInstance(error)) throw new Error(`expected a RatatoskrError, got ${error}`);
  return error;
}

const notFound = (specifier: string) =>
  Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/index.js`), {
    code: "ERR_MODULE_NOT_FOUND",
  });

describe("loadDescriptor", () => {
  it("imports the package and returns its descriptor export, by id or alias", async () => {
    const descriptor = createMockDescriptor({ id: "huggingface", aliases: ["hf"] });
    const imported: string[] = [];
    const importModule = async (specifier: string) => {
      imported.push(specifier);
      return { huggingfaceDescriptor: descriptor };
    };
    expect(await loadDescriptor("hf", { importModule })).toBe(descriptor);
    expect(imported).toEqual(["@ratatoskr/provider-huggingface"]);
  });

  it("a package that is not installed is a configuration error naming what to install", async () => {
    const error = await failure(
      loadDescriptor("openrouter", {
        importModule: async (specifier) => Promise.reject(notFound(specifier)),
      }),
    );
    expect(error.code).toBe("configuration");
    expect(error.message).toBe(
      "The openrouter() shorthand needs the package @ratatoskr/provider-openrouter, which is not installed: run `pnpm add @ratatoskr/provider-openrouter` (or npm install @ratatoskr/provider-openrouter)",
    );
    expect(error.details).toEqual({ package: "@ratatoskr/provider-openrouter" });
  });

  it("the real importer fails that way for a package that is not installed", async () => {
    const error = await failure(
      loadDescriptor("ollama", {
        importModule: () => defaultImporter("@ratatoskr/provider-ollama-never-published"),
      }),
    );
    expect(error.code).toBe("configuration");
    expect(error.message).toContain(
      "needs the package @ratatoskr/provider-ollama, which is not installed",
    );
  });

  it("a package that fails for another reason, or lacks the descriptor, says so", async () => {
    const broken = await failure(
      loadDescriptor("anthropic", {
        importModule: async () => {
          throw new SyntaxError("Unexpected token");
        },
      }),
    );
    expect(broken.message).toContain(
      "Loading @ratatoskr/provider-anthropic for anthropic failed: Unexpected token",
    );
    const wrong = await failure(
      loadDescriptor("anthropic", {
        importModule: async () => ({ anthropicDescriptor: createMockDescriptor({ id: "other" }) }),
      }),
    );
    expect(wrong.message).toContain("does not export anthropicDescriptor, a v1 descriptor");
  });

  it("an id that is not in the catalog is a configuration error listing the catalog", async () => {
    const error = await failure(loadDescriptor("acme"));
    expect(error.code).toBe("configuration");
    expect(error.message).toContain("openrouter, anthropic, openai");
  });
});

describe("defaultImporter", () => {
  let appRoot: string | undefined;
  afterEach(() => {
    vi.restoreAllMocks();
    if (appRoot !== undefined) rmSync(appRoot, { recursive: true, force: true });
    appRoot = undefined;
  });

  it("falls back to resolving from the application's directory when the catalog cannot see the package", async () => {
    appRoot = mkdtempSync(join(tmpdir(), "ratatoskr-app-"));
    const packageDir = join(appRoot, "node_modules", "@ratatoskr-test", "only-in-app");
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(
      join(packageDir, "package.json"),
      JSON.stringify({
        name: "@ratatoskr-test/only-in-app",
        type: "module",
        exports: { ".": { import: "./index.js", default: "./index.js" } },
      }),
    );
    writeFileSync(join(packageDir, "index.js"), "export const thing = 'from the app';\n");
    vi.spyOn(process, "cwd").mockReturnValue(appRoot);
    const module = await defaultImporter("@ratatoskr-test/only-in-app");
    expect(module.thing).toBe("from the app");
  });

  it("rethrows the original not-found error when the application cannot resolve it either", async () => {
    appRoot = mkdtempSync(join(tmpdir(), "ratatoskr-app-"));
    vi.spyOn(process, "cwd").mockReturnValue(appRoot);
    await expect(defaultImporter("@ratatoskr-test/nowhere")).rejects.toThrow(
      /@ratatoskr-test\/nowhere/,
    );
  });
});
