import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyByteLevelTokenizer } from "./__fixtures__/tiny-tokenizers.ts";
import { tokenizerMapping } from "./tokenizer-mapping.ts";
import { tokenizersDescriptor } from "./tokenizers-descriptor.ts";

let cacheDir: string;
let directory: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "ratatoskr-descriptor-"));
  directory = join(cacheDir, "tiny");
  await mkdir(directory);
  await writeFile(join(directory, "tokenizer.json"), JSON.stringify(tinyByteLevelTokenizer()));
});

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe("tokenizersDescriptor", () => {
  it("describes the provider the catalog expects: id, package, capability, environment", () => {
    expect(tokenizersDescriptor).toMatchObject({
      specificationVersion: "v1",
      id: "tokenizers",
      displayName: "Tokenizers",
      packageName: "@ratatoskr/tokenizers",
      capabilities: ["countTokens"],
      localInference: true,
      environment: { cacheDir: "RATATOSKR_CACHE_DIR", hubURL: "HF_ENDPOINT", hubToken: "HF_TOKEN" },
    });
  });

  it("needs no key: any environment configures it", () => {
    expect(tokenizersDescriptor.isConfigured!({})).toBe(true);
  });

  it("creates the provider from the settings the builder folds (mappings from .tokenizerMapping())", async () => {
    const provider = await tokenizersDescriptor.create({
      cacheDir,
      offline: true,
      mappings: [tokenizerMapping("tiny", directory)],
    });
    expect(provider.id).toBe("tokenizers");
    const count = await provider.tokenCounting!.countTokens({
      model: "tiny",
      text: "hello world",
      providerOptions: {},
      signal: new AbortController().signal,
    });
    expect(count).toEqual({ count: 2, approximate: false, source: `file:${directory}` });
  });
});
