/**
 * The Anthropic provider (provider specification v1): chat, streaming chat
 * and exact token counting for Claude models, on `@anthropic-ai/sdk`
 * (imported on the first call, so importing this package stays cheap).
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type Anthropic from "@anthropic-ai/sdk";
import { APIError } from "@anthropic-ai/sdk/error";
import {
  abortedError,
  assertMessages,
  assertModel,
  type Capability,
  type ChatModelV1,
  type ChatRequestV1,
  type ChatResultV1,
  type ChatSettingsV1,
  type ChatStreamPartV1,
  type ExchangeInspectorV1,
  type Message,
  type ModelCatalogV1,
  type ModelSupportV1,
  type ProviderV1,
  RatatoskrError,
  type TokenCountingModelV1,
  type TokenCountingRequestV1,
  type TokenCountingResultV1,
  type WarningV1,
} from "@ratatoskr/core";
import {
  boundErrorBodies,
  inspectingFetch,
  inspectorFetchOptions,
  linkSignals,
  loadApiKey,
  registerHeaderSecrets,
  SseDecoder,
  validateBaseURL,
} from "@ratatoskr/provider-utils";
import { mapAnthropicError } from "./anthropic-error.ts";
import { defaultMaxTokens } from "./anthropic-max-tokens.ts";
import { createAnthropicModelCatalog } from "./anthropic-model-catalog.ts";
import {
  ANTHROPIC_PROVIDER_OPTION_KEYS,
  readAnthropicProviderOptions,
} from "./anthropic-provider-options.ts";
import { anthropicRequestWarnings, buildAnthropicRequest } from "./anthropic-request.ts";
import { convertAnthropicMessage } from "./anthropic-response.ts";

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
  /**
   * The SDK's own request timeout in milliseconds (default 600,000): a
   * safety net only. Deadlines are the gateway's (`timeout`,
   * `attemptTimeout`, `idleTimeout`), which abort the call's signal.
   */
  timeout?: number;
  /** Default `max_tokens` for a model when the `maxTokens` setting is unset (default: {@link defaultMaxTokens}). */
  defaultMaxTokens?: number | ((model: string) => number);
  /** Provider id: the routing prefix and the `providerOptions` key (default `"anthropic"`). */
  id?: string;
}

/** The chat model of the Anthropic provider: both halves, and the warnings of a request before it is sent. */
export interface AnthropicChatModel extends ChatModelV1 {
  complete(request: ChatRequestV1): Promise<ChatResultV1>;
  stream(request: ChatRequestV1): AsyncIterable<ChatStreamPartV1>;
  warningsFor(request: ChatRequestV1): readonly WarningV1[];
}

/** A whole chat request to count ({@link AnthropicProvider.countChatTokens}). */
export interface AnthropicChatTokensRequest {
  /** The model to count for (without the `anthropic:` prefix). */
  readonly model: string;
  /** The conversation to count. */
  readonly messages: readonly Message[];
  /** The chat settings that shape the prompt: tools, tool choice, reasoning, response format. */
  readonly settings?: ChatSettingsV1;
  /** The `anthropic` provider options ({@link AnthropicProviderOptions}): server tools, thinking, betas. */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /** Cancels the count. */
  readonly signal?: AbortSignal;
  /** Extra HTTP headers for the count request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Receives the HTTP exchange (a debugging aid; see `CallRequestV1.inspect`). */
  readonly inspect?: ExchangeInspectorV1;
}

/** The Anthropic provider: a {@link ProviderV1} with chat and token counting, plus whole-request counts. */
export interface AnthropicProvider extends ProviderV1 {
  readonly chat: AnthropicChatModel;
  readonly tokenCounting: TokenCountingModelV1;
  /** `GET /v1/models` (every page) and `GET /v1/models/{id}` as registry records. */
  readonly models: ModelCatalogV1;
  supports(capability: Capability, model: string): ModelSupportV1;
  /**
   * Exact input tokens of a whole chat request (system, messages, tools,
   * tool choice, thinking) as `/v1/messages/count_tokens` counts it.
   */
  countChatTokens(request: AnthropicChatTokensRequest): Promise<TokenCountingResultV1>;
}

/** `source` of the token counts this provider returns. */
export const ANTHROPIC_COUNT_TOKENS_SOURCE = "anthropic:count_tokens";

/** The SDK's request timeout when the `timeout` setting is unset. */
const DEFAULT_SDK_TIMEOUT = 600_000;
const BETA_HEADER = "anthropic-beta";

type Sdk = typeof import("@anthropic-ai/sdk");
let sdkPromise: Promise<Sdk> | undefined;

