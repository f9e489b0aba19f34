import { describe, expect, it } from "vitest";
import { translateOnigurumaPattern } from "./oniguruma-pattern.ts";
import { TIKTOKEN_ENCODINGS } from "./tiktoken-conversion.ts";

const translate = (pattern: string) => {
  const result = translateOnigurumaPattern(pattern);
  if (!result.ok) throw new Error(result.reason);
  return result.source;
};

const split = (pattern: string, text: string) =>
  [...text.matchAll(new RegExp(translate(pattern), "gu"))].map((match) => match[0]);

describe("translateOnigurumaPattern", () => {
  it("translates Llama 3's split pattern: ASCII-folded (?i:…), \\s as White_Space", () => {
    expect(
      translate(
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      ),
    ).toBe(
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\p{White_Space}\\p{L}\\p{N}]+[\\r\\n]*|\\p{White_Space}*[\\r\\n]+|\\p{White_Space}+(?!\\P{White_Space})|\\p{White_Space}+",
    );
  });

  it("translates DeepSeek V3's class of escaped punctuation and raw control characters", () => {
    expect(
      translate("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?"),
    ).toBe("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?");
  });

  it("translates the tiktoken encodings' patterns, which split as tiktoken does", () => {
    for (const { pattern } of Object.values(TIKTOKEN_ENCODINGS)) {
      expect(translateOnigurumaPattern(pattern).ok).toBe(true);
    }
    expect(split(TIKTOKEN_ENCODINGS.cl100k_base.pattern, "I'LL say 12345 words!\n\n  ok")).toEqual([
      "I",
      "'LL",
      " say",
      " ",
      "123",
      "45",
      " words",
      "!\n\n",
      " ",
      " ok",
    ]);
  });

  it("reads a script name where JavaScript has no property of that name", () => {
    expect(translate("\\p{Han}+")).toBe("\\p{Script=Han}+");
    expect(translate("\\p{^L}")).toBe("\\P{L}");
  });

  it("keeps quantifiers, lookarounds and literal braces; makes groups non-capturing", () => {
    expect(translate("a{2}b{1,}c{,3}?(?<=x)(?<!y)(z)\\{{")).toBe(
      "a{2}b{1,}c{0,3}?(?<=x)(?<!y)(?:z)\\{\\{",
    );
    expect(translate("\\x41\\x{1F600}\\u00e9\\.\\-")).toBe("A😀é\\.-");
  });

  it("refuses what it cannot translate exactly, saying what and where", () => {
    for (const [pattern, reason] of [
      ["\\w+", "escape \\w at index 0"],
      ["\\bword", "escape \\b at index 0"],
      ["a.b", "'.' (its newline rule differs) at index 1"],
      ["^a", "anchor '^' at index 0"],
      ["a++", "possessive quantifier at index 1"],
      ["[a[b]]", "nested class or POSIX bracket at index 2"],
      ["[a-z&&[^aeiou]]", "class intersection at index 4"],
      ["(?<name>a)", "group (?<n… at index 0"],
      ["(?i:[a-z])", "a letter in a class inside (?i:…) at index 4"],
      ["(?i:\\p{L})", "a property inside (?i:…) at index 4"],
      ["\\p{NoSuchProperty}", "unknown property NoSuchProperty at index 0"],
      ["(a", "unclosed group at index 2"],
      ["a)", "unbalanced ')' at index 1"],
    ] as const) {
      expect(translateOnigurumaPattern(pattern), pattern).toEqual({ ok: false, reason });
    }
  });
});
