/**
 * The API reference `build-api-docs.ts` wrote (the package's `test` script
 * builds it first, failing on any TypeDoc warning): one module page per
 * public import specifier, holding that package's exports.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apiEntryPoints, OUTPUT_DIRECTORY, publishedPackageNames } from "./entry-points.ts";

/** TypeDoc's file name for a module page (`@ratatoskr/testing/conformance` → `_ratatoskr_testing_conformance.html`). */
function modulePage(specifier: string): string {
  return join(OUTPUT_DIRECTORY, "modules", `${specifier.replace(/[^a-z0-9-]/gi, "_")}.html`);
}

describe("the API reference", () => {
  it("has an entry point for every published package, and the public subpaths", () => {
    const specifiers = apiEntryPoints().map((entry) => entry.specifier);
    expect(new Set(apiEntryPoints().map((entry) => entry.packageName))).toEqual(
      new Set(publishedPackageNames()),
    );
    expect(specifiers).toEqual(
      expect.arrayContaining([
        "@ratatoskr/core",
        "@ratatoskr/testing/conformance",
        "@ratatoskr/testing/servers",
        "@ratatoskr/provider-utils/hub",
      ]),
    );
    expect(specifiers.filter((specifier) => specifier.includes("/internal"))).toEqual([]);
  });

  it("has a module page for every public import specifier", () => {
    const missing = apiEntryPoints()
      .map((entry) => modulePage(entry.specifier))
      .filter((page) => !existsSync(page));
    expect(missing).toEqual([]);
  });

  it("lists every module on its index, named by import specifier", () => {
    const index = readFileSync(join(OUTPUT_DIRECTORY, "modules.html"), "utf8");
    const absent = apiEntryPoints()
      .map((entry) => entry.specifier)
      .filter((specifier) => !index.includes(`>${specifier}<`));
    expect(absent).toEqual([]);
  });

  it("documents each package's own exports on its page", () => {
    const core = readFileSync(modulePage("@ratatoskr/core"), "utf8");
    expect(core).toContain("RatatoskrError");
    const gateway = readFileSync(modulePage("@ratatoskr/gateway"), "utf8");
    expect(gateway).toContain("Ratatoskr");
    const conformance = readFileSync(modulePage("@ratatoskr/testing/conformance"), "utf8");
    expect(conformance).toContain("runProviderConformance");
  });

  it("keeps the baseline of undocumented properties sorted, without duplicates", () => {
    const baseline = JSON.parse(
      readFileSync(new URL("../undocumented-properties.json", import.meta.url), "utf8"),
    ) as string[];
    expect(baseline).toEqual([...new Set(baseline)].sort());
  });

  it("writes no page for an internal subpath", () => {
    const pages = readdirSync(join(OUTPUT_DIRECTORY, "modules"));
    expect(pages.filter((page) => page.includes("internal"))).toEqual([]);
  });
});