/** The SDK, imported on the first call (about a second of start-up otherwise). */
function loadSdk(): Promise<Sdk> {
  sdkPromise ??= import("@anthropic-ai/sdk");
  return sdkPromise;
}

/**
 * The provider options of a text's token count: of them only `betas`
 * applies; the others are reported as not used. Pure (`warningsFor`).
 */
function countTokensOptions(
  providerOptions: TokenCountingRequestV1["providerOptions"],
): ReturnType<typeof readAnthropicProviderOptions> {
  const { options, warnings } = readAnthropicProviderOptions(providerOptions);
  for (const key of ANTHROPIC_PROVIDER_OPTION_KEYS) {
    if (key !== "betas" && options[key] !== undefined) {
      warnings.push({
        type: "other",
        message: `providerOptions.anthropic.${key} is not used when counting the tokens of a text`,
      });
    }
  }
  return { options, warnings };
}

/**
 * Create the Anthropic provider. It serves `chat` and `countTokens` for
 * model names that start with `claude`. The SDK client is built on the first
 * call with `maxRetries: 0`: retries, deadlines and fallbacks belong to the
 * gateway, which hands every call one `signal`.
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(createAnthropic()).build();
 * const answer = await gateway.chat([Message.user("Hi")], { model: "claude-sonnet-4-5" });
 * ```
 */
export function createAnthropic(settings: AnthropicProviderSettings = {}): AnthropicProvider {
  return new AnthropicProviderImplementation(settings);
}

