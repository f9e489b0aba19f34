import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { modulesResolvedBy } from "./leak-probes.ts";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

const resolvedModules = (entry: string) => modulesResolvedBy(entry, packageRoot);

describe("importing @ratatoskr/testing", () => {
  it("the main entry loads no test runner (safe at runtime)", async () => {
    const modules = await resolvedModules("@ratatoskr/testing");
    expect(modules.some((url) => url.includes("/testing/src/mock-provider.ts"))).toBe(true);
    expect(modules.some((url) => url.includes("/testing/src/openai-wire-mock-server.ts"))).toBe(
      true,
    );
    expect(modules.filter((url) => url.includes("vitest"))).toEqual([]);
  });
  it("the conformance entry brings vitest", async () => {
    const modules = await resolvedModules("@ratatoskr/testing/conformance");
    expect(modules.some((url) => url.includes("vitest"))).toBe(true);
  });
});
