/**
 * `encodeWithOffsets`: the same ids as `encode`, and spans of the input
 * that hold for every family in this repository's fixtures (byte-level
 * BPE on ranks and on `tokenizer.json`, SentencePiece with Prepend/Replace
 * normalisers and with Metaspace, Replace, NFC and NFKC normalisers).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Token } from "@ratatoskr/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLES } from "./__fixtures__/corpus.ts";
import { SLICING_TEXTS } from "./__fixtures__/family-suite.ts";
import {
  tinyByteLevelTokenizer,
  tinyMetaspaceTokenizer,
  tinySentencePieceTokenizer,
} from "./__fixtures__/tiny-tokenizers.ts";
import { finishSlices } from "./engine/slice-meter.ts";
import { HfTokenizer } from "./hf-tokenizer.ts";
import { TokenizerRegistry } from "./tokenizer-registry.ts";

/** What each token's span reads in `text`. */
function spans(text: string, tokens: readonly Token[]): string[] {
  return tokens.map((token) => text.slice(token.start, token.end));
}

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Number of user-perceived characters of `text`. */
function graphemes(text: string): number {
  return [...segmenter.segment(text)].length;
}

/**
 * The invariants of offsets: ids as `encode`; spans inside the text,
 * in order, overlapping only on one shared character (a grapheme); every
 * non-whitespace character inside a span.
 */
function expectValidOffsets(tokenizer: HfTokenizer, text: string): Token[] {
  const tokens = tokenizer.encodeWithOffsets(text);
  const label = JSON.stringify(text.slice(0, 60));
  expect(
    tokens.map((token) => token.id),
    label,
  ).toEqual(tokenizer.encode(text));
  let previous: Token | undefined;
  const covered = new Uint8Array(text.length);
  for (const token of tokens) {
    expect(token.start, label).toBeGreaterThanOrEqual(0);
    expect(token.end, label).toBeGreaterThanOrEqual(token.start);
    expect(token.end, label).toBeLessThanOrEqual(text.length);
    if (previous !== undefined) {
      expect(token.start, label).toBeGreaterThanOrEqual(previous.start);
      expect(token.end, label).toBeGreaterThanOrEqual(previous.end);
      if (token.start < previous.end) {
        // Only a character split between the two tokens is shared (with the marks a normaliser composed into it).
        expect(graphemes(text.slice(token.start, previous.end)), label).toBe(1);
      }
    }
    covered.fill(1, token.start, token.end);
    previous = token;
  }
  for (let index = 0; index < text.length; index++) {
    if (!/\s/u.test(text[index]!)) expect(covered[index], `${label} at ${index}`).toBe(1);
  }
  return tokens;
}

const TINY = {
  byteLevel: HfTokenizer.fromJson(tinyByteLevelTokenizer(), {}, { name: "tiny-byte-level" }),
  sentencePiece: HfTokenizer.fromJson(tinySentencePieceTokenizer(), {}, { name: "tiny-sp" }),
  metaspace: HfTokenizer.fromJson(tinyMetaspaceTokenizer(), {}, { name: "tiny-metaspace" }),
};

const HAND_CHECKED = [
  "",
  "hello world",
  "  hello  ",
  "café naïve",
  "東京 日本",
  "x😀y 👍🏽",
  "a\n\nb\r\n",
  "the <|endoftext|> end",
];

