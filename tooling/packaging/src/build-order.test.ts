import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { publishedPackages } from "./consumer-project.ts";

describe("the packaging test's own dependencies", () => {
  it("name every published package, so turbo builds each one before the packaging test packs it", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const declared = Object.keys(manifest.devDependencies ?? {});
    const missing = publishedPackages()
      .map((entry) => entry.name)
      .filter((name) => !declared.includes(name));
    expect(missing).toEqual([]);
  });
});
