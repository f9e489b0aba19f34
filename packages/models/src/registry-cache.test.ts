/**
 * The cache file is replaced atomically: a write that fails half-way (a
 * full disk, simulated by a `writeFile` that writes half its data and then
 * fails) leaves the previous copy whole and no temporary file behind.
 */
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readRegistryCache, registryCachePath, writeRegistryCache } from "./registry-cache.ts";

const failNextWrite = { armed: false };

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    writeFile: async (...args: Parameters<typeof actual.writeFile>) => {
      if (!failNextWrite.armed) return actual.writeFile(...args);
      failNextWrite.armed = false;
      const [path, data] = args;
      await actual.writeFile(path, String(data).slice(0, String(data).length / 2));
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    },
  };
});

const URL = "https://registry.example/registry.json";
const document = (id: string) => ({
  version: 1,
  models: [{ info: { id, provider: "openrouter", capabilities: ["Chat"] }, parameters: {} }],
});
let cacheDirectory: string;

beforeEach(async () => {
  cacheDirectory = await fs.mkdtemp(join(tmpdir(), "ratatoskr-models-cache-"));
});

afterEach(async () => {
  failNextWrite.armed = false;
  await fs.rm(cacheDirectory, { recursive: true, force: true });
});

describe("writeRegistryCache", () => {
  it("keeps the previous copy whole when a write fails half-way, and leaves no temporary file", async () => {
    await writeRegistryCache(cacheDirectory, {
      url: URL,
      etag: '"old"',
      fetchedAt: "2026-01-01T00:00:00.000Z",
      text: JSON.stringify(document("old/model")),
    });
    failNextWrite.armed = true;
    await expect(
      writeRegistryCache(cacheDirectory, {
        url: URL,
        etag: '"new"',
        fetchedAt: "2026-02-01T00:00:00.000Z",
        text: JSON.stringify(document("new/model")),
      }),
    ).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("ENOSPC"),
    });
    const { cached, error } = await readRegistryCache(cacheDirectory, URL);
    expect(error).toBeUndefined();
    expect(cached?.etag).toBe('"old"');
    expect(cached?.registry.has("old/model")).toBe(true);
    expect(await fs.readdir(join(cacheDirectory, "model-registry"))).toEqual([
      registryCachePath(cacheDirectory, URL).split("/").at(-1),
    ]);
  });

  it("refuses a cache file written for another URL", async () => {
    await writeRegistryCache(cacheDirectory, {
      url: URL,
      fetchedAt: "2026-01-01T00:00:00.000Z",
      text: JSON.stringify(document("a/b")),
    });
    const text = await fs.readFile(registryCachePath(cacheDirectory, URL), "utf8");
    const other = "https://registry.example/other.json";
    await fs.writeFile(registryCachePath(cacheDirectory, other), text);
    const { cached, error } = await readRegistryCache(cacheDirectory, other);
    expect(cached).toBeUndefined();
    expect(error?.message).toContain("is not one this package wrote");
  });
});
