/**
 * End to end through the gateway (kept apart from the plugin's own tests so
 * they do not depend on the gateway package).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createTokenizers, tokenizerMapping } from "@ratatoskr/tokenizers";
import { tinyByteLevelTokenizer } from "@ratatoskr/tokenizers/internal/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

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

describe("gateway countTokens on a long text", () => {
  const long = "hello world, the gateway counts. ".repeat(60_000);

  afterEach(() => {
    vi.useRealTimers();
  });

  it("rejects with timeout when the call's deadline passes mid-count", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const tokenizers = create();
    await tokenizers.registry.load("tiny");
    const gateway = await Ratatoskr.builder().use(tokenizers).build();
    const call = gateway.countTokens(long, "tiny", { timeout: 1000 });
    // One turn of the event loop: the count has started and given the loop back.
    await new Promise<void>((resolve) => setImmediate(resolve));
    vi.advanceTimersByTime(1000);
    await expect(call).rejects.toMatchObject({ code: "timeout" });
  });

  it("counts a long text completely when the deadline is not reached", async () => {
    const gateway = await Ratatoskr.builder().use(create()).build();
    const tokenizer = (await create().registry.load("tiny")).tokenizer;
    expect(await gateway.countTokens(long, "tiny", { timeout: 600_000 })).toMatchObject({
      count: tokenizer.count(long),
    });
  });
});
