import { describe, expect, it } from "vitest";
import { TextOffsets } from "./token-offsets.ts";

const encoder = new TextEncoder();

describe("TextOffsets", () => {
  it("maps ASCII offsets to themselves", () => {
    const offsets = new TextOffsets("hello world");
    expect(offsets.toBytes(6)).toBe(6);
    expect(offsets.toUtf16(6)).toBe(6);
    expect(offsets.byteLength).toBe(11);
  });

  it("counts 2-, 3- and 4-byte characters as UTF-8 does", () => {
    const text = "aé€😀b";
    const offsets = new TextOffsets(text);
    expect(offsets.byteLength).toBe(encoder.encode(text).length);
    for (let index = 0; index <= text.length; index++) {
      if (index === 4) continue; // inside the surrogate pair
      expect(offsets.toBytes(index)).toBe(encoder.encode(text.slice(0, index)).length);
    }
    // "😀" starts at UTF-16 offset 3, byte 6; "b" at UTF-16 offset 5, byte 10.
    expect(offsets.toUtf16(6)).toBe(3);
    expect(offsets.toUtf16(10)).toBe(5);
  });

  it("round-trips every character boundary", () => {
    const text = "Grüße 🙂 日本語 ok";
    const offsets = new TextOffsets(text);
    for (let index = 0; index <= text.length; index++) {
      if (index > 0 && text.charCodeAt(index) >= 0xdc00 && text.charCodeAt(index) <= 0xdfff)
        continue;
      expect(offsets.toUtf16(offsets.toBytes(index))).toBe(index);
    }
  });

  it("maps offsets inside a character to its start, and clamps past the end", () => {
    const offsets = new TextOffsets("a😀");
    expect(offsets.toBytes(2)).toBe(1); // the low surrogate → the pair's start
    expect(offsets.toUtf16(3)).toBe(1); // a byte inside 😀 → its start
    expect(offsets.toUtf16(99)).toBe(3);
    expect(offsets.toBytes(99)).toBe(5);
    expect(offsets.toBytes(-1)).toBe(0);
  });
});
