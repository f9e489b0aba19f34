/**
 * `createOpenAICompatible`: a chat provider (provider specification v1) for
 * any server that speaks the OpenAI Chat Completions wire (Together, Groq,
 * vLLM, llama.cpp, LM Studio, DeepSeek, …), on the official `openai` SDK
 * with its retries off (retries, deadlines and fallbacks live in the
 * gateway, which hands each call one `signal`). The SDK is imported on the
 * first request.
 */
import {
  abortedError,
  type Capability,
  type ChatModelV1,
  type ChatRequestV1,
  type ChatResultV1,
  type ChatStreamPartV1,
  type ModelCatalogV1,
  type ModelSupportV1,
  type ProviderV1,
  RatatoskrError,
  registerSecret,
  type WarningV1,
  withPartial,
} from "@ratatoskr/core";
import {
  boundErrorBodies,
  inspectingFetch,
  inspectorFetchOptions,
  loadApiKey,
  registerHeaderSecrets,
  SseDecoder,
  validateBaseURL,
} from "@ratatoskr/provider-utils";
import type OpenAI from "openai";
import { CallSignalLink, linkCallSignals } from "./call-signal-link.ts";
import { mapOpenAIChatResponse, type OpenAIWireCompletion } from "./map-openai-chat-response.ts";
import {
  mapOpenAIError,
  mapOpenAIStreamError,
  type OpenAIErrorContext,
} from "./map-openai-error.ts";
import {
  buildOpenAIChatRequest,
  type OpenAIChatRequestStyle,
  type OpenAIPromptCaching,
  type OpenAIReasoningRequestStyle,
} from "./openai-chat-request.ts";
import { OpenAIChatStreamMapper, type OpenAIWireChunk } from "./openai-chat-stream-mapper.ts";
import { createOpenAIModelCatalog } from "./openai-model-catalog.ts";
import { loadOpenAISdk } from "./openai-sdk.ts";

/** Settings of {@link createOpenAICompatible}. */
export interface OpenAICompatibleSettings {
  /** Provider id, routing prefix and `providerOptions` key (`together` → `together:meta-llama/…`). Lowercase letters, digits, `.`, `_`, `-`. */
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
  supports?: (capability: Capability, model: string) => ModelSupportV1;
  /** Other routing prefixes for this provider. */
  aliases?: readonly string[];
  /** `max_tokens` (default) or `max_completion_tokens` (OpenAI's current name, required by o-series). */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** How the server takes `settings.reasoning` (default `reasoning_effort`). */
  reasoningRequest?: OpenAIReasoningRequestStyle;
  /** Ask for a usage chunk at the end of streams (`stream_options.include_usage`, default true). */
  includeUsage?: boolean;
  /**
   * Send `topK` as `top_k` (vLLM, llama.cpp, Together and OpenRouter take it).
   * Default false: the OpenAI wire has no `top_k` and strict servers reject
   * unknown fields, so `topK` comes back as an `unsupported_setting` warning.
   */
  sendTopK?: boolean;
  /**
   * `automatic` when the server caches prompt prefixes by itself, so
   * `cachePrompt` is honoured as is; default `unsupported` (`cachePrompt` is
   * an `unsupported_setting` warning).
   */
  promptCaching?: OpenAIPromptCaching;
  /**
   * The provider options (`providerOptions[id]`) this server knows; any other
   * key is an `unknown_provider_option` warning and is not sent. Omitted:
   * every key is a body field sent as given, merged over the fields mapped
   * from the standard settings (a plain object field by field).
   */
  knownProviderOptions?: readonly string[];
  /**
   * Last change to every request body (presets map their own settings here).
   * Must be pure — `warningsFor()` runs it without sending — and report what
   * it cannot honour through `warn`.
   */
  transformRequestBody?: (
    body: Record<string, unknown>,
    request: ChatRequestV1,
    warn: (warning: WarningV1) => void,
  ) => Record<string, unknown>;
  /** Appended to connection errors, e.g. how to start the server. */
  networkErrorHint?: string;
}

/** The chat model of an OpenAI-compatible provider: all three methods are there. */
export interface OpenAICompatibleChatModel extends ChatModelV1 {
  complete(request: ChatRequestV1): Promise<ChatResultV1>;
  stream(request: ChatRequestV1): AsyncIterable<ChatStreamPartV1>;
  warningsFor(request: ChatRequestV1): readonly WarningV1[];
}

/** The provider {@link createOpenAICompatible} returns: chat, and the server's model list. */
export interface OpenAICompatibleProvider extends ProviderV1 {
  /** The server's base URL, as checked. */
  readonly baseURL: string;
  readonly chat: OpenAICompatibleChatModel;
  /** `GET {baseURL}/models`, capabilities guessed from the ids (see `guessOpenAIModelCapabilities`). */
  readonly models: ModelCatalogV1;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

function hasHeader(headers: Record<string, string> | undefined, name: string): boolean {
  return headers !== undefined && Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function configurationError(message: string, provider: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message, provider });
}

