/**
 * `createOllama`: chat (through Ollama's OpenAI-compatible `/v1` endpoint,
 * with the shared OpenAI-wire mapping) and embeddings (through the native
 * `/api/embed`) against an Ollama server. No key needed.
 *
 * @see https://docs.ollama.com/api/openai-compatibility
 */
import type { CallOptions, Capability, Embedding, ModelSupport } from "@ratatoskr/core";
import {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
} from "@ratatoskr/provider-openai-compat";
import { validateBaseURL } from "@ratatoskr/provider-utils";
import { resolveOllamaBaseURL } from "./ollama-base-url.ts";
import { embedWithOllama, type OllamaEmbeddingContext } from "./ollama-embeddings.ts";

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
  /** How long Ollama keeps an embedding model loaded after a call (`"5m"`, seconds, `-1` for ever). */
  keepAlive?: string | number;
  /** Whether Ollama truncates embedding inputs longer than the model's context (Ollama's default: true). */
  truncate?: boolean;
  /** Extra embedding model names (without tag) to route here besides the well-known ones. */
  embeddingModels?: string[];
}

/** The Ollama plugin: chat plus `embed` / `embedBatch`. */
export interface OllamaProvider extends OpenAICompatibleProvider {
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

/**
 * Create the Ollama provider (plugin id `ollama`).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(createOllama()).build(); // OLLAMA_HOST or localhost:11434
 * await gateway.chat([Message.user("Hi")], { model: "ollama:llama3.2" });
 * await gateway.embed("hello", "nomic-embed-text");
 * ```
 */
export function createOllama(settings: OllamaSettings = {}): OllamaProvider {
  const configured: unknown = settings.baseURL;
  const baseURL = validateBaseURL(
    configured === undefined || typeof configured === "string"
      ? resolveOllamaBaseURL(configured)
      : configured,
    { setting: configured === undefined ? "OLLAMA_HOST" : "baseURL", provider: "ollama" },
  );
  const hint = `Is Ollama running at ${baseURL}? Start it with \`ollama serve\`, or set OLLAMA_HOST / baseURL.`;
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
  const chat = createOpenAICompatible({
    id: "ollama",
    baseURL: `${baseURL}/v1`,
    ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
    ...(settings.headers === undefined ? {} : { headers: settings.headers }),
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    reasoningRequest: "reasoning_effort",
    networkErrorHint: hint,
    supports,
  });
  const headers: Record<string, string> = { ...settings.headers };
  if (settings.apiKey !== undefined) headers.Authorization = `Bearer ${settings.apiKey}`;
  const embedding: OllamaEmbeddingContext = {
    baseURL,
    headers,
    fetch: settings.fetch ?? globalThis.fetch,
    networkErrorHint: hint,
    ...(settings.keepAlive === undefined ? {} : { keepAlive: settings.keepAlive }),
    ...(settings.truncate === undefined ? {} : { truncate: settings.truncate }),
  };
  return {
    ...chat,
    baseURL,
    capabilities: ["chat", "embed"],
    async embed(text, model, options) {
      const [first] = await embedWithOllama(embedding, [text], model, options);
      return first!;
    },
    embedBatch: (texts, model, options) => embedWithOllama(embedding, texts, model, options),
  };
}
