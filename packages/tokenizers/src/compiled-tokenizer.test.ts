import { Tokenizer } from "@huggingface/tokenizers";
import { describe, expect, it } from "vitest";
import { generateCorpus, SAMPLES } from "./__fixtures__/corpus.ts";
import { SLICING_TEXTS } from "./__fixtures__/family-suite.ts";
import {
  CHATML_CONFIG,
  tinyByteLevelTokenizer,
  tinyMetaspaceTokenizer,
  tinySentencePieceTokenizer,
} from "./__fixtures__/tiny-tokenizers.ts";
import { MergeTable } from "./bpe-merges.ts";
import { compileTokenizer } from "./compile-tokenizer.ts";
import { countChatTokensWith } from "./count-chat-tokens.ts";
import { HfTokenizer } from "./hf-tokenizer.ts";
import { finishSlices, sliceMeter } from "./slice-meter.ts";

const INPUTS = [
  ...SAMPLES,
  "hello world, the world says hello",
  "Hello World THE the",
  "aaaaaaaaaaaaaaaaa",
  "  leading and   inner   spaces ",
  "",
  " ",
  "é 😀 unknown chars",
  "hello<|endoftext|>world<tool>x",
];

function reference(json: Record<string, unknown>, config: Record<string, unknown> = {}) {
  return new Tokenizer(json, config);
}

describe("MergeTable", () => {
  it("merges long words with the heap exactly as short words with the scan", () => {
    // Random merge rules over 20 symbols, then random words: both algorithms must agree.
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 0x100000000;
    };
    const triples: number[] = [];
    let next = 20;
    for (let rank = 0; rank < 300; rank++) {
      triples.push(Math.floor(random() * next), Math.floor(random() * next), next);
      next++;
    }
    const table = new MergeTable(Int32Array.from(triples));
    for (let word = 0; word < 300; word++) {
      const length = 49 + Math.floor(random() * 150);
      const symbols = Array.from({ length }, () => Math.floor(random() * 20));
      const viaHeap = table.merge(symbols);
      // The scan on the same word, in chunks no merge crosses, is not available; compare to a naive loop instead.
      const naive = symbols.slice();
      for (;;) {
        let best = -1;
        let bestRank = Number.POSITIVE_INFINITY;
        for (let index = 0; index < naive.length - 1; index++) {
          const slot = table.find(naive[index]!, naive[index + 1]!);
          if (slot !== -1 && table.rankAt(slot) < bestRank) {
            bestRank = table.rankAt(slot);
            best = index;
          }
        }
        if (best === -1) break;
        naive.splice(best, 2, table.mergedAt(table.find(naive[best]!, naive[best + 1]!)));
      }
      expect(viaHeap).toEqual(naive);
    }
  });

  it("merges in slices exactly as in one go, whatever the slice size", () => {
    let seed = 11;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 0x100000000;
    };
    const triples: number[] = [];
    for (let rank = 0, next = 20; rank < 300; rank++, next++)
      triples.push(Math.floor(random() * next), Math.floor(random() * next), next);
    const table = new MergeTable(Int32Array.from(triples));
    for (let word = 0; word < 50; word++) {
      const symbols = Array.from({ length: 49 + Math.floor(random() * 400) }, () =>
        Math.floor(random() * 20),
      );
      const whole = table.merge(symbols);
      for (const size of [1, 5, 64]) {
        const work = table.mergeInSlices(symbols, sliceMeter(size));
        let step = work.next();
        let slices = 0;
        for (; !step.done; step = work.next()) slices++;
        expect(Array.from(step.value)).toEqual(whole);
        // Every initial pair is one unit of work: at least that many full slices.
        expect(slices).toBeGreaterThanOrEqual(Math.floor((symbols.length - 1) / size));
      }
    }
  });

  it("keeps the first rule for a duplicated pair", () => {
    const table = new MergeTable(Int32Array.from([1, 2, 10, 1, 2, 11]));
    expect(table.size).toBe(1);
    expect(table.merge([1, 2])).toEqual([10]);
  });
});

