/**
 * End to end through the gateway (kept apart from the plugin's own tests so
 * they do not depend on the gateway package).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyByteLevelTokenizer } from "./__fixtures__/tiny-tokenizers.ts";
import { tokenizerMapping } from "./tokenizer-mapping.ts";
import { createTokenizers } from "./tokenizers-provider.ts";

let cacheDir: string;
let directory: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "ratatoskr-gateway-tokenizers-"));
  directory = join(cacheDir, "tiny");
  await mkdir(directory);
  await writeFile(join(directory, "tokenizer.json"), JSON.stringify(tinyByteLevelTokenizer()));
});

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const create = () =>
  createTokenizers({ cacheDir, offline: true, mappings: [tokenizerMapping("tiny", directory)] });

describe("gateway countTokens", () => {
  it("serves countTokens through the gateway", async () => {
    const gateway = await Ratatoskr.builder().use(create()).build();
    expect(await gateway.countTokens("hello world", "tiny")).toEqual({
      count: 2,
      approximate: false,
      source: `file:${directory}`,
    });
    expect(await gateway.countTokens("hello world", "tokenizers:tiny")).toMatchObject({ count: 2 });
    expect(gateway.capabilities().tokenCounting).toBe(true);
    const error = await gateway
      .countTokens("hi", "acme/unknown")
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error)).toBe(true);
  });
});
