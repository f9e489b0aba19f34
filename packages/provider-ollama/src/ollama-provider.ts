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
import { resolveOllamaBaseURL } from "./ollama-base-url.ts";
import { embedWithOllama, type OllamaEmbeddingContext } from "./ollama-embeddings.ts";

/** Settings of {@link createOllama}. */
export interface OllamaSettings {
  /** Server URL; default `OLLAMA_HOST`, else `http://localhost:11434`. */
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
  const baseURL = resolveOllamaBaseURL(settings.baseURL);
  const hint = `Is Ollama running at ${baseURL}? Start it with \`ollama serve\`, or set OLLAMA_HOST / baseURL.`;
  const embeddingModels = new Set([
    ...OLLAMA_EMBEDDING_MODELS,
    ...(settings.embeddingModels ?? []),
  ]);
  const supports = (capability: Capability, model: string): ModelSupport => {
    if (capability === "chat") {
      return model.includes(":")
        ? true
        : {
            supported: false,
            reason:
              'ollama serves tagged names ("llama3.2:3b"); use the "ollama:" prefix for a bare name',
          };
    }
    if (capability === "embed") {
      return model.includes(":") || embeddingModels.has(model)
        ? true
        : {
            supported: false,
            reason: `ollama serves tagged names or known embedding models (${[...embeddingModels].slice(0, 3).join(", ")}, …)`,
          };
    }
    return { supported: false, reason: `ollama serves chat and embed, not ${capability}` };
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