describe("encodeWithOffsets on the tiny fixture tokenizers", () => {
  it("keeps the invariants on hand-picked texts", () => {
    for (const tokenizer of Object.values(TINY))
      for (const text of [...HAND_CHECKED, ...SAMPLES]) expectValidOffsets(tokenizer, text);
  });

  it("gives no tokens for an empty text, and empty spans to special tokens added around it", () => {
    for (const tokenizer of Object.values(TINY))
      expect(tokenizer.encodeWithOffsets("")).toEqual([]);
    expect(TINY.sentencePiece.encodeWithOffsets("hello", { addSpecialTokens: true })[0]).toEqual({
      id: 1,
      text: "<s>",
      start: 0,
      end: 0,
    });
  });

  it("byte-level: token texts are their bytes decoded, partial characters share the character's span", () => {
    const text = "hello world é😀";
    const tokens = TINY.byteLevel.encodeWithOffsets(text);
    expect(spans(text, tokens)).toEqual(["hello", " world", " ", "é", "é", "😀", "😀", "😀", "😀"]);
    expect(tokens.map((token) => token.text)).toEqual([
      "hello",
      " world",
      " ",
      "\uFFFD",
      "\uFFFD",
      "\uFFFD",
      "\uFFFD",
      "\uFFFD",
      "\uFFFD",
    ]);
  });

  it("byte-level: leading, trailing and repeated whitespace and newlines map to themselves", () => {
    const text = "  a\n\nb  ";
    expect(spans(text, TINY.byteLevel.encodeWithOffsets(text))).toEqual([
      " ",
      " ",
      "a",
      "\n",
      "\n",
      "b",
      " ",
      " ",
    ]);
  });

  it("an added token in the text spans its content", () => {
    const text = "the <|endoftext|> end";
    const tokens = TINY.byteLevel.encodeWithOffsets(text, { allowSpecial: true });
    const special = tokens.find((token) => token.text === "<|endoftext|>")!;
    expect(text.slice(special.start, special.end)).toBe("<|endoftext|>");
    expect(special.start).toBe(4);
    expect(tokens.map((token) => token.id)).toEqual(
      TINY.byteLevel.encode(text, { allowSpecial: true }),
    );
  });

  it("SentencePiece (Prepend + Replace normalisers): the prepended ▁ adds nothing, a marker carries its space", () => {
    const text = "hello world";
    const tokens = TINY.sentencePiece.encodeWithOffsets(text);
    // The first token is the prepended ▁ alone: an empty span where the text starts.
    expect(tokens.map((token) => [token.text, token.start, token.end])).toEqual([
      [" ", 0, 0],
      ["he", 0, 2],
      ["ll", 2, 4],
      ["o", 4, 5],
      [" world", 5, 11],
    ]);
  });

  it("SentencePiece: byte-fallback tokens read as their byte and share the character's span", () => {
    const text = "x日";
    const tokens = TINY.sentencePiece.encodeWithOffsets(text);
    expect(spans(text, tokens)).toEqual(["", "x", "日", "日", "日"]);
    expect(tokens.slice(2).map((token) => token.text)).toEqual(["\uFFFD", "\uFFFD", "\uFFFD"]);
    const newline = TINY.sentencePiece.encodeWithOffsets("a\nb");
    expect(newline.map((token) => token.text)).toEqual([" ", "a", "\n", "b"]);
  });

  it("SentencePiece without byte fallback: the unknown token spans the characters it stands for (fused)", () => {
    const json = tinySentencePieceTokenizer() as { model: Record<string, unknown> };
    for (const fuse of [true, false]) {
      const tokenizer = HfTokenizer.fromJson(
        { ...json, model: { ...json.model, byte_fallback: false, fuse_unk: fuse } },
        {},
        { name: "tiny-unk" },
      );
      expect(tokenizer.engine).toBe("compiled");
      const text = "x日本😀y";
      const tokens = expectValidOffsets(tokenizer, text);
      expect(spans(text, tokens)).toEqual(
        fuse ? ["", "x", "日本😀", "y"] : ["", "x", "日", "本", "😀", "y"],
      );
      expect(tokens[2]!.text).toBe("<unk>");
    }
  });

  it("Metaspace pre-tokenizer: the same spans without the normaliser", () => {
    const text = "  a b";
    const tokens = TINY.metaspace.encodeWithOffsets(text);
    expect(spans(text, tokens)).toEqual(["  ", "a", " ", "b"]);
    expect(tokens.map((token) => token.text)).toEqual(["  ", "a", " ", "b"]);
  });

  it("in slices gives the same tokens as in one go, for any slice size", () => {
    for (const tokenizer of Object.values(TINY)) {
      for (const text of [...SLICING_TEXTS.slice(0, 4), SAMPLES.join(" ")]) {
        const whole = tokenizer.encodeWithOffsets(text);
        for (const size of [1, 7, 500])
          expect(finishSlices(tokenizer.encodeWithOffsetsInSlices(text, {}, size))).toEqual(whole);
      }
    }
  });

  it("normalisers that change the text's length (NFKC, lowercase) map spans back through them", () => {
    const json = tinyByteLevelTokenizer() as Record<string, unknown>;
    const tokenizer = HfTokenizer.fromJson(
      {
        ...json,
        normalizer: { type: "Sequence", normalizers: [{ type: "NFKC" }, { type: "Lowercase" }] },
      },
      {},
      { name: "tiny-nfkc-lower" },
    );
    expect(tokenizer.engine).toBe("compiled");
    const text = "ﬁx İ HELLO e\u0301";
    const tokens = expectValidOffsets(tokenizer, text);
    // "ﬁ" becomes "fi" (two characters from one), "İ" lower-cases to "i̇" (two), "é" composes
    // (one from two): each output character maps to what it came from, later spans do not shift.
    expect(tokens.map((token) => [token.text, text.slice(token.start, token.end)])).toEqual([
      ["f", "ﬁ"],
      ["i", "ﬁ"],
      ["x", "x"],
      [" ", " "],
      ["i", "İ"],
      ["\uFFFD", "İ"],
      ["\uFFFD", "İ"],
      [" ", " "],
      ["hello", "HELLO"],
      [" ", " "],
      ["\uFFFD", "e\u0301"],
      ["\uFFFD", "e\u0301"],
    ]);
  });

  it("property: the invariants hold for arbitrary text on every tiny tokenizer", () => {
    const pieces = fc.oneof(
      fc.constantFrom(
        " ",
        "  ",
        "\n",
        "\t",
        "é",
        "e\u0301",
        "😀",
        "👍🏽",
        "東京",
        "<|endoftext|>",
        "ﬁ",
        "hello",
        "▁",
      ),
      fc.string({ unit: "binary", maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        for (const tokenizer of Object.values(TINY)) expectValidOffsets(tokenizer, text);
      }),
      { numRuns: 200 },
    );
  });

  it("is `unsupported` on the reference engine", () => {
    const reference = HfTokenizer.fromJson(tinyByteLevelTokenizer(), {}, { engine: "reference" });
    expect(reference.supportsOffsets).toBe(false);
    expect(TINY.byteLevel.supportsOffsets).toBe(true);
    expect(() => reference.encodeWithOffsets("x")).toThrow(
      expect.objectContaining({ code: "unsupported" }),
    );
  });
});

