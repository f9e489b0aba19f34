import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { runProviderConformance } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyByteLevelTokenizer } from "./__fixtures__/tiny-tokenizers.ts";
import { tokenizerMapping } from "./tokenizer-mapping.ts";
import { createTokenizers } from "./tokenizers-provider.ts";

let cacheDir: string;
let directory: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "ratatoskr-provider-"));
  directory = join(cacheDir, "tiny");
  await mkdir(directory);
  await writeFile(join(directory, "tokenizer.json"), JSON.stringify(tinyByteLevelTokenizer()));
});

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const create = () =>
  createTokenizers({ cacheDir, offline: true, mappings: [tokenizerMapping("tiny", directory)] });

runProviderConformance({
  name: "tokenizers",
  createProvider: create,
  scenarios: {
    countTokens: { text: "hello world", model: "tiny", expectCount: 2 },
    errors: {
      "an unknown model": {
        call: (provider, options) => provider.countTokens!("hello", "acme/unknown", options),
        code: "configuration",
      },
    },
  },
});

describe("createTokenizers", () => {
  it("is a countTokens plugin with id tokenizers", () => {
    const plugin = create();
    expect(plugin.id).toBe("tokenizers");
    expect(plugin.capabilities).toEqual(["countTokens"]);
    expect(plugin.localInference).toBe(true);
  });

  it("supports mapped models (vendor and provider prefixes included) and explains a decline", () => {
    const plugin = create();
    expect(plugin.supports!("countTokens", "tiny")).toBe(true);
    expect(plugin.supports!("countTokens", "anthropic/claude-sonnet-4")).toBe(true);
    expect(plugin.supports!("countTokens", "openrouter:anthropic/claude-sonnet-4")).toBe(true);
    expect(plugin.supports!("countTokens", "meta-llama/llama-3.1-8b-instruct")).toBe(true);
    expect(plugin.supports!("chat", "tiny")).toEqual({
      supported: false,
      reason: "tokenizers only count tokens",
    });
    const decline = plugin.supports!("countTokens", "acme/unknown");
    expect(decline).toMatchObject({ supported: false });
    expect((decline as { reason: string }).reason).toContain("tokenizerMapping");
    expect(
      createTokenizers({ allowApproximate: true }).supports!("countTokens", "acme/unknown"),
    ).toBe(true);
  });

  it("reports Claude counts as approximate (the public tokenizer predates Claude 3)", async () => {
    const plugin = createTokenizers({ cacheDir, offline: true });
    const count = await plugin.countTokens("Hello, world!", "claude-sonnet-4-20250514");
    expect(count).toEqual({ count: 4, approximate: true, source: "claude" });
  });

  it("gives the approximate fallback only when the call or the settings ask for it", async () => {
    const plugin = create();
    await expect(plugin.countTokens("Hello, world!", "acme/unknown")).rejects.toThrow(
      /No tokenizer is mapped/,
    );
    const count = await plugin.countTokens("Hello, world!", "acme/unknown", {
      allowApproximate: true,
    });
    expect(count.approximate).toBe(true);
    expect(count.source).toMatch(/^fallback:/);
  });

  it("rejects with aborted when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await create()
      .countTokens("hello", "tiny", { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "aborted")).toBe(true);
  });

  it("offers tokenize, encode, decode and countChatTokens helpers", async () => {
    const plugin = create();
    expect(await plugin.tokenize("hello world", "tiny")).toEqual(["hello", "Ġworld"]);
    const ids = await plugin.encode("hello world", "tiny");
    expect(await plugin.decode(ids, "tiny")).toBe("hello world");
    const chat = await plugin.countChatTokens(
      [{ role: "user", content: "hello world" }],
      undefined,
      "tiny",
    );
    expect(chat).toMatchObject({ approximate: true, method: "plain" });
  });

  it("exports module-level helpers on a shared default registry", async () => {
    const previous = process.env.RATATOSKR_CACHE_DIR;
    process.env.RATATOSKR_CACHE_DIR = cacheDir;
    try {
      const helpers = await import("./default-registry.ts");
      expect(helpers.defaultTokenizerRegistry()).toBe(helpers.defaultTokenizerRegistry());
      expect(helpers.defaultTokenizerRegistry().cacheDirectory).toBe(cacheDir);
      expect(await helpers.countTokens("Hello, world!", "claude-3-haiku")).toEqual({
        count: 4,
        approximate: true,
        source: "claude",
      });
      expect(await helpers.tokenize("Hello, world!", "claude-3-haiku")).toHaveLength(4);
      const ids = await helpers.encode("Hello, world!", "claude-3-haiku");
      expect(await helpers.decode(ids, "claude-3-haiku")).toBe("Hello, world!");
      const chat = await helpers.countChatTokens(
        [{ role: "user", content: "Hi" }],
        undefined,
        "claude-3-haiku",
      );
      expect(chat).toMatchObject({ approximate: true, method: "claude" });
    } finally {
      if (previous === undefined) delete process.env.RATATOSKR_CACHE_DIR;
      else process.env.RATATOSKR_CACHE_DIR = previous;
    }
  });
});
