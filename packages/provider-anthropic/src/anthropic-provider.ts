/**
 * The Anthropic provider plugin: chat, streaming chat and exact token
 * counting for Claude models, on `@anthropic-ai/sdk`.
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import {
  abortedError,
  assertMessages,
  assertModel,
  assertText,
  type Capability,
  type ChatEvent,
  type ChatOptions,
  type ChatResponse,
  type CountTokensOptions,
  type Message,
  type ModelSupport,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  RatatoskrError,
  type TokenCount,
} from "@ratatoskr/core";
import {
  boundErrorBodies,
  linkSignals,
  loadApiKey,
  registerHeaderSecrets,
  validateBaseURL,
} from "@ratatoskr/provider-utils";
import { mapAnthropicError } from "./anthropic-error.ts";
import { defaultMaxTokens } from "./anthropic-max-tokens.ts";
import { type AnthropicWarning, buildAnthropicRequest } from "./anthropic-request.ts";
import { convertAnthropicMessage } from "./anthropic-response.ts";
import { SseDecoder } from "./anthropic-sse-decoder.ts";
import { AnthropicStreamMapper } from "./anthropic-stream-mapper.ts";
import { ANTHROPIC_PROVIDER_ID } from "./convert-to-anthropic-messages.ts";

/** Settings of {@link createAnthropic}. */
export interface AnthropicProviderSettings {
  /** API key; defaults to the `ANTHROPIC_API_KEY` environment variable (read at the first call). */
  apiKey?: string;
  /**
   * API base URL; defaults to the SDK's (`ANTHROPIC_BASE_URL`, else
   * `https://api.anthropic.com`). An http(s) URL without credentials: anything
   * else (here or in `ANTHROPIC_BASE_URL`) is an `invalid_input` error at creation.
   */
  baseURL?: string;
  /** Extra headers sent with every request (e.g. `anthropic-beta`); credentials in them are registered for redaction. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** Per-attempt timeout of the SDK in milliseconds (default 600,000). The gateway's deadlines apply on top. */
  timeout?: number;
  /** Default `max_tokens` for a model when `ChatOptions.maxTokens` is unset (default: {@link defaultMaxTokens}). */
  defaultMaxTokens?: number | ((model: string) => number);
  /**
   * Called for each setting that could not be sent (e.g. `temperature`, which
   * API version 2026-10-21 rejects). Default: one `process.emitWarning` per
   * setting per provider instance.
   */
  onWarning?: (warning: AnthropicWarning) => void;
  /** Plugin id, also the routing prefix (default `"anthropic"`). */
  id?: string;
}

/** The Anthropic plugin: a {@link ProviderPlugin} plus whole-request token counting. */
export interface AnthropicProvider extends ProviderPlugin {
  chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse>;
  chatStream(messages: readonly Message[], options: ChatOptions): AsyncIterable<ChatEvent>;
  countTokens(text: string, model: string, options?: CountTokensOptions): Promise<TokenCount>;
  /**
   * Exact input tokens of a whole chat request (system, messages, tools,
   * tool choice, thinking) as `/v1/messages/count_tokens` counts it.
   */
  countChatTokens(messages: readonly Message[], options: ChatOptions): Promise<TokenCount>;
}

/** `source` of the token counts this provider returns. */
export const ANTHROPIC_COUNT_TOKENS_SOURCE = "anthropic:count_tokens";

const CAPABILITIES: readonly Capability[] = ["chat", "countTokens"];

/**
 * Create the Anthropic provider plugin. It serves `chat` and `countTokens`
 * for model names that start with `claude`. The SDK client is built on the
 * first call with `maxRetries: 0`: retries belong to the gateway.
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(createAnthropic()).build();
 * const answer = await gateway.chat([Message.user("Hi")], { model: "claude-sonnet-4-5" });
 * ```
 */
export function createAnthropic(settings: AnthropicProviderSettings = {}): AnthropicProvider {
  return new AnthropicPlugin(settings);
}

class AnthropicPlugin implements AnthropicProvider {
  readonly specificationVersion = PROVIDER_SPECIFICATION_VERSION;
  readonly id: string;
  readonly capabilities = CAPABILITIES;
  readonly toolUse = true;
  readonly localInference = false;
  readonly #settings: AnthropicProviderSettings;
  /** The validated base URL (setting, else `ANTHROPIC_BASE_URL`); undefined: the SDK's default. */
  readonly #baseURL: string | undefined;
  #client: Anthropic | undefined;
  readonly #warned = new Set<string>();

  constructor(settings: AnthropicProviderSettings) {
    this.#settings = settings;
    this.id = settings.id ?? ANTHROPIC_PROVIDER_ID;
    const environment = process.env.ANTHROPIC_BASE_URL || undefined; // empty = unset, as the SDK reads it
    const configured = settings.baseURL ?? environment;
    this.#baseURL =
      configured === undefined
        ? undefined
        : validateBaseURL(configured, {
            setting: settings.baseURL === undefined ? "ANTHROPIC_BASE_URL" : "baseURL",
            provider: this.id,
          });
    registerHeaderSecrets(settings.headers);
  }