/** The key to send, if any: `apiKey`, else the environment variable; registered for redaction. */
function resolveApiKey(settings: OpenAICompatibleSettings, provider: string): string | undefined {
  if (settings.apiKeyEnvironmentVariable !== undefined) {
    return loadApiKey({
      apiKey: settings.apiKey,
      environmentVariable: settings.apiKeyEnvironmentVariable,
      provider,
      required: settings.requireApiKey ?? true,
    });
  }
  if (settings.apiKey !== undefined && settings.apiKey !== "") {
    registerSecret(settings.apiKey);
    return settings.apiKey;
  }
  if (settings.requireApiKey) {
    throw new RatatoskrError({
      code: "authentication",
      message: `No API key for ${provider}: pass apiKey`,
      provider,
    });
  }
  return undefined;
}

/**
 * The per-request options of the SDK: the call's signal, through `link`
 * (not the SDK's `signal` option; see call-signal-link.ts), the call's
 * inspector when it has one (for the client's `inspectingFetch`), and headers.
 */
function requestOptionsOf(
  request: ChatRequestV1,
  link: CallSignalLink,
): { fetchOptions: SdkFetchOptions; headers?: Record<string, string> } {
  // The link (and an inspector) travel under symbol keys, which the SDK's type does not describe.
  const fetchOptions = (
    request.inspect === undefined
      ? link.fetchOptions
      : { ...link.fetchOptions, ...inspectorFetchOptions(request.inspect) }
  ) as SdkFetchOptions;
  return request.headers === undefined
    ? { fetchOptions }
    : { fetchOptions, headers: { ...request.headers } };
}

/**
 * One SSE event of a chat completion stream as a wire chunk. An `error`
 * event fails the stream (what the `openai` SDK does with it); data that is
 * not a JSON object is a `stream` error that quotes none of it.
 */
function parseWireChunk(
  name: string | undefined,
  data: string,
  provider: string,
  model: string,
): OpenAIWireChunk {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    parsed = undefined;
  }
  if (name === "error") {
    const payload = parsed as { error?: unknown } | undefined;
    throw mapOpenAIStreamError(payload?.error ?? payload ?? data, { provider, model });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new RatatoskrError({
      code: "stream",
      message: `${provider} sent a malformed stream event: its data is not a JSON object (${data.length} characters)`,
      provider,
      model,
    });
  }
  return parsed as OpenAIWireChunk;
}

/**
 * A stream request answered with a body that held no event at all: named
 * by its content type when that is not `text/event-stream` (a server that
 * ignored `stream: true`, an HTML error page behind a 200).
 */
function notAnEventStream(response: Response, provider: string, model: string): RatatoskrError {
  const type = response.headers.get("content-type") ?? "";
  const isEventStream = type.toLowerCase().startsWith("text/event-stream");
  return new RatatoskrError({
    code: "stream",
    message: isEventStream
      ? `${provider} ended the stream before any event`
      : `${provider} answered the stream request with ${type === "" ? "no content type" : JSON.stringify(type.slice(0, 100))}, not an event stream`,
    provider,
    model,
  });
}

/** The SDK's per-request `fetchOptions`. */
type SdkFetchOptions = NonNullable<
  NonNullable<Parameters<OpenAI["chat"]["completions"]["create"]>[1]>["fetchOptions"]
>;

