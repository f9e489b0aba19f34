/**
 * The options of `HfTokenizer` mean the same on both engines: the package's
 * own (`compiled`) and `@huggingface/tokenizers` as it comes (`reference`).
 * One suite, run on the same tokenizer files through each engine.
 */
import { describe, expect, it } from "vitest";
import {
  tinyByteLevelTokenizer,
  tinyMetaspaceTokenizer,
  tinySentencePieceTokenizer,
} from "./__fixtures__/tiny-tokenizers.ts";
import { HfTokenizer } from "./hf-tokenizer.ts";

const TEXTS = [
  "hello world",
  "a<|endoftext|>b",
  "<|endoftext|>",
  "x<tool>y<|endoftext|><tool>",
  "<s>hello</s> <unk> the world",
  "",
];

const FILES = {
  "byte-level BPE with a special and a non-special added token": tinyByteLevelTokenizer(),
  "SentencePiece BPE with a <s> template": tinySentencePieceTokenizer(),
  "Metaspace BPE with a <s> template": tinyMetaspaceTokenizer(),
};

describe.each(Object.entries(FILES))("%s", (_title, json) => {
  const compiled = HfTokenizer.fromJson(json);
  const reference = HfTokenizer.fromJson(json, {}, { engine: "reference" });

  it("runs once on each engine", () => {
    expect(compiled.engine).toBe("compiled");
    expect(reference.engine).toBe("reference");
    expect(reference.referenceReason).toBe("requested");
  });

  for (const allowSpecial of [false, true]) {
    for (const addSpecialTokens of [false, true]) {
      it(`encodes, counts and tokenizes alike with allowSpecial ${allowSpecial}, addSpecialTokens ${addSpecialTokens}`, async () => {
        const options = { allowSpecial, addSpecialTokens };
        for (const text of TEXTS) {
          const label = `${JSON.stringify(text)} ${JSON.stringify(options)}`;
          expect(reference.encode(text, options), label).toEqual(compiled.encode(text, options));
          expect(reference.count(text, options), label).toBe(compiled.count(text, options));
          expect(await reference.countAsync(text, options), label).toBe(
            compiled.count(text, options),
          );
          expect(reference.tokenize(text, options), label).toEqual(
            compiled.tokenize(text, options),
          );
        }
      });
    }
  }

  it("reads special-token text as text by default, and as the special token when allowed", () => {
    const special = (json.added_tokens as Array<{ id: number; content: string; special: boolean }>)
      .filter((token) => token.special)
      .at(-1)!;
    const text = `a${special.content}b`;
    for (const tokenizer of [compiled, reference]) {
      expect(tokenizer.encode(text), tokenizer.engine).not.toContain(special.id);
      expect(tokenizer.encode(text, { allowSpecial: true }), tokenizer.engine).toContain(
        special.id,
      );
    }
  });

  it("decodes alike, with and without special tokens", () => {
    for (const text of TEXTS) {
      const ids = compiled.encode(text, { allowSpecial: true, addSpecialTokens: true });
      for (const skipSpecialTokens of [false, true]) {
        expect(reference.decode(ids, { skipSpecialTokens }), JSON.stringify(text)).toBe(
          compiled.decode(ids, { skipSpecialTokens }),
        );
      }
    }
  });
});
