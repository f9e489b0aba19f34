import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

function resolvedModules(entry: string): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const seen = [];
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.push(result.url); return result; } });
    await import(${JSON.stringify(entry)});
    process.stdout.write(JSON.stringify(seen));
  `;
  const child = spawnSync(
    process.execPath,
    ["--conditions=@ratatoskr/source", "--input-type=module", "-e", script],
    {
      cwd: packageRoot,
      encoding: "utf8",
    },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as string[];
}

describe("importing @ratatoskr/testing", () => {
  it("the main entry loads no test runner (safe at runtime)", () => {
    const modules = resolvedModules("@ratatoskr/testing");
    expect(modules.some((url) => url.includes("/testing/src/mock-provider.ts"))).toBe(true);
    expect(modules.some((url) => url.includes("/testing/src/openai-wire-mock-server.ts"))).toBe(
      true,
    );
    expect(modules.filter((url) => url.includes("vitest"))).toEqual([]);
  });
  it("the conformance entry brings vitest", () => {
    expect(
      resolvedModules("@ratatoskr/testing/conformance").some((url) => url.includes("vitest")),
    ).toBe(true);
  });
});