describe("encodeWithOffsets on the model families", () => {
  let cacheDirectory: string;
  let registry: TokenizerRegistry;
  const models = [
    "gpt-4o",
    "gpt-4",
    "llama-3.1-8b-instruct",
    "qwen3-8b",
    "gemma-3-4b-it",
    "deepseek-chat",
    "claude-sonnet-4",
  ];

  beforeAll(async () => {
    cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-offsets-"));
    registry = new TokenizerRegistry({ cacheDir: cacheDirectory, offline: true });
  });

  afterAll(async () => {
    await rm(cacheDirectory, { recursive: true, force: true });
  });

  it("keeps the invariants on the varied samples for every family", async () => {
    for (const model of models) {
      const { tokenizer } = await registry.load(model);
      expect(tokenizer.supportsOffsets, model).toBe(true);
      for (const text of [...HAND_CHECKED, ...SAMPLES]) expectValidOffsets(tokenizer, text);
    }
  });

  it("maps hand-checked texts to the expected substrings", async () => {
    const o200k = (await registry.load("gpt-4o")).tokenizer;
    const hello = "Hello, world!";
    expect(spans(hello, o200k.encodeWithOffsets(hello))).toEqual(["Hello", ",", " world", "!"]);
    const mixed = "  café 東京😀\n\nend  ";
    expect(spans(mixed, o200k.encodeWithOffsets(mixed))).toEqual([
      " ",
      " café",
      " 東京",
      "😀",
      "\n\n",
      "end",
      "  ",
    ]);
    // cl100k splits 東 into bytes: a space plus its first byte, then the rest; both span the character.
    const cl100k = (await registry.load("gpt-4")).tokenizer;
    const tokyo = " 東";
    const tokens = cl100k.encodeWithOffsets(tokyo);
    expect(spans(tokyo, tokens)).toEqual([" 東", "東"]);
    expect(tokens.map((token) => token.text).join("")).toBe(" \uFFFD\uFFFD");
    // Gemma: Replace(" " → "▁"), no prefix.
    const gemma = (await registry.load("gemma-3-4b-it")).tokenizer;
    expect(spans("  café", gemma.encodeWithOffsets("  café"))).toEqual(["  ", "caf", "é"]);
  });

  it("maps through NFC (Qwen 3) and NFKC (Claude) normalisation", async () => {
    const qwen = (await registry.load("qwen3-8b")).tokenizer;
    const decomposed = "cafe\u0301 ok";
    const tokens = expectValidOffsets(qwen, decomposed);
    // NFC composes é; its two bytes split "fé" from "ca", and é spans both units it came from.
    expect(spans(decomposed, tokens)).toEqual(["ca", "fe\u0301", " ok"]);
    const claude = (await registry.load("claude-sonnet-4")).tokenizer;
    const fullwidth = "ＡＢＣ ﬁne";
    expect(spans(fullwidth, expectValidOffsets(claude, fullwidth)).join("|")).toContain("ＡＢＣ");
  });

  it("in slices equals one go on long texts", async () => {
    for (const model of ["gpt-4o", "qwen3-8b", "gemma-3-4b-it"]) {
      const { tokenizer } = await registry.load(model);
      for (const text of SLICING_TEXTS) {
        expect(finishSlices(tokenizer.encodeWithOffsetsInSlices(text, {}, 64))).toEqual(
          tokenizer.encodeWithOffsets(text),
        );
      }
    }
  });
});
