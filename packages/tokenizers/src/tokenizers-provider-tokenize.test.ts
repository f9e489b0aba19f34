/**
 * The provider's `tokenCounting.tokenize` and `tokenCounting.countChatTokens`
 * (provider specification v1): spec shapes, the approximate flag, warnings
 * for unknown provider options, the signal, and slices on a long text.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChatTokenCountingRequestV1,
  Message,
  RatatoskrError,
  type TokenCountingRequestV1,
} from "@ratatoskr/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyByteLevelTokenizer } from "./__fixtures__/tiny-tokenizers.ts";
import { HfTokenizer } from "./hf-tokenizer.ts";
import { tokenizerMapping } from "./tokenizer-mapping.ts";
import { createTokenizers } from "./tokenizers-provider.ts";

let cacheDir: string;
let directory: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "ratatoskr-provider-tokenize-"));
  directory = join(cacheDir, "tiny");
  await mkdir(directory);
  await writeFile(join(directory, "tokenizer.json"), JSON.stringify(tinyByteLevelTokenizer()));
});

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const reference = HfTokenizer.fromJson(
  tinyByteLevelTokenizer(),
  {},
  { engine: "reference", name: "ref" },
);

const create = () =>
  createTokenizers({
    cacheDir,
    offline: true,
    mappings: [
      tokenizerMapping("tiny", directory),
      tokenizerMapping("ref", { type: "tokenizer", tokenizer: reference }),
    ],
  });

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

const chatRequest = (
  messages: Message[],
  model: string,
  extra: Partial<ChatTokenCountingRequestV1> = {},
): ChatTokenCountingRequestV1 => ({
  model,
  messages,
  providerOptions: {},
  signal: new AbortController().signal,
  ...extra,
});

/** Turns of the event loop (`setImmediate`) taken until `promise` settles. */
async function turnsUntilSettled(promise: Promise<unknown>): Promise<number> {
  let settled = false;
  const done = promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  let turns = 0;
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    turns++;
  }
  await done;
  return turns;
}

describe("tokenCounting.tokenize", () => {
  it("gives ids, token texts and offsets, exact for a mapped model", async () => {
    const provider = create();
    const result = await provider.tokenCounting.tokenize(request("hello world", "tiny"));
    expect(result).toEqual({
      tokens: [
        { id: expect.any(Number), text: "hello", start: 0, end: 5 },
        { id: expect.any(Number), text: " world", start: 5, end: 11 },
      ],
      approximate: false,
      source: (await provider.registry.load("tiny")).tokenizer.name,
    });
    expect(result.tokens.map((token) => token.id)).toEqual(
      await provider.encode("hello world", "tiny"),
    );
  });

  it("gives no tokens for an empty text", async () => {
    const result = await create().tokenCounting.tokenize(request("", "tiny"));
    expect(result.tokens).toEqual([]);
    expect(result.approximate).toBe(false);
  });

  it("is approximate for Claude, and for an unknown model only when allowed (fallback source)", async () => {
    const { tokenCounting } = create();
    const claude = await tokenCounting.tokenize(request("Hello, world!", "claude-sonnet-4"));
    expect(claude).toMatchObject({ approximate: true, source: "claude" });
    expect(claude.tokens).toHaveLength(4);
    await expect(tokenCounting.tokenize(request("Hello", "acme/unknown"))).rejects.toMatchObject({
      code: "configuration",
    });
    const fallback = await tokenCounting.tokenize(
      request("Hello", "acme/unknown", { allowApproximate: true }),
    );
    expect(fallback.approximate).toBe(true);
    expect(fallback.source).toMatch(/^fallback:/);
    expect(fallback.tokens.map((token) => [token.start, token.end])).toEqual([[0, 5]]);
  });

  it("warns about every providerOptions key it does not read, and still tokenizes", async () => {
    const result = await create().tokenCounting.tokenize(
      request("hello", "tiny", { providerOptions: { offsets: "bytes" } }),
    );
    expect(result.warnings).toEqual([{ type: "unknown_provider_option", option: "offsets" }]);
    expect(result.tokens).toHaveLength(1);
  });

  it("rejects with aborted when the signal is already aborted", async () => {
    const error = await create()
      .tokenCounting.tokenize(request("hello", "tiny", { signal: AbortSignal.abort() }))
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "aborted")).toBe(true);
  });

  it("gives the event loop back during a long text, and stops when the signal fires", async () => {
    const provider = create();
    await provider.registry.load("tiny");
    const text = "hello world, the long text ".repeat(20_000);
    const turns = await turnsUntilSettled(provider.tokenCounting.tokenize(request(text, "tiny")));
    expect(turns).toBeGreaterThan(10);
    const controller = new AbortController();
    const pending = provider.tokenCounting.tokenize(
      request(text, "tiny", { signal: controller.signal }),
    );
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
  });

  it("is unsupported for a tokenizer on the reference engine (no offsets there)", async () => {
    await expect(create().tokenCounting.tokenize(request("hello", "ref"))).rejects.toMatchObject({
      code: "unsupported",
    });
  });
});

describe("tokenCounting.countChatTokens", () => {
  it("counts a chat request in the spec's shape (count, approximate, source)", async () => {
    const provider = create();
    const messages = [Message.user("hello world")];
    const result = await provider.tokenCounting.countChatTokens(chatRequest(messages, "tiny"));
    const helper = await provider.countChatTokens(messages, undefined, "tiny");
    expect(result).toEqual({
      count: helper.count,
      approximate: true,
      source: helper.source,
    });
  });

  it("is exact where the family's accounting is (OpenAI), with tools counted", async () => {
    const { tokenCounting } = create();
    const messages = [Message.system("Be terse."), Message.user("What is the weather?")];
    const plain = await tokenCounting.countChatTokens(chatRequest(messages, "gpt-4o"));
    expect(plain.approximate).toBe(false);
    const withTools = await tokenCounting.countChatTokens(
      chatRequest(messages, "gpt-4o", {
        tools: [
          {
            name: "get_weather",
            description: "Current weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        ],
      }),
    );
    expect(withTools.count).toBeGreaterThan(plain.count);
  });

  it("takes the approximate fallback for an unknown model only when allowed", async () => {
    const { tokenCounting } = create();
    const messages = [Message.user("hi")];
    await expect(
      tokenCounting.countChatTokens(chatRequest(messages, "acme/unknown")),
    ).rejects.toMatchObject({ code: "configuration" });
    const result = await tokenCounting.countChatTokens(
      chatRequest(messages, "acme/unknown", { allowApproximate: true }),
    );
    expect(result.approximate).toBe(true);
    expect(result.source).toMatch(/^fallback:/);
  });

  it("warns about unknown providerOptions and rejects an aborted signal", async () => {
    const { tokenCounting } = create();
    const result = await tokenCounting.countChatTokens(
      chatRequest([Message.user("hi")], "tiny", { providerOptions: { template: "x" } }),
    );
    expect(result.warnings).toEqual([{ type: "unknown_provider_option", option: "template" }]);
    await expect(
      tokenCounting.countChatTokens(
        chatRequest([Message.user("hi")], "tiny", { signal: AbortSignal.abort() }),
      ),
    ).rejects.toMatchObject({ code: "aborted" });
  });
});
