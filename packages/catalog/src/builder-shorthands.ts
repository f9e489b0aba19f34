/**
 * The builder's shorthands, generated from the catalog: `.openrouter(key)`,
 * `.ollama(url)`, `.localEmbeddings(model)`, `.device("cuda")`, … Each one
 * folds its arguments into the settings of a first-party provider; the
 * gateway's builder defines one method per row of {@link BUILDER_SHORTHANDS}
 * and types them with {@link CatalogShorthands}, so the gateway's own source
 * names no provider.
 */
import { RatatoskrError } from "@ratatoskr/core";
import type {
  AnthropicShorthandSettings,
  DeviceSetting,
  HuggingFaceShorthandSettings,
  LocalModelSetting,
  LocalShorthandSettings,
  OllamaShorthandSettings,
  OpenAIShorthandSettings,
  OpenRouterShorthandSettings,
  TokenizersShorthandSettings,
} from "./shorthand-settings.ts";

/** Settings being built for one provider. */
export type SettingsDraft = Record<string, unknown>;

/** One builder method. */
export interface BuilderShorthand {
  /** The method's name on the builder. */
  readonly method: string;
  /** The catalog providers whose settings it changes (the first is the one it registers). */
  readonly providers: readonly string[];
  /**
   * Whether calling it registers the provider, at the place of its first
   * registering call (registration order is routing priority); false: it
   * only sets settings, used if the provider is registered (`device()`).
   */
  readonly registers: boolean;
  /** The provider's settings with the method's arguments folded in (throws `configuration` on nonsense). */
  apply(settings: SettingsDraft, args: readonly unknown[]): SettingsDraft;
}

function configurationError(message: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message });
}

function settingsArgument(method: string, value: unknown): SettingsDraft {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw configurationError(`${method}(): settings must be an object, got ${typeof value}`);
  }
  return value as SettingsDraft;
}

/** `(first?: string, settings?)` where `first` sets `setting` (a key, a URL). */
function keyed(method: string, provider: string, setting: string): BuilderShorthand {
  return {
    method,
    providers: [provider],
    registers: true,
    apply(settings, [first, extra]) {
      if (first !== undefined && (typeof first !== "string" || first === "")) {
        throw configurationError(`${method}(${setting}): ${setting} must be a non-empty string`);
      }
      return {
        ...settings,
        ...settingsArgument(method, extra),
        ...(first === undefined ? {} : { [setting]: first }),
      };
    },
  };
}

/** `(model)` appended to the list `setting`. */
function appended(method: string, provider: string, setting: string): BuilderShorthand {
  return {
    method,
    providers: [provider],
    registers: true,
    apply(settings, [model]) {
      if (
        !(typeof model === "string" && model !== "") &&
        !(typeof model === "object" && model !== null && !Array.isArray(model))
      ) {
        throw configurationError(
          `${method}(model): model must be a name, a Hub repo or a model description`,
        );
      }
      const list = (settings[setting] as unknown[] | undefined) ?? [];
      return { ...settings, [setting]: [...list, model] };
    },
  };
}

const DEVICE = /^(cpu|auto|cuda|cuda:\d+)$/;

