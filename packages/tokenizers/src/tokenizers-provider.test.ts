import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError, type TokenCountingRequestV1 } from "@ratatoskr/core";
import { runProviderConformance } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyByteLevelTokenizer } from "./__fixtures__/tiny-tokenizers.ts";
import { tokenizerMapping } from "./tokenizer-mapping.ts";
import { tokenizersDescriptor } from "./tokenizers-descriptor.ts";
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

/** A v1 token-counting request: no provider options, a signal that never fires unless given. */
const request = (
  text: string,
  model: string,
  extra: Partial<TokenCountingRequestV1> = {},
): TokenCountingRequestV1 => ({
  model,
  text,
  providerOptions: {},
  signal: new AbortController().signal,
  ...extra,
});

runProviderConformance({
  name: "tokenizers",
  createProvider: create,
  descriptor: tokenizersDescriptor,
  scenarios: {
    countTokens: {
      text: "hello world",
      model: "tiny",
      expectCount: 2,
      unknownProviderOption: "exact",
    },
    errors: {
      "an unknown model": {
        call: (provider, signal) =>
          provider.tokenCounting!.countTokens(request("hello", "acme/unknown", { signal })),
        code: "configuration",
      },
    },
  },
});

describe("createTokenizers", () => {
  it("is a v1 provider with id tokenizers that only counts tokens, locally", () => {
    const provider = create();
    expect(provider.specificationVersion).toBe("v1");
    expect(provider.id).toBe("tokenizers");
    expect(provider.tokenCounting.countTokens).toBeTypeOf("function");
    expect([provider.chat, provider.generation, provider.embedding, provider.nli]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(provider.classification).toBeUndefined();
    expect(provider.localInference).toBe(true);
  });

  it("supports mapped models (vendor and provider prefixes included) and explains a decline", () => {
    const provider = create();
    expect(provider.supports!("countTokens", "tiny")).toBe(true);
    expect(provider.supports!("countTokens", "anthropic/claude-sonnet-4")).toBe(true);
    expect(provider.supports!("countTokens", "openrouter:anthropic/claude-sonnet-4")).toBe(true);
    expect(provider.supports!("countTokens", "meta-llama/llama-3.1-8b-instruct")).toBe(true);
    expect(provider.supports!("chat", "tiny")).toEqual({
      supported: false,
      reason: "tokenizers only count tokens",
    });
    const decline = provider.supports!("countTokens", "acme/unknown");
    expect(decline).toMatchObject({ supported: false });
    expect((decline as { reason: string }).reason).toContain("tokenizerMapping");
    expect(
      createTokenizers({ allowApproximate: true }).supports!("countTokens", "acme/unknown"),
    ).toBe(true);
  });

  it("reports Claude counts as approximate (the public tokenizer predates Claude 3)", async () => {
    const provider = createTokenizers({ cacheDir, offline: true });
    const count = await provider.tokenCounting.countTokens(
      request("Hello, world!", "claude-sonnet-4-20250514"),
    );
    expect(count).toEqual({ count: 4, approximate: true, source: "claude" });
  });

  it("gives the approximate fallback only when the call or the settings ask for it", async () => {
    const { tokenCounting } = create();
    await expect(
      tokenCounting.countTokens(request("Hello, world!", "acme/unknown")),
    ).rejects.toThrow(/No tokenizer is mapped/);
    const count = await tokenCounting.countTokens(
      request("Hello, world!", "acme/unknown", { allowApproximate: true }),
    );
    expect(count.approximate).toBe(true);
    expect(count.source).toMatch(/^fallback:/);
  });

  it("rejects with aborted when the signal is already aborted", async () => {
    const error = await create()
      .tokenCounting.countTokens(request("hello", "tiny", { signal: AbortSignal.abort() }))
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "aborted")).toBe(true);
  });

  it("warns about every providerOptions key it does not read, also from warningsFor, and still counts", async () => {
    const provider = create();
    const counting = request("hello world", "tiny", { providerOptions: { exact: true } });
    const expected = [{ type: "unknown_provider_option", option: "exact" }];
    // warningsFor (strict mode) tells the same before counting.
    expect(provider.tokenCounting.warningsFor?.(counting)).toEqual(expected);
    const count = await provider.tokenCounting.countTokens(counting);
    expect(count).toMatchObject({ count: 2, approximate: false });
    expect(count.warnings).toEqual(expected);
  });

  it("reads its own providerOptions entry only: an entry keyed by a provider id is a warning, never read as options", async () => {
    const count = await create().tokenCounting.countTokens(
      request("hello world", "tiny", {
        providerOptions: { tokenizers: { allowApproximate: true }, anthropic: {} },
      }),
    );
    expect(
      count.warnings?.map(
        (warning) => warning.type === "unknown_provider_option" && warning.option,
      ),
    ).toEqual(["tokenizers", "anthropic"]);
    // The nested entry did not turn on the approximate fallback.
    await expect(
      create().tokenCounting.countTokens(
        request("hi", "acme/unknown", {
          providerOptions: { tokenizers: { allowApproximate: true } },
        }),
      ),
    ).rejects.toMatchObject({ code: "configuration" });
  });

  it("offers tokenize, encode, decode and countChatTokens helpers", async () => {
    const provider = create();
    expect(await provider.tokenize("hello world", "tiny")).toEqual(["hello", "Ġworld"]);
    const ids = await provider.encode("hello world", "tiny");
    expect(await provider.decode(ids, "tiny")).toBe("hello world");
    const chat = await provider.countChatTokens(
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
