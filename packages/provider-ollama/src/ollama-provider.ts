/**
 * `createOllama`: chat and embeddings against an Ollama server, through the
 * official `ollama` client on Ollama's native API (`/api/chat` NDJSON
 * streaming with tools and thinking, `/api/embed`). Chat can go through the
 * OpenAI-compatible `/v1` endpoint instead (`transport: "openai"`). No key
 * needed.
 *
 * @see https://docs.ollama.com/api/chat
 * @see https://docs.ollama.com/api/openai-compatibility
 */
import {
  type CallOptions,
  type Capability,
  type ChatEvent,
  type ChatOptions,
  type ChatResponse,
  type Embedding,
  type Message,
  type ModelSupport,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  RatatoskrError,
  registerSecret,
} from "@ratatoskr/core";
import type { OpenAICompatibleProvider } from "@ratatoskr/provider-openai-compat";
import { validateBaseURL } from "@ratatoskr/provider-utils";
import { resolveOllamaBaseURL } from "./ollama-base-url.ts";
import type { OllamaChatDefaults, OllamaWarning } from "./ollama-chat-request.ts";
import type { OllamaClientContext } from "./ollama-client.ts";
import { embedWithOllama, type OllamaEmbeddingContext } from "./ollama-embeddings.ts";
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
  /** Extra embedding model names (without tag) to route here besides the well-known ones. */
  embeddingModels?: string[];
  /**
   * Called for each chat setting Ollama cannot honour as asked (a forced
   * `toolChoice`, `parallelToolCalls: false`, `reasoning.maxTokens`).
   * Default: one `process.emitWarning` per setting per provider instance.
   */
  onWarning?: (warning: OllamaWarning) => void;
}

/** The Ollama plugin: chat plus `embed` / `embedBatch`. */
export interface OllamaProvider extends ProviderPlugin {
  /** The server URL in use. */
  readonly baseURL: string;
  /** How chat reaches the server. */
  readonly transport: OllamaTransport;
  chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse>;
  chatStream(messages: readonly Message[], options: ChatOptions): AsyncIterable<ChatEvent>;
  embed(text: string, model: string, options?: CallOptions): Promise<Embedding>;
  embedBatch(texts: readonly string[], model: string, options?: CallOptions): Promise<Embedding[]>;
}

/** Embedding model families in Ollama's library, routed here without a tag or prefix. */
export const OLLAMA_EMBEDDING_MODELS: readonly string[] = [
  "nomic-embed-text",
  "mxbai-embed-large",
  "all-minilm",
  "snowflake-arctic-embed",
  "snowflake-arctic-embed2",
  "bge-m3",
  "bge-large",
  "paraphrase-multilingual",
  "granite-embedding",
  "embeddinggemma",
  "qwen3-embedding",
  "nomic-embed-text-v2-moe",
];

const OTHER_CHAT_PROVIDERS = /^(?:claude|chatgpt|gemini|gpt-(?!oss)|o[134](?:$|-))/i;

/**
 * Why a name without a tag is probably another provider's, or undefined when
 * Ollama may serve it. Ollama accepts any name it has pulled (`llama3.2`,
 * `ollama:my-model`), so it declines only names that clearly belong
 * elsewhere: `vendor/model` (OpenRouter, unless tagged like
 * `hf.co/org/repo:Q4_K_M`), OpenAI/Anthropic/Gemini chat names, OpenAI
 * embedding names and CamelCase local-catalog names (`AllMiniLmL6V2`).
 */