describe("compiled engine against @huggingface/tokenizers", () => {
  const cases = {
    "byte-level BPE (GPT-2 regex)": tinyByteLevelTokenizer(),
    "SentencePiece BPE with byte fallback (Mistral v0.1 form)": tinySentencePieceTokenizer(),
    "Metaspace pre-tokenizer": tinyMetaspaceTokenizer(),
  };
  for (const [title, json] of Object.entries(cases)) {
    it(`${title}: same ids, same decoding`, () => {
      const ours = HfTokenizer.fromJson(json);
      const theirs = reference(json);
      expect(ours.engine).toBe("compiled");
      for (const text of INPUTS) {
        const expected = theirs.encode(text, { add_special_tokens: false }).ids;
        // tokenizers.js always recognises special tokens; so do we with allowSpecial.
        expect(
          ours.encode(text, { allowSpecial: true }),
          JSON.stringify(text.slice(0, 50)),
        ).toEqual(expected);
        if (expected.length === 0) expect(ours.decode(expected)).toBe("");
        else
          expect(ours.decode(expected)).toBe(
            theirs.decode(expected, { clean_up_tokenization_spaces: false }),
          );
      }
    });
  }

  it("counts in slices exactly as in one go: normalisers, Metaspace, added tokens", () => {
    const normalized = {
      ...tinyByteLevelTokenizer(),
      normalizer: {
        type: "Sequence",
        normalizers: [
          { type: "NFKC" },
          { type: "Lowercase" },
          { type: "Replace", pattern: { String: "ab" }, content: "x" },
        ],
      },
    };
    const texts = [
      ...INPUTS,
      ...SLICING_TEXTS,
      generateCorpus(8000, 5),
      "ΟΔΟΣ. ΟΔΟΣ'Α ΣΑΣ\nabab ＡＢ ﬁ Σ:Σ".repeat(200),
      "xabyabz<tool>ab<|endoftext|>ba".repeat(300),
    ];
    const engines = { ...cases, "NFKC, Lowercase and a two-character Replace": normalized };
    for (const [title, json] of Object.entries(engines)) {
      const tokenizer = HfTokenizer.fromJson(json);
      expect(tokenizer.engine, title).toBe("compiled");
      for (const sliceSize of [1, 300]) {
        for (const text of texts) {
          for (const allowSpecial of [false, true]) {
            const label = `${title} / ${sliceSize} / ${JSON.stringify(text.slice(0, 30))}`;
            expect(
              finishSlices(tokenizer.countInSlices(text, { allowSpecial }, sliceSize)),
              label,
            ).toBe(tokenizer.count(text, { allowSpecial }));
          }
        }
      }
    }
  });

  it("adds the template's special tokens only when asked", () => {
    const ours = HfTokenizer.fromJson(tinySentencePieceTokenizer());
    const theirs = reference(tinySentencePieceTokenizer());
    expect(ours.encode("hello world", { addSpecialTokens: true })).toEqual(
      theirs.encode("hello world").ids,
    );
    expect(ours.encode("hello world", { addSpecialTokens: true })[0]).toBe(1);
    expect(ours.encode("hello world")[0]).not.toBe(1);
    expect(ours.count("hello world", { addSpecialTokens: true })).toBe(
      ours.count("hello world") + 1,
    );
  });

  it("uses byte fallback for characters outside the vocabulary and decodes them back", () => {
    const ours = HfTokenizer.fromJson(tinySentencePieceTokenizer());
    const tokens = ours.tokenize("é");
    expect(tokens).toEqual(["▁", "<0xC3>", "<0xA9>"]);
    expect(ours.decode(ours.encode("é 😀 x"))).toBe("é 😀 x");
    // Invalid UTF-8 from byte tokens decodes to one U+FFFD per byte, as tokenizers does.
    const lone = ours.encode("é").slice(1, 2);
    expect(ours.decode(lone)).toBe("\uFFFD");
  });

  it("treats special-token text as text by default, but always recognises non-special added tokens", () => {
    const ours = HfTokenizer.fromJson(tinyByteLevelTokenizer());
    const special = ours.encode("<|endoftext|>", { allowSpecial: true });
    expect(special).toHaveLength(1);
    expect(ours.encode("<|endoftext|>").length).toBeGreaterThan(1);
    expect(ours.encode("<tool>")).toHaveLength(1);
    expect(
      ours.decode(ours.encode("x<|endoftext|>y", { allowSpecial: true }), {
        skipSpecialTokens: true,
      }),
    ).toBe("xy");
  });

  it("applies clean_up_tokenization_spaces only when asked", () => {
    const ours = HfTokenizer.fromJson(tinyByteLevelTokenizer());
    const ids = ours.encode("hello , world .");
    expect(ours.decode(ids)).toBe("hello , world .");
    expect(ours.decode(ids, { cleanUpTokenizationSpaces: true })).toBe("hello, world.");
  });

  it("falls back to @huggingface/tokenizers for configurations it cannot reproduce, and says why", () => {
    const json = {
      ...tinyByteLevelTokenizer(),
      normalizer: { type: "BertNormalizer", lowercase: true },
    };
    expect(compileTokenizer(json)).toEqual({ ok: false, reason: "normalizer BertNormalizer" });
    const tokenizer = HfTokenizer.fromJson(json);
    expect(tokenizer.engine).toBe("reference");
    expect(tokenizer.referenceReason).toBe("normalizer BertNormalizer");
    expect(tokenizer.encode("HELLO")).toEqual(
      reference(json).encode("HELLO", { add_special_tokens: false }).ids,
    );
    expect(tokenizer.decode(tokenizer.encode("hello"))).toBe("hello");
  });

  it("adds what a template leaves out (tools, tool calls) and marks the count approximate", async () => {
    const tokenizer = HfTokenizer.fromJson(tinyByteLevelTokenizer(), CHATML_CONFIG);
    const messages = [
      { role: "user" as const, content: "hello" },
      {
        role: "assistant" as const,
        content: "",
        toolCalls: [{ id: "1", name: "lookup", arguments: '{"q":"world"}' }],
      },
    ];
    const tools = [{ name: "lookup", parameters: { type: "object", properties: {} } }];
    const plain = await countChatTokensWith(tokenizer, [messages[0]!]);
    expect(plain.approximate).toBe(false);
    const result = await countChatTokensWith(tokenizer, messages, tools);
    expect(result.method).toBe("chat-template");
    expect(result.approximate).toBe(true);
    const rendered =
      "<|endoftext|>user\nhello<|endoftext|>\n<|endoftext|>assistant\n<|endoftext|>\n<|endoftext|>assistant\n";
    const omitted =
      tokenizer.count(
        JSON.stringify([
          {
            type: "function",
            function: { name: "lookup", parameters: { type: "object", properties: {} } },
          },
        ]),
      ) +
      tokenizer.count("lookup") +
      tokenizer.count('{"q":"world"}');
    expect(result.count).toBe(tokenizer.count(rendered, { allowSpecial: true }) + omitted);
  });

  it("counts plainly (approximate) when the template refuses the conversation", async () => {
    const tokenizer = HfTokenizer.fromJson(tinyByteLevelTokenizer(), {
      chat_template:
        "{% for message in messages %}{% if message['role'] == 'tool' %}{{ raise_exception('no tools') }}{% endif %}{{ message['content'] }}{% endfor %}",
    });
    const result = await countChatTokensWith(tokenizer, [
      { role: "user", content: "hello" },
      { role: "tool", content: "world", toolCallId: "1" },
    ]);
    expect(result).toEqual({
      count: 3 + tokenizer.count("hello") + 3 + tokenizer.count("world"),
      approximate: true,
      source: "tokenizer.json",
      method: "plain",
      approximateReason: "the chat template refused this conversation (no tools)",
    });
  });

  it("counts a chat through the tokenizer's chat template, with special tokens recognised", async () => {
    const tokenizer = HfTokenizer.fromJson(tinyByteLevelTokenizer(), CHATML_CONFIG);
    expect(tokenizer.chatTemplate).toContain("add_generation_prompt");
    const result = await countChatTokensWith(tokenizer, [{ role: "user", content: "hello world" }]);
    const rendered = "<|endoftext|>user\nhello world<|endoftext|>\n<|endoftext|>assistant\n";
    expect(result).toEqual({
      count: tokenizer.count(rendered, { allowSpecial: true }),
      approximate: false,
      source: "tokenizer.json",
      method: "chat-template",
    });
    expect(result.count).toBe(
      reference(tinyByteLevelTokenizer(), CHATML_CONFIG).encode(rendered).ids.length,
    );
  });
});
