/**
 * The token-counting provider (provider specification v1):
 * `createTokenizers(settings)` serves `countTokens`, `tokenize` (ids, token
 * texts and offsets) and `countChatTokens` (a whole chat request) for every
 * model the registry maps, locally (no network once a tokenizer is
 * cached). A long text is counted or tokenized in slices that give the
 * event loop back and stop on the request's `signal`.
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
  type ChatTokenCountingRequestV1,
  type CountTokensOptions,
  type Message,
  type ModelSupportV1,
  type ProviderV1,
  type TokenCountingModelV1,
  type TokenCountingRequestV1,
  type TokenCountingResultV1,
  type TokenizeResultV1,
  type ToolDefinition,
  type WarningV1,
} from "@ratatoskr/core";
import { unknownProviderOptionWarnings } from "@ratatoskr/provider-utils";
import type { ChatTokenCount } from "./count-chat-tokens.ts";
import type { DecodeOptions, EncodeOptions } from "./hf-tokenizer.ts";
import { TokenizerRegistry, type TokenizerRegistrySettings } from "./tokenizer-registry.ts";

/** Settings of {@link createTokenizers}: the registry's settings. */
export type TokenizersSettings = TokenizerRegistrySettings;

/**
 * The `tokenizers` entry of a call's `providerOptions`. The provider reads
 * no option today: every key is an `unknown_provider_option` warning.
 */
export type TokenizersProviderOptions = Readonly<Record<string, never>>;

/** The tokenizers provider: a {@link ProviderV1} counting tokens, plus the registry's helpers. */
export interface TokenizersProvider extends ProviderV1 {
  readonly id: "tokenizers";
  /** `countTokens`, and the optional `tokenize` and `countChatTokens`, which this provider always has. */
  readonly tokenCounting: TokenCountingModelV1 &
    Required<Pick<TokenCountingModelV1, "tokenize" | "countChatTokens">>;
  /** The registry behind the provider (mappings, loading). */
  readonly registry: TokenizerRegistry;
  /** Count a whole chat request (messages and tools). */
  countChatTokens(
    messages: readonly Message[],
    tools: readonly ToolDefinition[] | undefined,
    model: string,
    options?: CountTokensOptions,
  ): Promise<ChatTokenCount>;
  /** The token strings of `text` with `model`'s tokenizer (loaded once, on first use). */
  tokenize(text: string, model: string, options?: EncodeOptions): Promise<string[]>;
  /** The token ids of `text` with `model`'s tokenizer. */
  encode(text: string, model: string, options?: EncodeOptions): Promise<number[]>;
  /** The text of the token `ids` with `model`'s tokenizer. */
  decode(ids: readonly number[], model: string, options?: DecodeOptions): Promise<string>;
}

/** Create the tokenizers provider. */
export function createTokenizers(settings: TokenizersSettings = {}): TokenizersProvider {
  const registry = new TokenizerRegistry(settings);
  const warningsOf = (request: { providerOptions: Readonly<Record<string, unknown>> }) =>
    unknownProviderOptionWarnings(request.providerOptions, []);
  const withWarnings = <T extends object>(result: T, warnings: readonly WarningV1[]) =>
    warnings.length === 0 ? result : { ...result, warnings };
  const approximateOption = (request: { allowApproximate?: boolean }) =>
    request.allowApproximate === undefined ? {} : { allowApproximate: request.allowApproximate };
  return {
    specificationVersion: "v1",
    id: "tokenizers",
    localInference: true,
    registry,
    tokenCounting: {
      warningsFor: (request) => unknownProviderOptionWarnings(request.providerOptions, []),
      async countTokens(request: TokenCountingRequestV1): Promise<TokenCountingResultV1> {
        const { signal } = request;
        if (signal.aborted) throw abortedError(signal);
        const warnings = unknownProviderOptionWarnings(request.providerOptions, []);
        const count = await registry.countTokens(request.text, request.model, {
          signal,
          ...(request.allowApproximate === undefined
            ? {}
            : { allowApproximate: request.allowApproximate }),
        });
        return warnings.length === 0 ? count : { ...count, warnings };
      },
      async tokenize(request: TokenCountingRequestV1): Promise<TokenizeResultV1> {
        const { signal } = request;
        if (signal.aborted) throw abortedError(signal);
        const warnings = warningsOf(request);
        const { tokens, approximate, source } = await registry.tokenizeWithOffsets(
          request.text,
          request.model,
          { signal, ...approximateOption(request) },
        );
        return withWarnings({ tokens, approximate, source }, warnings);
      },
      async countChatTokens(request: ChatTokenCountingRequestV1): Promise<TokenCountingResultV1> {
        const { signal } = request;
        if (signal.aborted) throw abortedError(signal);
        const warnings = warningsOf(request);
        const { count, approximate, source } = await registry.countChatTokens(
          request.messages,
          request.tools,
          request.model,
          { signal, ...approximateOption(request) },
        );
        return withWarnings({ count, approximate, source }, warnings);
      },
    },
    supports(capability: Capability, model: string): ModelSupportV1 {
      if (capability !== "countTokens")
        return { supported: false, reason: "tokenizers only count tokens" };
      if (registry.has(model)) return true;
      if (settings.allowApproximate) return true;
      return {
        supported: false,
        reason: `no tokenizer mapping for "${model}" (add one with tokenizerMapping(pattern, source))`,
      };
    },
    async countChatTokens(messages, tools, model, options) {
      const signal = options?.signal;
      if (signal?.aborted) throw abortedError(signal);
      return registry.countChatTokens(messages, tools, model, {
        ...(signal ? { signal } : {}),
        ...(options?.allowApproximate === undefined
          ? {}
          : { allowApproximate: options.allowApproximate }),
      });
    },
    tokenize: (text, model, options) => registry.tokenize(text, model, options),
    encode: (text, model, options) => registry.encode(text, model, options),
    decode: (ids, model, options) => registry.decode(ids, model, options),
  };
}