/**
 * Create a chat provider for an OpenAI-compatible server.
 *
 * @example
 * ```ts
 * const together = createOpenAICompatible({
 *   id: "together",
 *   baseURL: "https://api.together.xyz/v1",
 *   apiKeyEnvironmentVariable: "TOGETHER_API_KEY",
 *   sendTopK: true,
 * });
 * const gateway = await Ratatoskr.builder().use(together).build();
 * await gateway.chat([Message.user("Hi")], {
 *   model: "together:meta-llama/Llama-3.3-70B-Instruct-Turbo",
 *   providerOptions: { together: { repetition_penalty: 1.1 } }, // body fields, sent as given
 * });
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
  const apiKey = resolveApiKey(settings, provider);

  // Explicit nulls keep the SDK from reading OPENAI_* variables meant for
  // api.openai.com and sending them to another server.
  const clientOptions: ConstructorParameters<typeof OpenAI>[0] = {
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
    // The SDK reads a failed response's body whole: hand it a bounded prefix
    // instead. Each request goes out with its call's signal linked in.
    // Inside the link: an inspector sees the request as sent and the (bounded) body the SDK reads.
    fetch: linkCallSignals(inspectingFetch(boundErrorBodies(settings.fetch)), provider),
  };
  let client: OpenAI | undefined;
  /** The client, created with the SDK on the first request. */
  async function createClient(): Promise<OpenAI> {
    const { OpenAI: Client } = await loadOpenAISdk();
    client ??= new Client(clientOptions);
    return client;
  }

  const style: OpenAIChatRequestStyle = {
    provider,
    maxTokensField: settings.maxTokensField ?? "max_tokens",
    reasoning: settings.reasoningRequest ?? "reasoning_effort",
    includeUsage: settings.includeUsage ?? true,
    sendTopK: settings.sendTopK ?? false,
    promptCaching: settings.promptCaching ?? "unsupported",
    knownProviderOptions:
      settings.knownProviderOptions === undefined
        ? undefined
        : new Set(settings.knownProviderOptions),
    transformRequestBody: settings.transformRequestBody,
  };

  function contextOf(request: ChatRequestV1): OpenAIErrorContext {
    const context: OpenAIErrorContext = {
      provider,
      baseURL,
      model: request.model,
      signal: request.signal,
    };
    if (settings.networkErrorHint !== undefined)
      context.networkErrorHint = settings.networkErrorHint;
    return context;
  }

  async function complete(request: ChatRequestV1): Promise<ChatResultV1> {
    const link = new CallSignalLink(request.signal);
    try {
      if (request.signal.aborted) throw abortedError(request.signal);
      const { body, warnings } = buildOpenAIChatRequest(request, style, false);
      const sdkClient = client ?? (await createClient());
      // `post` rather than `chat.completions.create`: the same request, without
      // the resource method's extra promise layers; the mapping reads the wire JSON.
      const completion = await sdkClient.post<
        OpenAIWireCompletion & { _request_id?: string | null }
      >("/chat/completions", { body, ...requestOptionsOf(request, link) });
      const result = mapOpenAIChatResponse(completion, contextOf(request), completion._request_id);
      return warnings.length === 0 ? result : { ...result, warnings };
    } catch (error) {
      throw mapOpenAIError(error, contextOf(request));
    } finally {
      link.release();
    }
  }

  /**
   * The request goes through the SDK (URL, headers, auth, HTTP errors); the
   * SSE body is read here with the shared {@link SseDecoder}, one event at a
   * time: no async layer sits between the socket and the caller, and nothing
   * is decoded or mapped ahead of what the caller has consumed.
   * Events after `[DONE]` are ignored, as the SDK does; an `error` event or
   * a chunk holding an `error` object fails the stream with what came before
   * it kept as the partial answer.
   */
  async function* stream(request: ChatRequestV1): AsyncGenerator<ChatStreamPartV1> {
    const signal = request.signal;
    const link = new CallSignalLink(signal);
    let mapper: OpenAIChatStreamMapper | undefined;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let drained = false;
    try {
      if (signal.aborted) throw abortedError(signal);
      const { body, warnings } = buildOpenAIChatRequest(request, style, true);
      const sdkClient = client ?? (await createClient());
      const response = await sdkClient
        .post("/chat/completions", { body, stream: true, ...requestOptionsOf(request, link) })
        .asResponse();
      mapper = new OpenAIChatStreamMapper(provider, response.headers.get("x-request-id"));
      for (const warning of warnings) yield { type: "warning", warning };
      if (response.body === null) {
        throw new RatatoskrError({
          code: "empty_response",
          message: `${provider} sent no stream body`,
          provider,
          model: request.model,
        });
      }
      reader = response.body.getReader();
      const text = new TextDecoder();
      const sse = new SseDecoder({ provider });
      let events = 0;
      for (;;) {
        const event = sse.next();
        if (event === undefined) {
          if (drained) break;
          const read = await reader.read();
          if (read.done) {
            drained = true;
            sse.push(text.decode());
            sse.end();
          } else {
            sse.push(text.decode(read.value, { stream: true }));
          }
          continue;
        }
        events++;
        if (event.data === "[DONE]") break;
        // Events already received when the signal fired are not delivered.
        if (signal.aborted) throw abortedError(signal, mapper.partial());
        const parts = mapper.push(parseWireChunk(event.event, event.data, provider, request.model));
        for (let position = 0; position < parts.length; position++) yield parts[position]!;
      }
      if (signal.aborted) throw abortedError(signal, mapper.partial());
      if (events === 0) throw notAnEventStream(response, provider, request.model);
      const closing = mapper.finish();
      for (let position = 0; position < closing.length; position++) yield closing[position]!;
    } catch (error) {
      const mapped = mapOpenAIError(error, contextOf(request));
      throw mapper === undefined ? mapped : withPartial(mapped, mapper.partial(), signal);
    } finally {
      // Stopped before the body's end (`[DONE]`, break, abort, error): close the upstream request.
      if (reader !== undefined && !drained) reader.cancel().catch(() => {});
      link.release();
    }
  }

  const chat: OpenAICompatibleChatModel = {
    toolUse: true,
    complete,
    stream,
    warningsFor: (request) => buildOpenAIChatRequest(request, style, false).warnings,
  };
  const models = createOpenAIModelCatalog({
    provider,
    client: () => client ?? createClient(),
    errorContext: (signal) => {
      const context: OpenAIErrorContext = { provider, baseURL, signal };
      if (settings.networkErrorHint !== undefined)
        context.networkErrorHint = settings.networkErrorHint;
      return context;
    },
  });
  const created: OpenAICompatibleProvider = {
    specificationVersion: "v1",
    id: provider,
    baseURL,
    chat,
    models,
    ...(settings.aliases === undefined ? {} : { aliases: [...settings.aliases] }),
    ...(settings.supports === undefined ? {} : { supports: settings.supports }),
  };
  return created;
}
