/**
 * Ollama's model names: `[host[:port]/][namespace/]model[:tag]`
 * (`llama3.2`, `qwen3:8b`, `jmorgan/my-model:latest`,
 * `hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M`). Ollama serves any
 * name of this form that it has pulled, so the provider accepts every one of
 * them and declines only what is no Ollama name at all; which names it is
 * the natural home for is said by the descriptor's routing hints.
 *
 * @see https://docs.ollama.com/api/pull
 */

const PART = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}";
const HOST = `${PART}(?::\\d{1,5})?`;
const PREFIX = `(?:(?:${HOST}\\/)?${PART}\\/)?`;

/** Any Ollama model name, tagged or not. */
export const OLLAMA_MODEL_NAME_PATTERN = new RegExp(`^${PREFIX}${PART}(?::${PART})?$`);

/** An Ollama model name with an explicit `:tag` (`qwen3:8b`, `hf.co/org/repo:Q4_K_M`). */
export const OLLAMA_TAGGED_MODEL_PATTERN = new RegExp(`^${PREFIX}${PART}:${PART}$`);

/** Embedding model families in Ollama's library (without a namespace), routed here for embeddings. */
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

/** {@link OLLAMA_EMBEDDING_MODELS}, tagged or not (`nomic-embed-text`, `bge-m3:567m`). */
export const OLLAMA_EMBEDDING_MODEL_PATTERN = new RegExp(
  `^(?:${OLLAMA_EMBEDDING_MODELS.map((name) => name.replaceAll(".", "\\.")).join("|")})(?::${PART})?$`,
);

/** Whether `model` is an Ollama model name (see {@link OLLAMA_MODEL_NAME_PATTERN}). */
export function isOllamaModelName(model: string): boolean {
  return OLLAMA_MODEL_NAME_PATTERN.test(model);
}
