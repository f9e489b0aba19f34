import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultImporter } from "./provider-loader.ts";

let appRoot: string | undefined;
afterEach(() => {
  if (appRoot !== undefined) rmSync(appRoot, { recursive: true, force: true });
  appRoot = undefined;
});

describe("defaultImporter", () => {
  it("falls back to resolving from the application's directory when the gateway cannot see the package", async () => {
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
    writeFileSync(
      join(packageDir, "index.js"),
      "export const createThing = () => 'from the app';\n",
    );
    vi.spyOn(process, "cwd").mockReturnValue(appRoot);
    const module = await defaultImporter("@ratatoskr-test/only-in-app");
    expect((module.createThing as () => string)()).toBe("from the app");
  });

  it("rethrows the original not-found error when the application cannot resolve it either", async () => {
    appRoot = mkdtempSync(join(tmpdir(), "ratatoskr-app-"));
    vi.spyOn(process, "cwd").mockReturnValue(appRoot);
    await expect(defaultImporter("@ratatoskr-test/nowhere")).rejects.toThrow(
      /@ratatoskr-test\/nowhere/,
    );
  });
});
