/**
 * The first-party providers, as data: what the builder's shorthands, the
 * router's "known provider" hints and `loadConfiguredProviders` need to
 * know about a provider before its package is loaded. Everything else —
 * capabilities, routing hints, settings, how to create it — is the
 * provider package's own descriptor, loaded on demand.
 */

/** One first-party provider. */
export interface CatalogEntry {
  /** The provider id (routing prefix, `providerOptions` key). */
  readonly id: string;
  /** Other routing prefixes. */
  readonly aliases: readonly string[];
  /** Human name ("OpenRouter"). */
  readonly displayName: string;
  /** The npm package that implements it. */
  readonly packageName: string;
  /** The package's export holding its `ProviderDescriptorV1`. */
  readonly descriptorExport: string;
  /** The builder method that registers it (`openrouter` for `.openrouter()`). */
  readonly shorthand: string;
  /**
   * Environment variables the provider reads when a setting is omitted, by
   * setting name: the descriptor's `environment` (a test holds them equal).
   */
  readonly environment: Readonly<Record<string, string>>;
}

/** Every first-party provider, in the order `loadConfiguredProviders` registers them. */
export const PROVIDER_CATALOG: readonly CatalogEntry[] = Object.freeze<CatalogEntry[]>([
  {
    id: "openrouter",
    aliases: [],
    displayName: "OpenRouter",
    packageName: "@ratatoskr/provider-openrouter",
    descriptorExport: "openrouterDescriptor",
    shorthand: "openrouter",
    environment: { apiKey: "OPENROUTER_API_KEY" },
  },
  {
    id: "anthropic",
    aliases: [],
    displayName: "Anthropic",
    packageName: "@ratatoskr/provider-anthropic",
    descriptorExport: "anthropicDescriptor",
    shorthand: "anthropic",
    environment: { apiKey: "ANTHROPIC_API_KEY", baseURL: "ANTHROPIC_BASE_URL" },
  },
  {
    id: "openai",
    aliases: [],
    displayName: "OpenAI",
    packageName: "@ratatoskr/provider-openai-compat",
    descriptorExport: "openaiDescriptor",
    shorthand: "openai",
    environment: { apiKey: "OPENAI_API_KEY" },
  },
  {
    id: "huggingface",
    aliases: ["hf"],
    displayName: "Hugging Face Inference",
    packageName: "@ratatoskr/provider-huggingface",
    descriptorExport: "huggingfaceDescriptor",
    shorthand: "huggingface",
    environment: { apiKey: "HF_TOKEN" },
  },
  {
    id: "ollama",
    aliases: [],
    displayName: "Ollama",
    packageName: "@ratatoskr/provider-ollama",
    descriptorExport: "ollamaDescriptor",
    shorthand: "ollama",
    environment: { baseURL: "OLLAMA_HOST" },
  },
  {
    id: "local",
    aliases: ["onnx"],
    displayName: "Local ONNX",
    packageName: "@ratatoskr/provider-local-onnx",
    descriptorExport: "localOnnxDescriptor",
    shorthand: "local",
    environment: { cacheDir: "RATATOSKR_CACHE_DIR", hubToken: "HF_TOKEN" },
  },
  {
    id: "tokenizers",
    aliases: [],
    displayName: "Tokenizers",
    packageName: "@ratatoskr/tokenizers",
    descriptorExport: "tokenizersDescriptor",
    shorthand: "tokenizers",
    environment: { cacheDir: "RATATOSKR_CACHE_DIR", hubURL: "HF_ENDPOINT", hubToken: "HF_TOKEN" },
  },
]);

/** The catalog entry with this id or alias. */
export function findCatalogEntry(name: string): CatalogEntry | undefined {
  return PROVIDER_CATALOG.find((entry) => entry.id === name || entry.aliases.includes(name));
}
