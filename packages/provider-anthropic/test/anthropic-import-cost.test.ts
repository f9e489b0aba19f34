import { fileURLToPath } from "node:url";
import { modulesResolvedBy } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

describe("importing @ratatoskr/provider-anthropic", () => {
  it("loads the SDK's error classes only; the client waits for the first call", async () => {
    const modules = await modulesResolvedBy("@ratatoskr/provider-anthropic", packageRoot);
    expect(modules.some((url) => url.includes("/provider-anthropic/src/index.ts"))).toBe(true);
    const sdk = modules.filter((url) => url.includes("/@anthropic-ai/sdk/"));
    expect(sdk.some((url) => /\/sdk\/error\.m?js$/.test(url))).toBe(true);
    expect(sdk.filter((url) => /\/sdk\/(index|client)\.m?js$|\/resources\//.test(url))).toEqual([]);
  });
});
