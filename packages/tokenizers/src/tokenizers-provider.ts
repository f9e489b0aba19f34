/**
 * The gateway plugin: `createTokenizers(settings)` serves `countTokens` for
 * every model the registry maps, locally (no network once a tokenizer is
 * cached).
 *
 * @example
 * ```ts
 * import { Ratatoskr } from "@ratatoskr/gateway";
 * import { createTokenizers, tokenizerMapping } from "@ratatoskr/tokenizers";
 *
 * const gateway = await Ratatoskr.builder()
 *   .use(createTokenizers({ mappings: [tokenizerMapping("my-model", "/models/my-model")] }))
 *   .build();
 * const { count, approximate } = await gateway.countTokens("Hello", "gpt-4o");
 * ```
 */
import {
  abortedError,
  type Capability,
  type CountTokensOptions,
  type Message,
  type ModelSupport,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  type TokenCount,
  type ToolDefinition,
} from "@ratatoskr/core";
import type { ChatTokenCount } from "./count-chat-tokens.ts";
import type { DecodeOptions, EncodeOptions } from "./hf-tokenizer.ts";
import { TokenizerRegistry, type TokenizerRegistrySettings } from "./tokenizer-registry.ts";

/** Settings of {@link createTokenizers}: the registry's settings. */
export type TokenizersSettings = TokenizerRegistrySettings;

/** The tokenizers plugin: a {@link ProviderPlugin} serving `countTokens`, plus the registry's helpers. */
export interface TokenizersProvider extends ProviderPlugin {
  readonly id: "tokenizers";
  /** The registry behind the plugin (mappings, loading). */
  readonly registry: TokenizerRegistry;
  countTokens(text: string, model: string, options?: CountTokensOptions): Promise<TokenCount>;
  /** Count a whole chat request (messages and tools). */
  countChatTokens(
    messages: readonly Message[],
    tools: readonly ToolDefinition[] | undefined,
    model: string,
    options?: CountTokensOptions,
  ): Promise<ChatTokenCount>;
  tokenize(text: string, model: string, options?: EncodeOptions): Promise<string[]>;
  encode(text: string, model: string, options?: EncodeOptions): Promise<number[]>;
  decode(ids: readonly number[], model: string, options?: DecodeOptions): Promise<string>;
}

/** Create the tokenizers plugin. */
export function createTokenizers(settings: TokenizersSettings = {}): TokenizersProvider {
  const registry = new TokenizerRegistry(settings);
  const guard = async <T>(
    options: CountTokensOptions | undefined,
    work: () => Promise<T>,
  ): Promise<T> => {
    const signal = options?.signal;
    if (signal?.aborted) throw abortedError(signal);
    const result = await work();
    if (signal?.aborted) throw abortedError(signal);
    return result;
  };
  return {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    id: "tokenizers",
    capabilities: ["countTokens"] as const satisfies readonly Capability[],
    localInference: true,
    registry,
    supports(capability: Capability, model: string): ModelSupport {
      if (capability !== "countTokens")
        return { supported: false, reason: "tokenizers only count tokens" };
      if (registry.has(model)) return true;
      if (settings.allowApproximate) return true;
      return {
        supported: false,
        reason: `no tokenizer mapping for "${model}" (add one with tokenizerMapping(pattern, source))`,
      };
    },
    countTokens(text, model, options) {
      return guard(options, () =>
        registry.countTokens(text, model, {
          ...(options?.signal ? { signal: options.signal } : {}),
          ...(options?.allowApproximate === undefined
            ? {}
            : { allowApproximate: options.allowApproximate }),
        }),
      );
    },
    countChatTokens(messages, tools, model, options) {
      return guard(options, () =>
        registry.countChatTokens(messages, tools, model, {
          ...(options?.signal ? { signal: options.signal } : {}),
          ...(options?.allowApproximate === undefined
            ? {}
            : { allowApproximate: options.allowApproximate }),
        }),
      );
    },
    tokenize: (text, model, options) => registry.tokenize(text, model, options),
    encode: (text, model, options) => registry.encode(text, model, options),
    decode: (ids, model, options) => registry.decode(ids, model, options),
  };
}
