import { fileURLToPath } from "node:url";
import { modulesResolvedBy } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

/** Run a script in a fresh Node process that records every module it resolves. */
const resolvedModules = (entry: string) => modulesResolvedBy(entry, packageRoot);

describe("importing @ratatoskr/gateway", () => {
  it("loads no provider package and no provider SDK", async () => {
    const modules = await resolvedModules("@ratatoskr/gateway");
    expect(modules.some((url) => url.includes("/gateway/src/index.ts"))).toBe(true);
    const heavy = modules.filter((url) =>
      /provider-(openai|openrouter|ollama|anthropic|huggingface|local)|\/tokenizers\/|node_modules\/(openai|@anthropic-ai|@huggingface|onnxruntime)/.test(
        url,
      ),
    );
    expect(heavy).toEqual([]);
  });
});
