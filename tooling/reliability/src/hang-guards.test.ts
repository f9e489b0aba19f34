/**
 * CI runs every package's tests at once on two cores, so a time limit in a
 * test is a hang guard, never a measure: the vitest preset sets generous ones
 * (tooling/config/vitest.preset.ts), and no test or config may set a shorter
 * one. This scan of the repository's test sources fails on a limit that would
 * let a busy machine fail a correct test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const SKIP_DIRECTORIES = new Set(["node_modules", "dist", ".git", ".turbo", "gen"]);
/** The preset's per-test hang guard. */
const TEST_GUARD_MS = 300_000;
/** The preset's per-poll hang guard. */
const POLL_GUARD_MS = 240_000;

function sources(directory: string, found: string[] = []): string[] {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (SKIP_DIRECTORIES.has(entry.name) || entry.name === "hang-guards.test.ts") continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) sources(path, found);
    else if (
      /\.test\.tsx?$|vitest\.config\.ts$|__fixtures__\/.*\.ts$|test-helpers?\.ts$/.test(path)
    )
      found.push(path);
  }
  return found;
}

const files = ["packages", "apps", "tooling", "examples"].flatMap((top) => {
  try {
    return sources(join(root, top));
  } catch {
    return [];
  }
});

/** Every `number` in `text` matched by `pattern`'s first group, with its line. */
function limits(text: string, pattern: RegExp): Array<{ line: number; value: number }> {
  const found: Array<{ line: number; value: number }> = [];
  for (const match of text.matchAll(pattern)) {
    const value = Number(match[1]!.replaceAll("_", ""));
    const at = match.index + match[0].lastIndexOf(match[1]!);
    found.push({ line: text.slice(0, at).split("\n").length, value });
  }
  return found;
}

describe("no test shortens the hang guards", () => {
  it("scans a meaningful set of test files", () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it("no it()/describe()/hook sets a limit below the preset's", () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (/live\.test\.ts$/.test(file)) continue; // live tests talk to real services, skipped in CI
      const text = readFileSync(file, "utf8");
      for (const { line, value } of limits(text, /\n\s*\}\s*,\s*([\d_]+)\s*\)/g)) {
        if (value < TEST_GUARD_MS) offenders.push(`${relative(root, file)}:${line} (${value} ms)`);
      }
      for (const { line, value } of limits(text, /(?:testTimeout|hookTimeout)\s*:\s*([\d_]+)/g)) {
        if (value < TEST_GUARD_MS) offenders.push(`${relative(root, file)}:${line} (${value} ms)`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("no poll, wait or child process has a limit below the preset's", () => {
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const patterns = [
        /\.poll\([^;]*?\{\s*timeout:\s*([\d_]+)/g,
        /vi\.waitFor\([^;]*?\{\s*timeout:\s*([\d_]+)/g,
        /(?:execFileSync|spawnSync|execSync)\([^;]*?timeout:\s*([\d_]+)/g,
        /setDefault(?:Navigation)?Timeout\(\s*([\d_]+)/g,
      ];
      for (const pattern of patterns) {
        for (const { line, value } of limits(text, pattern)) {
          if (value < POLL_GUARD_MS)
            offenders.push(`${relative(root, file)}:${line} (${value} ms)`);
        }
      }
      if (/vi\.waitFor\((?![^;]*timeout)/.test(text)) {
        offenders.push(`${relative(root, file)}: vi.waitFor without a timeout waits only 1 s`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("catches what it is meant to catch", () => {
    expect(
      limits('it("x", async () => {\n  await y();\n}, 60_000);', /\n\s*\}\s*,\s*([\d_]+)\s*\)/g),
    ).toEqual([{ line: 3, value: 60_000 }]);
    expect(
      limits(
        "await expect.poll(() => n(), { timeout: 5_000 }).toBe(1);",
        /\.poll\([^;]*?\{\s*timeout:\s*([\d_]+)/g,
      ),
    ).toEqual([{ line: 1, value: 5_000 }]);
  });
});
