import { describe, expect, it } from "vitest";
import { MergeTable } from "./bpe-merges.ts";
import { decodeCompactTokenizer, encodeCompactTokenizer } from "./compact-tokenizer-file.ts";
import { RankTable } from "./rank-table.ts";
import { compileTiktokenRanks } from "./tiktoken-conversion.ts";

/** A tiny rank table in gpt-tokenizer's form: text where valid UTF-8, bytes where not, a hole. */
function tinyRanks(): Array<string | number[] | undefined> {
  const ranks: Array<string | number[] | undefined> = [];
  for (let byte = 0; byte < 256; byte++)
    ranks.push(byte < 0x80 ? String.fromCharCode(byte) : [byte]);
  // 256 "ab", 257 "abc", 258 " a", 259 "é" (the bytes C3 A9), 260 a hole, 261 two bytes of "€" (not UTF-8 alone).
  ranks.push("ab", "abc", " a", "é", undefined, [0xe2, 0x82]);
  return ranks;
}

describe("RankTable", () => {
  const table = RankTable.fromRanks(tinyRanks());

  it("finds tokens by text, by bytes and by byte, and knows the holes", () => {
    expect(table.size).toBe(262);
    expect(table.textId("ab")).toBe(256);
    expect(table.textId("abc")).toBe(257);
    expect(table.textId("abd")).toBeUndefined();
    expect(table.textId("é")).toBe(259);
    expect(table.bytesId(Uint8Array.of(0xc3, 0xa9))).toBe(259);
    expect(table.bytesId(Uint8Array.of(0xe2, 0x82))).toBe(261);
    expect(table.bytesId(Uint8Array.of(0xe2, 0x83))).toBeUndefined();
    expect(table.byteId(0x61)).toBe(0x61);
    expect(table.byteId(0xc3)).toBe(0xc3);
    expect(table.has(260)).toBe(false);
    expect(table.has(261)).toBe(true);
  });

  it("merges as tiktoken: a pair merges into the token that spells both", () => {
    expect(table.concatenationId(0x61, 0x62)).toBe(256); // "a" + "b"
    expect(table.concatenationId(256, 0x63)).toBe(257); // "ab" + "c"
    expect(table.concatenationId(0x20, 0x61)).toBe(258); // " " + "a"
    expect(table.concatenationId(0xc3, 0xa9)).toBe(259); // bytes that make "é"
    expect(table.concatenationId(0xe2, 0x82)).toBe(261); // bytes that stay bytes
    expect(table.concatenationId(0x62, 0x61)).toBe(-1);
  });

  it("spells tokens as byte-level tokenizer.json vocabularies do, and reads the spelling back", () => {
    expect(table.spelling(258)).toBe("Ġa");
    expect(table.spelling(259)).toBe("Ã©");
    expect(table.spelling(260)).toBe("");
    expect(table.spellingId("Ġa")).toBe(258);
    expect(table.spellingId("Ã©")).toBe(259);
    expect(table.spellingId("not a spelling ✓")).toBeUndefined();
  });

  it("round-trips through the compact cache file", () => {
    const data = compileTiktokenRanks(tinyRanks() as string[], "cl100k_base");
    const decoded = decodeCompactTokenizer(encodeCompactTokenizer(data));
    if (decoded === undefined || !("ranks" in decoded)) throw new Error("not a ranked tokenizer");
    expect(decoded.spec).toEqual(data.spec);
    for (const text of ["ab", "abc", "é", "zz"])
      expect(decoded.ranks.textId(text)).toBe(data.ranks.textId(text));
    expect(decoded.ranks.bytesId(Uint8Array.of(0xe2, 0x82))).toBe(261);
    expect(decoded.ranks.concatenationId(256, 0x63)).toBe(257);
  });
});

describe("MergeTable.learned", () => {
  /** Pairs (a, b) merge into a * 1000 + b when a < b; the rank is the merged id. */
  const rule = (left: number, right: number) => (left < right ? left * 1000 + right : -1);

  it("learns merges and misses on first need, and merges as a listed table would", () => {
    const learned = MergeTable.learned(rule);
    expect(learned.size).toBe(0);
    expect(learned.merge([1, 2, 1, 2])).toEqual([1002, 1002]);
    // Remembered: (1,2) → 1002, the misses (2,1), (1002,1) and (1002,1002).
    expect(learned.size).toBe(4);
    const slot = learned.find(1, 2);
    expect(learned.rankAt(slot)).toBe(1002);
    expect(learned.find(2, 1)).toBe(-1);
  });

  it("grows as it fills, and starts afresh at its limit, giving the same merges", () => {
    let calls = 0;
    const counting = (left: number, right: number) => {
      calls++;
      return rule(left, right);
    };
    const learned = MergeTable.learned(counting, { initialCapacity: 16, maxCapacity: 64 });
    for (let left = 0; left < 40; left++)
      expect(learned.merge([left, left + 1])).toEqual([left * 1000 + left + 1]);
    // 40 pairs in a table of at most 64 slots at half load: it started again at least once.
    expect(learned.size).toBeLessThanOrEqual(32);
    expect(calls).toBe(40);
    // A pair it forgot is learned again, with the same answer.
    expect(learned.merge([0, 1])).toEqual([1]);
  });
});
