import { fileURLToPath } from "node:url";
import { modulesResolvedBy } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

describe("importing @ratatoskr/provider-openai-compat", async () => {
  it("loads no openai SDK: the descriptor can be read without it, the first request imports it", async () => {
    const modules = await modulesResolvedBy("@ratatoskr/provider-openai-compat", packageRoot);
    expect(modules.some((url) => url.includes("/provider-openai-compat/src/index.ts"))).toBe(true);
    expect(modules.filter((url) => /node_modules\/(?:\.pnpm\/)?openai[@/]/.test(url))).toEqual([]);
  });
});
