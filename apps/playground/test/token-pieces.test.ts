import { describe, expect, it } from "vitest";
import { type PieceTokenizer, tokenPieces } from "../src/token-pieces.ts";

/** A byte-level toy tokenizer: one token per UTF-8 byte; decode drops a leading space like SentencePiece decoders. */
function byteTokenizer(options: { stripLeadingSpace?: boolean } = {}): PieceTokenizer {
  return {
    async encode(text) {
      return [...new TextEncoder().encode(text)];
    },
    async decode(ids) {
      const text = new TextDecoder().decode(new Uint8Array(ids));
      return options.stripLeadingSpace ? text.replace(/^ /, "") : text;
    },
  };
}

describe("tokenPieces", () => {
  it("merges the bytes of one character into one piece", async () => {
    const { pieces, truncated } = await tokenPieces(byteTokenizer(), "aé🐿b", "toy");
    expect(pieces).toEqual([
      { text: "a", tokens: 1 },
      { text: "é", tokens: 2 },
      { text: "🐿", tokens: 4 },
      { text: "b", tokens: 1 },
    ]);
    expect(truncated).toBe(false);
  });

  it("keeps spaces a decoder drops at the start of a decode", async () => {
    const { pieces } = await tokenPieces(
      byteTokenizer({ stripLeadingSpace: true }),
      "a b c",
      "toy",
    );
    expect(pieces.map((piece) => piece.text).join("")).toBe("a b c");
  });

  it("highlights up to the limit and says so", async () => {
    const { pieces, truncated } = await tokenPieces(byteTokenizer(), "abcdef", "toy", 4);
    expect(pieces.map((piece) => piece.text).join("")).toBe("abcd");
    expect(truncated).toBe(true);
  });
});
