/**
 * `createOpenAICompatible`: a chat provider plugin for any server that speaks
 * the OpenAI Chat Completions wire (Together, Groq, vLLM, llama.cpp, LM
 * Studio, DeepSeek, …), on the official `openai` SDK with its retries off
 * (retries live in the gateway).
 */
import {
  abortedError,
  assertMessages,
  assertModel,
  type Capability,
  type ChatEvent,
  type ChatOptions,
  type ChatResponse,
  type Message,
  type ModelSupport,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  RatatoskrError,
  registerSecret,
  withPartial,
} from "@ratatoskr/core";
import {
  boundErrorBodies,
  loadApiKey,
  registerHeaderSecrets,
  validateBaseURL,
} from "@ratatoskr/provider-utils";
import OpenAI from "openai";
import { mapOpenAIChatResponse, type OpenAIWireCompletion } from "./map-openai-chat-response.ts";
import { mapOpenAIError, type OpenAIErrorContext } from "./map-openai-error.ts";
import {
  buildOpenAIChatRequestBody,
  type OpenAIChatRequestStyle,
  type OpenAIReasoningRequestStyle,
} from "./openai-chat-request.ts";
import { OpenAIChatStreamMapper, type OpenAIWireChunk } from "./openai-chat-stream-mapper.ts";

/** Settings of {@link createOpenAICompatible}. */
export interface OpenAICompatibleSettings {
  /** Plugin id and routing prefix (`together` → `together:meta-llama/…`). Lowercase letters, digits, `.`, `_`, `-`. */
  id: string;
  /**
   * Base URL of the OpenAI-compatible API, including its version path
   * (`https://api.together.xyz/v1`). An http(s) URL without credentials:
   * anything else is an `invalid_input` error at creation.
   */
  baseURL: string;
  /** API key, sent as `Authorization: Bearer …`. Optional for servers without authentication. */
  apiKey?: string;
  /** Environment variable to read the key from when `apiKey` is not given. */
  apiKeyEnvironmentVariable?: string;
  /** Fail at creation when no key is found (default: true when `apiKeyEnvironmentVariable` is set). */
  requireApiKey?: boolean;
  /** Extra headers sent with every request; credentials in them (`Authorization`, `x-api-key`, `api-key`) are registered for redaction. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (tests, proxies, custom agents). Defaults to the global one. */
  fetch?: typeof globalThis.fetch;
  /** Which models this provider serves; omitted: every chat model. */
  supports?: (capability: Capability, model: string) => ModelSupport;
  /** Other routing prefixes for this provider. */
  aliases?: readonly string[];
  /** `max_tokens` (default) or `max_completion_tokens` (OpenAI's current name, required by o-series). */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** How the server takes `options.reasoning` (default `reasoning_effort`). */
  reasoningRequest?: OpenAIReasoningRequestStyle;
  /** Ask for a usage chunk at the end of streams (`stream_options.include_usage`, default true). */
  includeUsage?: boolean;
  /** Last change to every request body (presets add their own fields here). */
  transformRequestBody?: (
    body: Record<string, unknown>,
    options: ChatOptions,
  ) => Record<string, unknown>;
  /** Appended to connection errors, e.g. how to start the server. */
  networkErrorHint?: string;
}

/** The plugin {@link createOpenAICompatible} returns: chat and chatStream are always there. */
export interface OpenAICompatibleProvider extends ProviderPlugin {
  readonly baseURL: string;
  chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse>;
  chatStream(messages: readonly Message[], options: ChatOptions): AsyncIterable<ChatEvent>;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

function hasHeader(headers: Record<string, string> | undefined, name: string): boolean {
  return headers !== undefined && Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function configurationError(message: string, provider: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message, provider });
}

/**
 * Create a chat provider plugin for an OpenAI-compatible server.
 *
 * @example
 * ```ts
 * const together = createOpenAICompatible({
 *   id: "together",
 *   baseURL: "https://api.together.xyz/v1",
 *   apiKeyEnvironmentVariable: "TOGETHER_API_KEY",
 * });
 * const gateway = await Ratatoskr.builder().use(together).build();
 * await gateway.chat([Message.user("Hi")], { model: "together:meta-llama/Llama-3.3-70B-Instruct-Turbo" });
 * ```
 * @see https://platform.openai.com/docs/api-reference/chat
 */