  supports(capability: Capability, model: string): ModelSupport {
    if (!CAPABILITIES.includes(capability)) {
      return { supported: false, reason: `${this.id} offers only chat and countTokens` };
    }
    return model.startsWith("claude")
      ? true
      : { supported: false, reason: `${this.id} serves model names that start with "claude"` };
  }

  #getClient(): Anthropic {
    if (this.#client !== undefined) return this.#client;
    const apiKey = loadApiKey({
      apiKey: this.#settings.apiKey,
      environmentVariable: "ANTHROPIC_API_KEY",
      provider: this.id,
    })!;
    this.#client = new Anthropic({
      apiKey,
      authToken: null,
      ...(this.#baseURL === undefined ? {} : { baseURL: this.#baseURL }),
      ...(this.#settings.headers === undefined ? {} : { defaultHeaders: this.#settings.headers }),
      // The SDK reads a failed response's body whole: hand it a bounded prefix instead.
      fetch: boundErrorBodies(this.#settings.fetch),
      maxRetries: 0,
      timeout: this.#timeout(),
    });
    return this.#client;
  }

  /** The SDK request timeout: the gateway's per-attempt deadline when it passes one, else the setting. */
  #timeout(perCall?: number): number {
    return perCall !== undefined && perCall > 0 ? perCall : (this.#settings.timeout ?? 600_000);
  }

  #maxTokensFor = (model: string): number => {
    const setting = this.#settings.defaultMaxTokens;
    if (typeof setting === "number") return setting;
    return setting === undefined ? defaultMaxTokens(model) : setting(model);
  };