class AnthropicProviderImplementation implements AnthropicProvider {
  readonly specificationVersion = "v1" as const;
  readonly id: string;
  readonly localInference = false;
  readonly chat: AnthropicChatModel;
  readonly tokenCounting: TokenCountingModelV1;
  readonly models: ModelCatalogV1;
  readonly #settings: AnthropicProviderSettings;
  /** The validated base URL (setting, else `ANTHROPIC_BASE_URL`); undefined: the SDK's default. */
  readonly #baseURL: string | undefined;
  /** The `anthropic-beta` values of the settings' headers (the SDK sends one header: a call's betas join them). */
  readonly #settingsBetas: readonly string[];
  readonly #timeout: number;
  #client: Anthropic | undefined;
  #clientLoading: Promise<Anthropic> | undefined;

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
    this.#settingsBetas = splitBetas(headerValue(settings.headers, BETA_HEADER));
    this.#timeout = settings.timeout ?? DEFAULT_SDK_TIMEOUT;
    this.chat = {
      toolUse: true,
      complete: (request) => this.#complete(request),
      stream: (request) => this.#stream(request),
      warningsFor: (request) =>
        anthropicRequestWarnings(request.settings, request.providerOptions, request.model).warnings,
    };
    this.tokenCounting = {
      countTokens: (request) => this.#countTokens(request),
      warningsFor: (request) => countTokensOptions(request.providerOptions).warnings,
    };
    this.models = createAnthropicModelCatalog({
      provider: this.id,
      client: () => this.#getClient(),
      requestOptions: (signal, headers) => this.#requestOptions(signal, headers, undefined),
      errorContext: (model, signal) => this.#context(model, signal),
    });
  }

  supports(capability: Capability, model: string): ModelSupportV1 {
    if (capability !== "chat" && capability !== "countTokens") {
      return { supported: false, reason: `${this.id} offers only chat and countTokens` };
    }
    return model.startsWith("claude")
      ? true
      : { supported: false, reason: `${this.id} serves model names that start with "claude"` };
  }

  /** The client, or the promise of it while the SDK loads. A missing key throws here, at the first call. */
  #getClient(): Anthropic | Promise<Anthropic> {
    if (this.#client !== undefined) return this.#client;
    const apiKey = loadApiKey({
      apiKey: this.#settings.apiKey,
      environmentVariable: "ANTHROPIC_API_KEY",
      provider: this.id,
    })!;
    this.#clientLoading ??= loadSdk().then(({ Anthropic }) => {
      this.#client = new Anthropic({
        apiKey,
        authToken: null,
        ...(this.#baseURL === undefined ? {} : { baseURL: this.#baseURL }),
        ...(this.#settings.headers === undefined ? {} : { defaultHeaders: this.#settings.headers }),
        // The SDK reads a failed response's body whole: hand it a bounded prefix instead.
        // Outside it: an inspector (set per request) sees the bounded body the SDK reads.
        fetch: inspectingFetch(boundErrorBodies(this.#settings.fetch)),
        maxRetries: 0,
        timeout: this.#timeout,
      });
      return this.#client;
    });
    return this.#clientLoading;
  }

  #maxTokensFor = (model: string): number => {
    const setting = this.#settings.defaultMaxTokens;
    if (typeof setting === "number") return setting;
    return setting === undefined ? defaultMaxTokens(model) : setting(model);
  };

  #context(model: string | undefined, signal: AbortSignal | undefined) {
    return {
      provider: this.id,
      ...(model === undefined ? {} : { model }),
      ...(signal === undefined ? {} : { signal }),
      ...(this.#baseURL === undefined ? {} : { baseURL: this.#baseURL }),
    };
  }

  /**
   * The SDK's per-request options: the signal, the explicit timeout (which
   * also keeps the SDK's "streaming is required" guard for large
   * `max_tokens` from refusing a non-streaming call), the call's inspector
   * when it has one (for the client's `inspectingFetch`), and the call's
   * headers with its betas added to those of the settings.
   */
  #requestOptions(
    signal: AbortSignal | undefined,
    headers: Readonly<Record<string, string>> | undefined,
    betas: readonly string[] | undefined,
    inspect?: ExchangeInspectorV1,
  ): Anthropic.RequestOptions {
    const options: Anthropic.RequestOptions = { timeout: this.#timeout };
    if (signal !== undefined) options.signal = signal;
    // The inspector travels under a symbol key, which the SDK's type does not describe.
    if (inspect !== undefined)
      options.fetchOptions = inspectorFetchOptions(
        inspect,
      ) as Anthropic.RequestOptions["fetchOptions"];
    if (headers === undefined && (betas === undefined || betas.length === 0)) return options;
    registerHeaderSecrets(headers as Record<string, string> | undefined);
    const merged: Record<string, string> = {};
    for (const name in headers) {
      if (name.toLowerCase() !== BETA_HEADER) merged[name] = headers[name]!;
    }
    const all = new Set([
      ...this.#settingsBetas,
      ...splitBetas(headerValue(headers, BETA_HEADER)),
      ...(betas ?? []),
    ]);
    if (all.size > 0) merged[BETA_HEADER] = [...all].join(",");
    options.headers = merged;
    return options;
  }

  async #complete(request: ChatRequestV1): Promise<ChatResultV1> {
    const signal = request.signal;
    try {
      if (signal?.aborted) throw abortedError(signal);
      const { body, warnings, betas, outputTool } = buildAnthropicRequest(
        request,
        this.#maxTokensFor,
      );
      const client = await this.#getClient();
      const message = await client.messages.create(
        { ...body, stream: false },
        this.#requestOptions(signal, request.headers, betas, request.inspect),
      );
      const result = convertAnthropicMessage(message, {
        excludeReasoning: request.settings.reasoning?.exclude === true,
        requestId: (message as { _request_id?: string | null })._request_id,
        ...(outputTool === undefined ? {} : { outputTool }),
      });
      return warnings.length === 0 ? result : { ...result, warnings };
    } catch (error) {
      throw mapAnthropicError(error, this.#context(request.model, signal));
    }
  }

  /**
   * The request goes through the SDK (headers, auth, HTTP errors); the SSE
   * body is decoded here, one event at a time, so that nothing is mapped
   * ahead of what the caller has consumed and no extra async layer sits
   * between the socket and the caller. Warnings come first, then the
   * response metadata at `message_start`, the content, and one `done`.
   */
  async *#stream(request: ChatRequestV1): AsyncGenerator<ChatStreamPartV1> {
    const signal = request.signal;
    if (signal?.aborted) throw abortedError(signal);
    const context = this.#context(request.model, signal);
    // A per-request signal: the SDK's listener lives on it, not on the caller's long-lived one.
    const link = linkSignals(signal);
    let response: Response;
    let warnings: WarningV1[];
    let outputTool: string | undefined;
    try {
      const built = buildAnthropicRequest(request, this.#maxTokensFor);
      warnings = built.warnings;
      outputTool = built.outputTool;
      const client = await this.#getClient();
      const streaming: Anthropic.MessageCreateParamsStreaming = { ...built.body, stream: true };
      response = await client.messages
        .create(
          streaming,
          this.#requestOptions(link.signal, request.headers, built.betas, request.inspect),
        )
        .asResponse();
    } catch (error) {
      link.dispose();
      throw mapAnthropicError(error, context);
    }
    const mapper = new AnthropicStreamMapper({
      provider: this.id,
      model: request.model,
      ...(response.headers.get("request-id")
        ? { requestId: response.headers.get("request-id")! }
        : {}),
      excludeReasoning: request.settings.reasoning?.exclude === true,
      ...(outputTool === undefined ? {} : { outputTool }),
    });
    let completed = false;
    const reader = response.body?.getReader();
    try {
      for (const warning of warnings) yield { type: "warning", warning };
      if (reader === undefined) {
        throw new RatatoskrError({
          code: "empty_response",
          message: `${this.id} sent no stream body`,
          provider: this.id,
        });
      }
      const text = new TextDecoder();
      const sse = new SseDecoder({ provider: this.id });
      for (;;) {
        const event = sse.next();
        if (event === undefined) {
          if (sse.ended) break;
          const chunk = await reader.read();
          if (chunk.done) {
            sse.push(text.decode());
            sse.end();
          } else {
            sse.push(text.decode(chunk.value, { stream: true }));
          }
          continue;
        }
        // Events already received when the signal fired are not delivered.
        if (signal?.aborted) throw abortedError(signal, mapper.partial());
        const name = event.event;
        if (name === undefined || name === "ping") continue;
        if (name === "error") throw streamErrorEvent(event.data, response.headers);
        // Checked against the protocol before anything it produces is delivered.
        const mapped = mapper.handleSse(name, event.data);
        if (mapped === undefined) continue;
        if (Array.isArray(mapped)) {
          for (const item of mapped) yield item;
        } else {
          yield mapped;
        }
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
        model: request.model,
        isRetryable: true,
        partial: mapper.partial(),
      });
    }
  }

  /**
   * Count one text as a single user message. Of the provider options only
   * `betas` applies; the others are reported as not used.
   */
  async #countTokens(request: TokenCountingRequestV1): Promise<TokenCountingResultV1> {
    const { model, text, signal } = request;
    try {
      if (signal?.aborted) throw abortedError(signal);
      const { options, warnings } = countTokensOptions(request.providerOptions);
      const withWarnings = (count: TokenCountingResultV1) =>
        warnings.length === 0 ? count : { ...count, warnings };
      // The API refuses empty content; an empty text is zero tokens.
      if (text === "") {
        return withWarnings({
          count: 0,
          approximate: false,
          source: ANTHROPIC_COUNT_TOKENS_SOURCE,
        });
      }
      const client = await this.#getClient();
      const result = await client.messages.countTokens(
        { model, messages: [{ role: "user", content: text }] },
        this.#requestOptions(signal, request.headers, options.betas, request.inspect),
      );
      return withWarnings(toTokenCount(result));
    } catch (error) {
      throw mapAnthropicError(error, this.#context(model, signal));
    }
  }

  async countChatTokens(request: AnthropicChatTokensRequest): Promise<TokenCountingResultV1> {
    const signal = request.signal;
    try {
      if (signal?.aborted) throw abortedError(signal);
      // Called directly, not through the gateway: check what the gateway would have.
      assertModel(request.model);
      assertMessages(request.messages);
      const { body, warnings, betas } = buildAnthropicRequest(
        {
          model: request.model,
          messages: request.messages,
          settings: request.settings ?? {},
          providerOptions: request.providerOptions ?? {},
        },
        this.#maxTokensFor,
      );
      const params: Anthropic.MessageCountTokensParams = {
        model: body.model,
        messages: body.messages,
      };
      if (body.system !== undefined) params.system = body.system;
      if (body.tools !== undefined) params.tools = body.tools as Anthropic.MessageCountTokensTool[];
      if (body.tool_choice !== undefined) params.tool_choice = body.tool_choice;
      if (body.thinking !== undefined) params.thinking = body.thinking;
      if (body.output_config !== undefined) params.output_config = body.output_config;
      const client = await this.#getClient();
      const result = await client.messages.countTokens(
        params,
        this.#requestOptions(signal, request.headers, betas, request.inspect),
      );
      const count = toTokenCount(result);
      return warnings.length === 0 ? count : { ...count, warnings };
    } catch (error) {
      throw mapAnthropicError(error, this.#context(request?.model, signal));
    }
  }
}

/** A header's value, whatever the case of its name. */
function headerValue(
  headers: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  for (const key in headers) {
    if (key.toLowerCase() === name) return headers[key];
  }
  return undefined;
}

/** The comma-separated values of an `anthropic-beta` header. */
function splitBetas(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((beta) => beta.trim())
    .filter((beta) => beta !== "");
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

function toTokenCount(result: Anthropic.MessageTokensCount): TokenCountingResultV1 {
  if (typeof result?.input_tokens !== "number") {
    throw new RatatoskrError({
      code: "data",
      message: "The count_tokens response had no numeric input_tokens",
      provider: ANTHROPIC_PROVIDER_ID,
    });
  }
  const requestId = (result as { _request_id?: string | null })._request_id;
  return {
    count: result.input_tokens,
    approximate: false,
    source: ANTHROPIC_COUNT_TOKENS_SOURCE,
    ...(requestId ? { response: { requestId } } : {}),
  };
}
