/**
 * `createOllama`: chat and embeddings against an Ollama server (provider
 * specification v1), through the official `ollama` client on Ollama's
 * native API (`/api/chat` NDJSON streaming with tools and thinking,
 * `/api/embed`). Chat can go through the OpenAI-compatible `/v1` endpoint
 * instead (`transport: "openai"`). No key needed.
 *
 * @see https://docs.ollama.com/api/chat
 * @see https://docs.ollama.com/api/openai-compatibility
 */
import {
  type Capability,
  type ChatModelV1,
  type ChatRequestV1,
  type EmbeddingModelV1,
  type ModelCatalogV1,
  type ModelSupportV1,
  type ProviderV1,
  RatatoskrError,
  registerSecret,
} from "@ratatoskr/core";
import {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
} from "@ratatoskr/provider-openai-compat";
import { validateBaseURL } from "@ratatoskr/provider-utils";
import { resolveOllamaBaseURL } from "./ollama-base-url.ts";
import {
  buildOllamaChatRequest,
  mapOllamaTool,
  type OllamaChatDefaults,
  planOllamaTools,
} from "./ollama-chat-request.ts";
import type { OllamaClientContext } from "./ollama-client.ts";
import {
  buildOllamaEmbedRequest,
  embedWithOllama,
  type OllamaEmbeddingContext,
} from "./ollama-embeddings.ts";
import { createOllamaModelCatalog } from "./ollama-model-catalog.ts";
import { isOllamaModelName } from "./ollama-model-name.ts";
import {
  chatWithOllama,
  type OllamaNativeChatContext,
  streamOllamaChat,
} from "./ollama-native-chat.ts";

/**
 * How chat reaches Ollama: `native` (`/api/chat` through the `ollama`
 * client; the default: it carries thinking, `keep_alive`, `num_ctx` and
 * exact token counts) or `openai` (the OpenAI-compatible `/v1` endpoint on
 * the shared OpenAI-wire mapping).
 */
export type OllamaTransport = "native" | "openai";

/** Settings of {@link createOllama}. */
export interface OllamaSettings {
  /**
   * Server URL; default `OLLAMA_HOST`, else `http://localhost:11434`. Read as
   * Ollama reads `OLLAMA_HOST` (`host:port` works), then checked: credentials
   * (`user:password@`), an unparsable URL or a scheme other than http(s) is an
   * `invalid_input` error at creation.
   */
  baseURL?: string;
  /** For an Ollama behind an authenticating proxy: sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** How chat reaches Ollama (default `"native"`); embeddings always use `/api/embed`. */
  transport?: OllamaTransport;
  /** How long Ollama keeps a model loaded after a call (`"10m"`, seconds, `-1` for ever): `keep_alive`. */
  keepAlive?: string | number;
  /** Context window (tokens) to load chat models with: `options.num_ctx` (native transport). */
  numCtx?: number;
  /** Further model options for chat (`top_k`, `num_gpu`, `repeat_penalty`, …), sent in `options` (native transport). */
  modelOptions?: Record<string, unknown>;
  /** Whether Ollama truncates embedding inputs longer than the model's context (Ollama's default: true). */
  truncate?: boolean;
  /** Shorten embeddings to this many dimensions (`dimensions`, for models that support it). */
  embeddingDimensions?: number;
}

/** The chat model of the Ollama provider: all three methods are there. */
export interface OllamaChatModel extends ChatModelV1 {
  complete: NonNullable<ChatModelV1["complete"]>;
  stream: NonNullable<ChatModelV1["stream"]>;
  warningsFor: NonNullable<ChatModelV1["warningsFor"]>;
}

/** The Ollama provider: chat and embeddings. */
export interface OllamaProvider extends ProviderV1 {
  /** The server URL in use. */
  readonly baseURL: string;
  /** How chat reaches the server. */
  readonly transport: OllamaTransport;
  readonly chat: OllamaChatModel;
  readonly embedding: EmbeddingModelV1;
  /** The pulled models (`/api/tags`), their metadata (`/api/show`) and status (`/api/ps`). */
  readonly models: ModelCatalogV1;
}

function configurationError(message: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message, provider: "ollama" });
}

/** Check the settings that are easy to get wrong, before any request. */
function checkSettings(settings: OllamaSettings): OllamaTransport {
  const transport = settings.transport ?? "native";
  if (transport !== "native" && transport !== "openai") {
    throw configurationError(
      `ollama: transport must be "native" or "openai", got ${JSON.stringify(transport)}`,
    );
  }
  const { numCtx, embeddingDimensions, keepAlive } = settings;
  if (numCtx !== undefined && !(Number.isInteger(numCtx) && numCtx > 0)) {
    throw configurationError(`ollama: numCtx must be a positive integer, got ${String(numCtx)}`);
  }
  if (
    embeddingDimensions !== undefined &&
    !(Number.isInteger(embeddingDimensions) && embeddingDimensions > 0)
  ) {
    throw configurationError(
      `ollama: embeddingDimensions must be a positive integer, got ${String(embeddingDimensions)}`,
    );
  }
  if (
    keepAlive !== undefined &&
    typeof keepAlive !== "string" &&
    !(typeof keepAlive === "number" && Number.isFinite(keepAlive))
  ) {
    throw configurationError(
      `ollama: keepAlive must be a duration string ("10m") or a number of seconds, got ${String(keepAlive)}`,
    );
  }
  const modelOptions = settings.modelOptions;
  if (
    modelOptions !== undefined &&
    (typeof modelOptions !== "object" || modelOptions === null || Array.isArray(modelOptions))
  ) {
    throw configurationError("ollama: modelOptions must be an object of Ollama model options");
  }
  return transport;
}

