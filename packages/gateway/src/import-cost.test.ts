import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

/** Run a script in a fresh Node process that records every module it resolves. */
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

describe("importing @ratatoskr/gateway", () => {
  it("loads no provider package and no provider SDK", () => {
    const modules = resolvedModules("@ratatoskr/gateway");
    expect(modules.some((url) => url.includes("/gateway/src/index.ts"))).toBe(true);
    const heavy = modules.filter((url) =>
      /provider-(openai|openrouter|ollama|anthropic|huggingface|local)|\/tokenizers\/|node_modules\/(openai|@anthropic-ai|@huggingface|onnxruntime)/.test(
        url,
      ),
    );
    expect(heavy).toEqual([]);
  });
});
