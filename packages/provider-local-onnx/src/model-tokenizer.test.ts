import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelTokenizer, padBatch } from "./model-tokenizer.ts";
import { temporaryTestModels } from "./test-fixtures.ts";

describe("ModelTokenizer: truncation and padding on top of @huggingface/tokenizers", () => {
  let models: Awaited<ReturnType<typeof temporaryTestModels>>;
  let tokenizer: ModelTokenizer;
  let vocabulary: Record<string, number>;
  const id = (token: string) => vocabulary[token]!;

  beforeAll(async () => {
    models = await temporaryTestModels();
    tokenizer = await ModelTokenizer.load(
      join(models.encoder, "tokenizer.json"),
      join(models.encoder, "tokenizer_config.json"),
    );
    vocabulary = JSON.parse(await readFile(join(models.encoder, "tokenizer.json"), "utf8")).model
      .vocab;
  });
  afterAll(() => models.cleanup());

  it("encodes a pair as [CLS] A [SEP] B [SEP] with token type ids", () => {
    expect(tokenizer.encode("the cat", "a dog", 512)).toEqual({
      ids: [id("[CLS]"), id("the"), id("cat"), id("[SEP]"), id("a"), id("dog"), id("[SEP]")],
      typeIds: [0, 0, 0, 0, 1, 1, 1],
      truncated: false,
    });
  });

  it("truncates a single text keeping the special tokens", () => {
    const encoded = tokenizer.encode("the cat sat on the mat", undefined, 5);
    expect(encoded.ids).toEqual([id("[CLS]"), id("the"), id("cat"), id("sat"), id("[SEP]")]);
    expect(encoded.truncated).toBe(true);
  });

  it("truncates pairs longest-first, as transformers does", () => {
    // A has 6 tokens, B has 2; budget 8 - 3 specials = 5 → A keeps 3, B keeps 2.
    const encoded = tokenizer.encode("the cat sat on the mat", "a dog", 8);
    expect(encoded.ids).toEqual([
      id("[CLS]"),
      id("the"),
      id("cat"),
      id("sat"),
      id("[SEP]"),
      id("a"),
      id("dog"),
      id("[SEP]"),
    ]);
    expect(encoded.typeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    // Equal lengths: both shrink alternately.
    const even = tokenizer.encode("the cat sat on", "a dog is happy", 7);
    expect(even.ids).toEqual([
      id("[CLS]"),
      id("the"),
      id("cat"),
      id("[SEP]"),
      id("a"),
      id("dog"),
      id("[SEP]"),
    ]);
  });

  it("refuses a maxLength that leaves no room for text", () => {
    expect(() => tokenizer.encode("the cat", "a dog", 4)).toThrow(
      expect.objectContaining({ code: "configuration" }),
    );
  });

  it("pads a batch to its longest row with the pad id and a zero mask", () => {
    const batch = padBatch(
      [
        { ids: [5, 6, 7], typeIds: [0, 0, 1], truncated: false },
        { ids: [8], typeIds: [0], truncated: false },
      ],
      0,
    );
    expect(batch.length).toBe(3);
    expect([...batch.inputIds]).toEqual([5n, 6n, 7n, 8n, 0n, 0n]);
    expect([...batch.attentionMask]).toEqual([1n, 1n, 1n, 1n, 0n, 0n]);
    expect([...batch.tokenTypeIds]).toEqual([0n, 0n, 1n, 0n, 0n, 0n]);
    expect(batch.lengths).toEqual([3, 1]);
  });

  it("uses the configured pad token", () => {
    expect(tokenizer.padId).toBe(id("[PAD]"));
  });
});
