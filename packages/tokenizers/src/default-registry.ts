/**
 * Module-level helpers on a shared default {@link TokenizerRegistry}
 * (default mappings, cache directory from `RATATOSKR_CACHE_DIR` or the user
 * cache dir, offline from `HF_HUB_OFFLINE`). Created on first use; use
 * `createTokenizers(settings)` or `new TokenizerRegistry(settings)` for
 * other settings.
 *
 * @example
 * ```ts
 * import { countChatTokens, countTokens } from "@ratatoskr/tokenizers";
 * await countTokens("Hello", "gpt-4o");                        // { count: 1, approximate: false, … }
 * await countChatTokens(messages, tools, "llama-3.1-8b-instruct");
 * ```
 */
import type { Message, TokenCount, ToolDefinition } from "@ratatoskr/core";
import type { ChatTokenCount } from "./count-chat-tokens.ts";
import type { DecodeOptions, EncodeOptions } from "./hf-tokenizer.ts";
import { type RegistryCountOptions, TokenizerRegistry } from "./tokenizer-registry.ts";

let shared: TokenizerRegistry | undefined;

/** The shared default registry (created on first use). */
export function defaultTokenizerRegistry(): TokenizerRegistry {
  shared ??= new TokenizerRegistry();
  return shared;
}

/** Count the tokens of `text` for `model` with the default registry. */
export function countTokens(
  text: string,
  model: string,
  options?: RegistryCountOptions,
): Promise<TokenCount> {
  return defaultTokenizerRegistry().countTokens(text, model, options);
}

/** Count a whole chat request (messages and tools) for `model` with the default registry. */
export function countChatTokens(
  messages: readonly Message[],
  tools: readonly ToolDefinition[] | undefined,
  model: string,
  options?: RegistryCountOptions,
): Promise<ChatTokenCount> {
  return defaultTokenizerRegistry().countChatTokens(messages, tools, model, options);
}

/** Token ids of `text` for `model` with the default registry. */
export function encode(text: string, model: string, options?: EncodeOptions): Promise<number[]> {
  return defaultTokenizerRegistry().encode(text, model, options);
}

/** Token strings of `text` for `model` with the default registry. */
export function tokenize(text: string, model: string, options?: EncodeOptions): Promise<string[]> {
  return defaultTokenizerRegistry().tokenize(text, model, options);
}

/** Text of `ids` for `model` with the default registry. */
export function decode(
  ids: readonly number[],
  model: string,
  options?: DecodeOptions,
): Promise<string> {
  return defaultTokenizerRegistry().decode(ids, model, options);
}
