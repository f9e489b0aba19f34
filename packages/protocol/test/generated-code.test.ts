/**
 * The generated code in src/gen is what `buf generate` makes from
 * proto/ with this package's pinned buf and protoc-gen-es: a .proto edited
 * without regenerating (or generated code edited by hand) fails here.
 * Regenerate with `npx -y pnpm@12.4.2 --filter @ratatoskr/protocol generate`.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(PACKAGE, "node_modules", ".bin");

async function filesUnder(directory: string): Promise<Map<string, string>> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(directory, path), await readFile(path, "utf8"));
  }
  return files;
}

let output: string;

beforeAll(async () => {
  output = await mkdtemp(join(tmpdir(), "ratatoskr-protocol-gen-"));
  await run(join(BIN, "buf"), ["generate", "--output", output], {
    cwd: PACKAGE,
    env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}` },
  });
});

afterAll(async () => {
  if (output) await rm(output, { recursive: true, force: true });
});

describe("the committed generated code", () => {
  it("is exactly what buf generate makes from the .proto", async () => {
    const fresh = await filesUnder(join(output, "src", "gen"));
    const committed = await filesUnder(join(PACKAGE, "src", "gen"));
    expect([...fresh.keys()].sort()).toEqual([...committed.keys()].sort());
    expect(fresh.size).toBeGreaterThan(0);
    for (const [path, text] of fresh) expect(committed.get(path), path).toBe(text);
  });
});
