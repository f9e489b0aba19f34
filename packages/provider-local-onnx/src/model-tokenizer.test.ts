import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelTokenizer, padBatch, truncatedLengths } from "./model-tokenizer.ts";
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

  it("breaks longest_first ties as the Hugging Face tokenizers do: the second sequence keeps the odd token", () => {
    // Both have 4 tokens; 10 - 3 specials = 7 to share. tokenizers/src/utils/truncation.rs gives the
    // shorter (on a tie, the first) max_length / 2 = 3 and the other 3 + 7 % 2 = 4.
    const tie = tokenizer.encode("the cat sat on", "a dog is happy", 10);
    expect(tie.ids).toEqual([
      id("[CLS]"),
      id("the"),
      id("cat"),
      id("sat"),
      id("[SEP]"),
      id("a"),
      id("dog"),
      id("is"),
      id("happy"),
      id("[SEP]"),
    ]);
    expect(tie.typeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // The longer sequence keeps the odd token whichever side it is on.
    const longerFirst = tokenizer.encode("the cat sat on the mat", "a dog is happy", 10);
    expect(longerFirst.ids.slice(1, 5)).toEqual(["the", "cat", "sat", "on"].map(id));
    expect(longerFirst.ids.slice(6, 9)).toEqual(["a", "dog", "is"].map(id));
    const longerSecond = tokenizer.encode("the cat sat on", "a dog is happy today", 10);
    expect(longerSecond.ids.slice(1, 4)).toEqual(["the", "cat", "sat"].map(id));
    expect(longerSecond.ids.slice(5, 9)).toEqual(["a", "dog", "is", "happy"].map(id));
  });

  it("only_first truncates the first sequence and never touches the second", () => {
    const encoded = tokenizer.encode(
      "the cat sat on the mat today",
      "a dog is happy",
      9,
      "only_first",
    );
    expect(encoded.ids).toEqual([
      id("[CLS]"),
      id("the"),
      id("cat"),
      id("[SEP]"),
      id("a"),
      id("dog"),
      id("is"),
      id("happy"),
      id("[SEP]"),
    ]);
    expect(encoded.truncated).toBe(true);
  });

  it("only_first refuses a second sequence that leaves no room for the first (never drops it)", () => {
    expect(() =>
      tokenizer.encode("the cat", "a dog is happy and sad", 9, "only_first", "pairs[0].hypothesis"),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_input",
        message: expect.stringContaining("pairs[0].hypothesis"),
      }),
    );
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

describe("truncatedLengths", () => {
  it("longest_first gives what tokenizers' truncate_encodings test table gives (max_length 7)", () => {
    // Lengths 0, 2, 4 and 8 paired every way, as in tokenizers/src/utils/truncation.rs.
    const expected: Array<[number, number, number, number]> = [
      [0, 0, 0, 0],
      [0, 2, 0, 2],
      [0, 4, 0, 4],
      [0, 8, 0, 7],
      [2, 0, 2, 0],
      [2, 2, 2, 2],
      [2, 4, 2, 4],
      [2, 8, 2, 5],
      [4, 0, 4, 0],
      [4, 2, 4, 2],
      [4, 4, 3, 4],
      [4, 8, 3, 4],
      [8, 0, 7, 0],
      [8, 2, 5, 2],
      [8, 4, 4, 3],
      [8, 8, 3, 4],
    ];
    for (const [first, second, keepFirst, keepSecond] of expected) {
      expect(truncatedLengths(first, second, 7, "longest_first"), `${first}+${second}`).toEqual([
        keepFirst,
        keepSecond,
      ]);
    }
  });

  it("only_first / only_second cut one side and fail rather than empty it", () => {
    expect(truncatedLengths(8, 4, 7, "only_first")).toEqual([3, 4]);
    expect(truncatedLengths(4, 8, 7, "only_second")).toEqual([4, 3]);
    expect(truncatedLengths(3, 4, 7, "only_first")).toEqual([3, 4]);
    expect(truncatedLengths(2, 6, 7, "only_first")).toEqual([1, 6]);
    expect(truncatedLengths(1, 7, 7, "only_first")).toBeUndefined();
    expect(truncatedLengths(7, 1, 7, "only_second")).toBeUndefined();
  });
});