  #report(warnings: AnthropicWarning[]): void {
    for (const warning of warnings) {
      if (this.#settings.onWarning !== undefined) {
        this.#settings.onWarning(warning);
      } else if (!this.#warned.has(warning.setting)) {
        this.#warned.add(warning.setting);
        process.emitWarning(`${this.id}: ${warning.setting} was not sent (${warning.details})`, {
          code: "RATATOSKR_UNSUPPORTED_SETTING",
        });
      }
    }
  }

  #context(model: string | undefined, signal: AbortSignal | undefined) {
    return {
      provider: this.id,
      ...(model === undefined ? {} : { model }),
      ...(signal === undefined ? {} : { signal }),
      ...(this.#baseURL === undefined ? {} : { baseURL: this.#baseURL }),
    };
  }

  #prepare(messages: readonly Message[], options: ChatOptions) {
    assertMessages(messages);
    assertModel(options?.model);
    const { body, warnings } = buildAnthropicRequest(
      messages,
      options,
      options.model,
      this.#maxTokensFor,
    );
    this.#report(warnings);
    return body;
  }

  async chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse> {
    const signal = options?.signal;
    if (signal?.aborted) throw abortedError(signal);
    try {
      const body = this.#prepare(messages, options);
      const message = await this.#getClient().messages.create(
        { ...body, stream: false },
        { ...(signal === undefined ? {} : { signal }), timeout: this.#timeout(options.timeout) },
      );
      return convertAnthropicMessage(message, {
        excludeReasoning: options.reasoning?.exclude === true,
      });
    } catch (error) {
      throw mapAnthropicError(error, this.#context(options?.model, signal));
    }
  }

  /**
   * The request goes through the SDK (headers, auth, HTTP errors); the SSE
   * body is decoded here, one event at a time, so that nothing is mapped
   * ahead of what the caller has consumed and no extra async layer sits
   * between the socket and the caller.
   */
  async *chatStream(messages: readonly Message[], options: ChatOptions): AsyncGenerator<ChatEvent> {
    const signal = options?.signal;
    if (signal?.aborted) throw abortedError(signal);
    const context = this.#context(options?.model, signal);
    // A per-request signal: the SDK's listener lives on it, not on the caller's long-lived one.
    const link = linkSignals(signal);
    let response: Response;
    try {
      const body = this.#prepare(messages, options);
      const streaming: Anthropic.MessageCreateParamsStreaming = { ...body, stream: true };
      response = await this.#getClient()
        .messages.create(streaming, {
          signal: link.signal,
          timeout: this.#timeout(options.timeout),
        })
        .asResponse();
    } catch (error) {
      link.dispose();
      throw mapAnthropicError(error, context);
    }
    const mapper = new AnthropicStreamMapper({
      provider: this.id,
      model: options.model,
      excludeReasoning: options.reasoning?.exclude === true,
    });
    let completed = false;
    const reader = response.body?.getReader();
    try {
      if (reader === undefined) {
        throw new RatatoskrError({
          code: "empty_response",
          message: `${this.id} sent no stream body`,
          provider: this.id,
        });
      }
      const text = new TextDecoder();
      const sse = new SseDecoder();
      const names: Array<string | undefined> = [];
      const payloads: string[] = [];
      const collect = (name: string | undefined, data: string) => {
        names.push(name);
        payloads.push(data);
      };
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) {
          sse.push(text.decode(), collect);
          sse.flush(collect);
        } else {
          sse.push(text.decode(chunk.value, { stream: true }), collect);
        }
        for (let index = 0; index < payloads.length; index++) {
          // Events already received when the signal fired are not delivered.
          if (signal?.aborted) throw abortedError(signal, mapper.partial());
          const name = names[index];
          if (name === undefined || name === "ping") continue;
          if (name === "error") throw streamErrorEvent(payloads[index]!, response.headers);
          // Checked against the protocol before anything it produces is delivered.
          const mapped = mapper.handleSse(name, payloads[index]!);
          if (mapped === undefined) continue;
          if (Array.isArray(mapped)) {
            for (const item of mapped) yield item;
          } else {
            yield mapped;
          }
        }
        names.length = 0;
        payloads.length = 0;
        if (chunk.done) break;
      }
      completed = true;
    } catch (error) {
      // After message_stop the answer is complete: a later abort or socket error ends it
      // quietly, but anything more from the server is a protocol violation.
      if (mapper.isFinished && mapper.failure === undefined) return;
      throw mapAnthropicError(error, { ...context, partial: mapper.partial() });
    } finally {
      if (!completed) {
        // Left early (break, abort, error): close the upstream request.
        link.abort();
        reader?.cancel().catch(() => {});
      }
      link.dispose();
    }
    if (!mapper.isFinished) {
      if (signal?.aborted) throw abortedError(signal, mapper.partial());
      throw new RatatoskrError({
        code: "stream",
        message: `The ${this.id} stream ended before message_stop`,
        provider: this.id,
        model: options.model,
        isRetryable: true,
        partial: mapper.partial(),
      });
    }
  }

  async countTokens(
    text: string,
    model: string,
    options: CountTokensOptions = {},
  ): Promise<TokenCount> {
    const signal = options.signal;
    if (signal?.aborted) throw abortedError(signal);
    try {
      assertText(text, "text", { allowEmpty: true });
      assertModel(model);
      // The API refuses empty content; an empty text is zero tokens.
      if (text === "")
        return { count: 0, approximate: false, source: ANTHROPIC_COUNT_TOKENS_SOURCE };
      const result = await this.#getClient().messages.countTokens(
        { model, messages: [{ role: "user", content: text }] },
        { ...(signal === undefined ? {} : { signal }), timeout: this.#timeout(options.timeout) },
      );
      return toTokenCount(result);
    } catch (error) {
      throw mapAnthropicError(error, this.#context(model, signal));
    }
  }

  async countChatTokens(messages: readonly Message[], options: ChatOptions): Promise<TokenCount> {
    const signal = options?.signal;
    if (signal?.aborted) throw abortedError(signal);
    try {
      const body = this.#prepare(messages, options);
      const params: Anthropic.MessageCountTokensParams = {
        model: body.model,
        messages: body.messages,
      };
      if (body.system !== undefined) params.system = body.system;
      if (body.tools !== undefined) params.tools = body.tools as Anthropic.MessageCountTokensTool[];
      if (body.tool_choice !== undefined) params.tool_choice = body.tool_choice;
      if (body.thinking !== undefined) params.thinking = body.thinking;
      if (body.output_config !== undefined) params.output_config = body.output_config;
      const result = await this.#getClient().messages.countTokens(params, {
        ...(signal === undefined ? {} : { signal }),
        timeout: this.#timeout(options.timeout),
      });
      return toTokenCount(result);
    } catch (error) {
      throw mapAnthropicError(error, this.#context(options?.model, signal));
    }
  }
}

/** An `event: error` payload as the SDK would raise it, for {@link mapAnthropicError}. */
function streamErrorEvent(data: string, headers: Headers): APIError {
  let body: unknown = data;
  try {
    body = JSON.parse(data);
  } catch {
    // keep the raw text
  }
  const type = (body as { error?: { type?: unknown } } | null)?.error?.type;
  return new APIError(
    undefined,
    body as object,
    undefined,
    headers,
    typeof type === "string" ? (type as never) : null,
  );
}

function toTokenCount(result: Anthropic.MessageTokensCount): TokenCount {
  if (typeof result?.input_tokens !== "number") {
    throw new RatatoskrError({
      code: "data",
      message: "The count_tokens response had no numeric input_tokens",
      provider: ANTHROPIC_PROVIDER_ID,
    });
  }
  return { count: result.input_tokens, approximate: false, source: ANTHROPIC_COUNT_TOKENS_SOURCE };
}