/** Whether Ollama serves `model`: any Ollama model name, for chat and embeddings. */
function supportsOllama(capability: Capability, model: string): ModelSupportV1 {
  if (capability !== "chat" && capability !== "embed") {
    return { supported: false, reason: `ollama serves chat and embed, not ${capability}` };
  }
  return isOllamaModelName(model)
    ? true
    : {
        supported: false,
        reason: `"${model}" is not an Ollama model name ([host/][namespace/]model[:tag])`,
      };
}

/**
 * Chat through `/v1` on the shared OpenAI-wire mapping. Ollama's `/v1` has
 * no tool choice, no parallel-calls switch and no `top_k`; the tool settings
 * are planned as on the native transport (the same warnings), and the
 * provider options (native-only) are warnings.
 */
function openAITransport(
  settings: OllamaSettings,
  baseURL: string,
  networkErrorHint: string,
): OpenAICompatibleProvider {
  return createOpenAICompatible({
    id: "ollama",
    baseURL: `${baseURL}/v1`,
    ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
    ...(settings.headers === undefined ? {} : { headers: settings.headers }),
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    reasoningRequest: "reasoning_effort",
    promptCaching: "automatic",
    knownProviderOptions: [],
    networkErrorHint,
    supports: supportsOllama,
    transformRequestBody: (body, request: ChatRequestV1, warn) => {
      const warnings: Parameters<typeof warn>[0][] = [];
      const tools = planOllamaTools(request.settings, warnings);
      for (const warning of warnings) warn(warning);
      delete body.tool_choice;
      delete body.parallel_tool_calls;
      if (tools === undefined) delete body.tools;
      else body.tools = tools.map(mapOllamaTool);
      return body;
    },
  });
}

/**
 * Create the Ollama provider (id `ollama`): chat and embeddings. It
 * accepts every Ollama model name; the descriptor's routing hints say which
 * ids it is preferred for (`name:tag`, the library's embedding models).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(ollamaDescriptor).build(); // OLLAMA_HOST or localhost:11434
 * await gateway.chat([Message.user("Hi")], {
 *   model: "ollama:llama3.2",
 *   providerOptions: { ollama: { options: { num_ctx: 16384 }, keep_alive: "1h" } },
 * });
 * await gateway.embed("hello", "nomic-embed-text");
 * // keep the model loaded for an hour, with an 8k context:
 * createOllama({ keepAlive: "1h", numCtx: 8192 });
 * ```
 */
export function createOllama(settings: OllamaSettings = {}): OllamaProvider {
  const transport = checkSettings(settings);
  const configured: unknown = settings.baseURL;
  const baseURL = validateBaseURL(
    configured === undefined || typeof configured === "string"
      ? resolveOllamaBaseURL(configured)
      : configured,
    { setting: configured === undefined ? "OLLAMA_HOST" : "baseURL", provider: "ollama" },
  );
  const networkErrorHint = `Is Ollama running at ${baseURL}? Start it with \`ollama serve\`, or set OLLAMA_HOST / baseURL.`;
  const headers: Record<string, string> = { ...settings.headers };
  if (settings.apiKey !== undefined && settings.apiKey !== "") {
    registerSecret(settings.apiKey);
    headers.Authorization = `Bearer ${settings.apiKey}`;
  }
  // The client adds OLLAMA_API_KEY itself for https://ollama.com: keep it out of errors too.
  if (new URL(baseURL).hostname === "ollama.com") registerSecret(process.env.OLLAMA_API_KEY);
  for (const [name, value] of Object.entries(headers)) {
    if (/^(?:proxy-)?authorization$|api[-_]?key/i.test(name)) registerSecret(value);
  }
  const client: OllamaClientContext = {
    provider: "ollama",
    baseURL,
    headers,
    fetch: settings.fetch ?? globalThis.fetch,
    networkErrorHint,
  };
  const defaults: OllamaChatDefaults = {
    ...(settings.keepAlive === undefined ? {} : { keepAlive: settings.keepAlive }),
    ...(settings.numCtx === undefined ? {} : { numCtx: settings.numCtx }),
    ...(settings.modelOptions === undefined ? {} : { modelOptions: settings.modelOptions }),
  };
  const native: OllamaNativeChatContext = { ...client, defaults };
  const embedding: OllamaEmbeddingContext = {
    ...client,
    ...(settings.keepAlive === undefined ? {} : { keepAlive: settings.keepAlive }),
    ...(settings.truncate === undefined ? {} : { truncate: settings.truncate }),
    ...(settings.embeddingDimensions === undefined
      ? {}
      : { dimensions: settings.embeddingDimensions }),
  };
  const chat: OllamaChatModel =
    transport === "openai"
      ? openAITransport(settings, baseURL, networkErrorHint).chat
      : {
          toolUse: true,
          complete: (request) => chatWithOllama(native, request),
          stream: (request) => streamOllamaChat(native, request),
          warningsFor: (request) => buildOllamaChatRequest(request, defaults, true).warnings,
        };
  return {
    specificationVersion: "v1",
    id: "ollama",
    baseURL,
    transport,
    supports: supportsOllama,
    chat,
    embedding: {
      embed: (request) => embedWithOllama(embedding, request),
      warningsFor: (request) => buildOllamaEmbedRequest(embedding, request).warnings,
    },
    models: createOllamaModelCatalog(client),
  };
}