function foreignModelReason(capability: Capability, model: string): string | undefined {
  if (model.includes("/"))
    return 'a "vendor/model" name without a tag is not an Ollama model (tag it, e.g. "hf.co/org/repo:Q4_K_M")';
  if (capability === "chat" && OTHER_CHAT_PROVIDERS.test(model))
    return `"${model}" names another provider's model`;
  if (
    capability === "embed" &&
    (/^text-embedding-/.test(model) || /^[A-Z][A-Za-z0-9]*$/.test(model))
  ) {
    return `"${model}" names another provider's embedding model`;
  }
  return undefined;
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

/** Report each warning to `onWarning`, or once per setting as a process warning. */
function warningReporter(
  onWarning: ((warning: OllamaWarning) => void) | undefined,
): (warnings: readonly OllamaWarning[]) => void {
  const warned = new Set<string>();
  return (warnings) => {
    for (const warning of warnings) {
      if (onWarning !== undefined) {
        onWarning(warning);
      } else if (!warned.has(warning.setting)) {
        warned.add(warning.setting);
        process.emitWarning(`ollama: ${warning.setting}: ${warning.details}`, {
          code: "RATATOSKR_UNSUPPORTED_SETTING",
        });
      }
    }
  };
}

/** Chat through `/v1` on the shared OpenAI-wire mapping, loaded on first use. */
function openAITransport(
  settings: OllamaSettings,
  baseURL: string,
  networkErrorHint: string,
  supports: (capability: Capability, model: string) => ModelSupport,
): () => Promise<OpenAICompatibleProvider> {
  let loading: Promise<OpenAICompatibleProvider> | undefined;
  return () => {
    loading ??= import("@ratatoskr/provider-openai-compat").then(
      ({ createOpenAICompatible }) =>
        createOpenAICompatible({
          id: "ollama",
          baseURL: `${baseURL}/v1`,
          ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
          ...(settings.headers === undefined ? {} : { headers: settings.headers }),
          ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
          reasoningRequest: "reasoning_effort",
          networkErrorHint,
          supports,
        }),
      (error: unknown) => {
        loading = undefined;
        throw new RatatoskrError({
          code: "configuration",
          message: `ollama: transport "openai" needs @ratatoskr/provider-openai-compat, which could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
          provider: "ollama",
          cause: error,
        });
      },
    );
    return loading;
  };
}

/**
 * Create the Ollama provider (plugin id `ollama`).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(createOllama()).build(); // OLLAMA_HOST or localhost:11434
 * await gateway.chat([Message.user("Hi")], { model: "ollama:llama3.2" });
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
  const embeddingModels = new Set([
    ...OLLAMA_EMBEDDING_MODELS,
    ...(settings.embeddingModels ?? []),
  ]);
  const supports = (capability: Capability, model: string): ModelSupport => {
    if (capability !== "chat" && capability !== "embed") {
      return { supported: false, reason: `ollama serves chat and embed, not ${capability}` };
    }
    if (model.includes(":") || (capability === "embed" && embeddingModels.has(model))) return true;
    const foreign = foreignModelReason(capability, model);
    return foreign === undefined ? true : { supported: false, reason: foreign };
  };
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
  const native: OllamaNativeChatContext = {
    ...client,
    defaults,
    reportWarnings: warningReporter(settings.onWarning),
  };
  const embedding: OllamaEmbeddingContext = {
    ...client,
    ...(settings.keepAlive === undefined ? {} : { keepAlive: settings.keepAlive }),
    ...(settings.truncate === undefined ? {} : { truncate: settings.truncate }),
    ...(settings.embeddingDimensions === undefined
      ? {}
      : { dimensions: settings.embeddingDimensions }),
  };
  const openai =
    transport === "openai"
      ? openAITransport(settings, baseURL, networkErrorHint, supports)
      : undefined;
  return {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    id: "ollama",
    capabilities: ["chat", "embed"],
    toolUse: true,
    baseURL,
    transport,
    supports,
    chat:
      openai === undefined
        ? (messages, options) => chatWithOllama(native, messages, options)
        : async (messages, options) => (await openai()).chat(messages, options),
    chatStream:
      openai === undefined
        ? (messages, options) => streamOllamaChat(native, messages, options)
        : async function* (messages, options) {
            yield* (await openai()).chatStream(messages, options);
          },
    async embed(text, model, options) {
      const [first] = await embedWithOllama(embedding, [text], model, options);
      return first!;
    },
    embedBatch: (texts, model, options) => embedWithOllama(embedding, texts, model, options),
  };
}
