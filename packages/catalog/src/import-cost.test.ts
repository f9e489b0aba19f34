import { fileURLToPath } from "node:url";
import { modulesResolvedBy } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

describe("importing @ratatoskr/catalog", () => {
  it("loads no provider package and no provider SDK", async () => {
    const modules = await modulesResolvedBy("@ratatoskr/catalog", packageRoot);
    expect(modules.some((url) => url.includes("/catalog/src/index.ts"))).toBe(true);
    const heavy = modules.filter((url) =>
      /provider-(openai|openrouter|ollama|anthropic|huggingface|local)|\/tokenizers\/|node_modules\/(openai|@anthropic-ai|@huggingface|onnxruntime)/.test(
        url,
      ),
    );
    expect(heavy).toEqual([]);
  });
});