/** Every builder shorthand. */
export const BUILDER_SHORTHANDS: readonly BuilderShorthand[] = Object.freeze([
  keyed("openrouter", "openrouter", "apiKey"),
  keyed("anthropic", "anthropic", "apiKey"),
  keyed("openai", "openai", "apiKey"),
  keyed("ollama", "ollama", "baseURL"),
  keyed("huggingface", "huggingface", "apiKey"),
  {
    method: "local",
    providers: ["local"],
    registers: true,
    apply: (settings, [extra]) => ({ ...settings, ...settingsArgument("local", extra) }),
  },
  appended("localEmbeddings", "local", "embeddingModels"),
  appended("localNli", "local", "nliModels"),
  appended("localGeneration", "local", "generationModels"),
  {
    method: "device",
    providers: ["local"],
    registers: false,
    apply(settings, [device]) {
      const valid =
        typeof device === "string"
          ? DEVICE.test(device)
          : typeof device === "object" &&
            device !== null &&
            ["cpu", "auto", "cuda"].includes((device as { type?: unknown }).type as string) &&
            ((device as { deviceId?: unknown }).deviceId === undefined ||
              (Number.isInteger((device as { deviceId?: unknown }).deviceId) &&
                ((device as { deviceId: number }).deviceId ?? 0) >= 0));
      if (!valid) {
        throw configurationError(
          `device must be "cpu", "auto", "cuda", "cuda:N" or {type: "cuda", deviceId}; got ${JSON.stringify(device)}`,
        );
      }
      return { ...settings, device };
    },
  },
  {
    method: "cacheDir",
    providers: ["local", "tokenizers"],
    registers: false,
    apply(settings, [path]) {
      if (typeof path !== "string" || path.trim() === "") {
        throw configurationError("cacheDir must be a non-empty path");
      }
      return { ...settings, cacheDir: path };
    },
  },
  {
    method: "tokenizers",
    providers: ["tokenizers"],
    registers: true,
    apply: (settings, [extra]) => ({ ...settings, ...settingsArgument("tokenizers", extra) }),
  },
  {
    method: "tokenizerMapping",
    providers: ["tokenizers"],
    registers: true,
    apply(settings, [pattern, source]) {
      if (
        typeof pattern !== "string" ||
        pattern === "" ||
        typeof source !== "string" ||
        source === ""
      ) {
        throw configurationError("tokenizerMapping(pattern, source) needs two non-empty strings");
      }
      const mappings = (settings.mappings as unknown[] | undefined) ?? [];
      return { ...settings, mappings: [...mappings, { pattern, source }] };
    },
  },
] satisfies BuilderShorthand[]);

/**
 * The shorthand methods a builder gets from the catalog, typed with the
 * provider packages' settings. Registration order is routing priority: a
 * shorthand registers its provider where it is first called; each imports
 * its provider package at `build()`, and a package that is not installed
 * fails there with a `configuration` error naming it.
 */
export interface CatalogShorthands<Builder> {
  /** OpenRouter (`@ratatoskr/provider-openrouter`); the key defaults to `OPENROUTER_API_KEY`. */
  openrouter(apiKey?: string, settings?: OpenRouterShorthandSettings): Builder;
  /** Direct Anthropic (`@ratatoskr/provider-anthropic`); the key defaults to `ANTHROPIC_API_KEY`. */
  anthropic(apiKey?: string, settings?: AnthropicShorthandSettings): Builder;
  /** Direct OpenAI (`@ratatoskr/provider-openai-compat`); the key defaults to `OPENAI_API_KEY`. */
  openai(apiKey?: string, settings?: OpenAIShorthandSettings): Builder;
  /** An Ollama server (`@ratatoskr/provider-ollama`); the URL defaults to `OLLAMA_HOST`, else http://localhost:11434. */
  ollama(url?: string, settings?: OllamaShorthandSettings): Builder;
  /** Hugging Face Inference (`@ratatoskr/provider-huggingface`); the token defaults to `HF_TOKEN`. */
  huggingface(token?: string, settings?: HuggingFaceShorthandSettings): Builder;
  /** Local ONNX inference (`@ratatoskr/provider-local-onnx`) with these settings. */
  local(settings: LocalShorthandSettings): Builder;
  /** A local ONNX embedding model, e.g. `all-MiniLM-L6-v2`. */
  localEmbeddings(model: LocalModelSetting): Builder;
  /** A local ONNX NLI model (also serves zero-shot classification), e.g. `nli-deberta-v3-small`. */
  localNli(model: LocalModelSetting): Builder;
  /** A local ONNX causal language model for `generate`. */
  localGeneration(model: LocalModelSetting): Builder;
  /** Where local models run (does not register the local provider by itself). */
  device(device: DeviceSetting): Builder;
  /** Cache directory for downloaded models and tokenizers (else `RATATOSKR_CACHE_DIR`, else the user cache dir). */
  cacheDir(path: string): Builder;
  /** Exact token counting (`@ratatoskr/tokenizers`) with its default model mappings. */
  tokenizers(settings?: TokenizersShorthandSettings): Builder;
  /** Map models matching `pattern` (exact name or prefix) to a tokenizer `source`; enables token counting. */
  tokenizerMapping(pattern: string, source: string): Builder;
}