export function createOpenAICompatible(
  settings: OpenAICompatibleSettings,
): OpenAICompatibleProvider {
  const provider = settings.id;
  if (typeof provider !== "string" || !ID_PATTERN.test(provider)) {
    throw configurationError(
      `OpenAI-compatible provider id must match ${ID_PATTERN} (e.g. "together"), got ${JSON.stringify(provider)}`,
      String(provider),
    );
  }
  const baseURL = validateBaseURL(settings.baseURL, { setting: "baseURL", provider });
  registerHeaderSecrets(settings.headers);
  let apiKey: string | undefined;
  if (settings.apiKeyEnvironmentVariable !== undefined) {
    apiKey = loadApiKey({
      apiKey: settings.apiKey,
      environmentVariable: settings.apiKeyEnvironmentVariable,
      provider,
      required: settings.requireApiKey ?? true,
    });
  } else if (settings.apiKey !== undefined && settings.apiKey !== "") {
    apiKey = settings.apiKey;
    registerSecret(apiKey);
  } else if (settings.requireApiKey) {
    throw new RatatoskrError({
      code: "authentication",
      message: `No API key for ${provider}: pass apiKey`,
      provider,
    });
  }

  // Explicit nulls keep the SDK from reading OPENAI_* variables meant for
  // api.openai.com and sending them to another server.
  const client = new OpenAI({
    apiKey: apiKey ?? "no-key",
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL,
    maxRetries: 0,
    logLevel: "off",
    defaultHeaders: {
      // No key: send no bearer token, unless the caller set its own Authorization header.
      ...(apiKey === undefined && !hasHeader(settings.headers, "authorization")
        ? { Authorization: null }
        : {}),
      ...settings.headers,
    },
    // The SDK reads a failed response's body whole: hand it a bounded prefix instead.
    fetch: boundErrorBodies(settings.fetch),
  });

  const style: OpenAIChatRequestStyle = {
    provider,
    maxTokensField: settings.maxTokensField ?? "max_tokens",
    reasoning: settings.reasoningRequest ?? "reasoning_effort",
    includeUsage: settings.includeUsage ?? true,
  };
  const transform = settings.transformRequestBody;

  function contextOf(options: ChatOptions | undefined): OpenAIErrorContext {
    const context: OpenAIErrorContext = { provider, baseURL };
    if (typeof options?.model === "string") context.model = options.model;
    if (options?.signal !== undefined) context.signal = options.signal;
    if (settings.networkErrorHint !== undefined)
      context.networkErrorHint = settings.networkErrorHint;
    return context;
  }

  function prepare(messages: readonly Message[], options: ChatOptions, stream: boolean) {
    assertModel(options?.model);
    assertMessages(messages);
    if (options.signal?.aborted) throw abortedError(options.signal);
    const body = buildOpenAIChatRequestBody(messages, options, style, stream);
    const requestOptions: { signal?: AbortSignal; timeout?: number } = {};
    if (options.signal !== undefined) requestOptions.signal = options.signal;
    if (options.timeout !== undefined) requestOptions.timeout = options.timeout;
    return { body: transform === undefined ? body : transform(body, options), requestOptions };
  }

  async function chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse> {
    try {
      const { body, requestOptions } = prepare(messages, options, false);
      const completion = await client.chat.completions.create(
        body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
        requestOptions,
      );
      return mapOpenAIChatResponse(
        completion as unknown as OpenAIWireCompletion,
        contextOf(options),
      );
    } catch (error) {
      throw mapOpenAIError(error, contextOf(options));
    }
  }

  async function* chatStream(
    messages: readonly Message[],
    options: ChatOptions,
  ): AsyncGenerator<ChatEvent> {
    const mapper = new OpenAIChatStreamMapper(provider);
    const signal = options?.signal;
    try {
      const { body, requestOptions } = prepare(messages, options, true);
      // `post` rather than `chat.completions.create`: the same request, retries
      // and SSE parsing, without the SDK's per-chunk normalising copy (~10 %
      // of stream time); the mapper reads wire chunks as they are.
      const stream = await client.post<AsyncIterable<OpenAIWireChunk>>("/chat/completions", {
        body,
        stream: true,
        ...requestOptions,
      });
      for await (const chunk of stream) {
        const events = mapper.push(chunk);
        for (let position = 0; position < events.length; position++) yield events[position]!;
      }
      // The SDK ends its loop silently when the signal aborts mid-stream.
      if (signal?.aborted) throw abortedError(signal, mapper.partial());
      const closing = mapper.finish();
      for (let position = 0; position < closing.length; position++) yield closing[position]!;
    } catch (error) {
      throw withPartial(mapOpenAIError(error, contextOf(options)), mapper.partial(), signal);
    }
  }

  const plugin: OpenAICompatibleProvider = {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    id: provider,
    capabilities: ["chat"],
    toolUse: true,
    baseURL,
    chat,
    chatStream,
  };
  if (settings.aliases !== undefined) Object.assign(plugin, { aliases: [...settings.aliases] });
  if (settings.supports !== undefined) Object.assign(plugin, { supports: settings.supports });
  return plugin;
}
