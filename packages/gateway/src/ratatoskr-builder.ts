/**
 * `Ratatoskr.builder()`: compose providers into a gateway.
 *
 * ```ts
 * const gateway = await Ratatoskr.builder()
 *   .openrouter(process.env.OPENROUTER_API_KEY)
 *   .anthropic()
 *   .ollama("http://localhost:11434")
 *   .huggingface()
 *   .localEmbeddings("all-MiniLM-L6-v2")
 *   .localNli("nli-deberta-v3-small")
 *   .device("auto")
 *   .build();
 * ```
 *
 * Registration order is routing priority. Each shorthand imports its
 * provider package lazily at `build()`; a missing package fails with a
 * `configuration` error naming the package to install.
 */
import {
  assertFallbackTargets,
  CAPABILITIES,
  type Capability,
  type ProviderPlugin,
  RatatoskrError,
} from "@ratatoskr/core";
import { asConfiguration } from "./as-configuration.ts";
import { Gateway, type GatewaySettings } from "./gateway.ts";
import { assertHooks, type GatewayHooks } from "./gateway-hooks.ts";
import type { CooldownOptions } from "./provider-health.ts";
import { defaultImporter, loadFactory, type ModuleImporter } from "./provider-loader.ts";
import { ProviderRegistry } from "./provider-registry.ts";
import { assertTimeout, type FallbackTarget, type TimeoutOptions } from "./reliability-options.ts";
import { type RetryOptions, resolveRetry } from "./retry-policy.ts";
import { assertRoutingRules, type RoutingRule } from "./router.ts";
import type {
  AnthropicShorthandSettings,
  HuggingFaceShorthandSettings,
  LocalModelSetting,
  OllamaShorthandSettings,
  OpenAIShorthandSettings,
  OpenRouterShorthandSettings,
  ProviderSettings,
} from "./shorthand-settings.ts";

/** Where local inference runs: `cpu`, `cuda` / `cuda:N`, or `auto` (CUDA when available). */
export type DeviceSetting =
  | "cpu"
  | "cuda"
  | "auto"
  | `cuda:${number}`
  | { type: "cuda"; deviceId: number };

type Entry =
  | { kind: "plugin"; plugin: ProviderPlugin | Promise<ProviderPlugin> }
  | {
      kind: "package";
      shorthand: string;
      packageName: string;
      factory: string;
      settings: () => object;
    };

/** Options of {@link RatatoskrBuilder} itself. */
export interface BuilderOptions {
  /** How provider packages are imported (tests inject one). */
  importModule?: ModuleImporter;
}

const DEVICE = /^(cpu|auto|cuda|cuda:\d+)$/;

/** Builds a {@link Gateway}. Create it with `Ratatoskr.builder()`. */
export class RatatoskrBuilder {
  readonly #entries: Entry[] = [];
  readonly #importModule: ModuleImporter;
  readonly #local = {
    embeddingModels: [] as LocalModelSetting[],
    nliModels: [] as LocalModelSetting[],
    generationModels: [] as LocalModelSetting[],
    device: undefined as DeviceSetting | undefined,
  };
  readonly #tokenizerMappings: Array<{ pattern: string; source: string }> = [];
  #localRegistered = false;
  #tokenizersRegistered = false;
  #cacheDir: string | undefined;
  #settings: GatewaySettings = {};

  constructor(options: BuilderOptions = {}) {
    this.#importModule = options.importModule ?? defaultImporter;
  }

  /** Register a provider plugin (or a promise of one). Earlier registrations have priority. */
  use(plugin: ProviderPlugin | Promise<ProviderPlugin>): this {
    this.#entries.push({ kind: "plugin", plugin });
    return this;
  }

  #package(shorthand: string, packageName: string, factory: string, settings: () => object): this {
    this.#entries.push({ kind: "package", shorthand, packageName, factory, settings });
    return this;
  }

  /** OpenRouter (`@ratatoskr/provider-openrouter`); key defaults to `OPENROUTER_API_KEY`. */
  openrouter(apiKey?: string, settings: OpenRouterShorthandSettings = {}): this {
    return this.#package("openrouter", "@ratatoskr/provider-openrouter", "createOpenRouter", () =>
      withKey(settings, apiKey),
    );
  }

  /** Direct Anthropic (`@ratatoskr/provider-anthropic`); key defaults to `ANTHROPIC_API_KEY`. */
  anthropic(apiKey?: string, settings: AnthropicShorthandSettings = {}): this {
    return this.#package("anthropic", "@ratatoskr/provider-anthropic", "createAnthropic", () =>
      withKey(settings, apiKey),
    );
  }

  /** Direct OpenAI (`@ratatoskr/provider-openai-compat`); key defaults to `OPENAI_API_KEY`. */
  openai(apiKey?: string, settings: OpenAIShorthandSettings = {}): this {
    return this.#package("openai", "@ratatoskr/provider-openai-compat", "createOpenAI", () =>
      withKey(settings, apiKey),
    );
  }

  /** An Ollama server (`@ratatoskr/provider-ollama`); URL defaults to `OLLAMA_HOST`, else http://localhost:11434. */
  ollama(url?: string, settings: OllamaShorthandSettings = {}): this {
    return this.#package("ollama", "@ratatoskr/provider-ollama", "createOllama", () =>
      url === undefined ? settings : { ...settings, baseURL: url },
    );
  }

  /** Hugging Face Inference (`@ratatoskr/provider-huggingface`); token defaults to `HF_TOKEN`. */
  huggingface(token?: string, settings: HuggingFaceShorthandSettings = {}): this {
    return this.#package(
      "huggingface",
      "@ratatoskr/provider-huggingface",
      "createHuggingFace",
      () => withKey(settings, token),
    );
  }

  #registerLocal(): this {
    if (this.#localRegistered) return this;
    this.#localRegistered = true;
    return this.#package("local", "@ratatoskr/provider-local-onnx", "createLocalOnnx", () => {
      const settings: ProviderSettings = {};
      if (this.#local.embeddingModels.length)
        settings.embeddingModels = [...this.#local.embeddingModels];
      if (this.#local.nliModels.length) settings.nliModels = [...this.#local.nliModels];
      if (this.#local.generationModels.length)
        settings.generationModels = [...this.#local.generationModels];
      if (this.#local.device !== undefined) settings.device = this.#local.device;
      if (this.#cacheDir !== undefined) settings.cacheDir = this.#cacheDir;
      return settings;
    });
  }

  /** A local ONNX embedding model (`@ratatoskr/provider-local-onnx`), e.g. `all-MiniLM-L6-v2`. */
  localEmbeddings(model: LocalModelSetting): this {
    this.#local.embeddingModels.push(model);
    return this.#registerLocal();
  }

  /** A local ONNX NLI model (also serves zero-shot classification), e.g. `nli-deberta-v3-small`. */
  localNli(model: LocalModelSetting): this {
    this.#local.nliModels.push(model);
    return this.#registerLocal();
  }

  /** A local ONNX causal language model for `generate`. */
  localGeneration(model: LocalModelSetting): this {
    this.#local.generationModels.push(model);
    return this.#registerLocal();
  }

  /** Where local models run. */
  device(device: DeviceSetting): this {
    const valid =
      typeof device === "string"
        ? DEVICE.test(device)
        : device?.type === "cuda" && Number.isInteger(device.deviceId) && device.deviceId >= 0;
    if (!valid) {
      throw new RatatoskrError({
        code: "configuration",
        message: `device must be "cpu", "auto", "cuda", "cuda:N" or {type: "cuda", deviceId}; got ${JSON.stringify(device)}`,
      });
    }
    this.#local.device = device;
    return this;
  }

  /** Cache directory for downloaded models and tokenizers (else `RATATOSKR_CACHE_DIR`, else the user cache dir). */
  cacheDir(path: string): this {
    if (typeof path !== "string" || path.trim() === "") {
      throw new RatatoskrError({
        code: "configuration",
        message: "cacheDir must be a non-empty path",
      });
    }
    this.#cacheDir = path;
    return this;
  }

  #registerTokenizers(): this {
    if (this.#tokenizersRegistered) return this;
    this.#tokenizersRegistered = true;
    return this.#package("tokenizers", "@ratatoskr/tokenizers", "createTokenizers", () => ({
      mappings: [...this.#tokenizerMappings],
      ...(this.#cacheDir === undefined ? {} : { cacheDir: this.#cacheDir }),
    }));
  }

  /** Exact token counting (`@ratatoskr/tokenizers`) with its default model mappings. */
  tokenizers(): this {
    return this.#registerTokenizers();
  }

  /** Map models matching `pattern` (exact name or prefix) to a tokenizer `source`; enables token counting. */
  tokenizerMapping(pattern: string, source: string): this {
    if (
      typeof pattern !== "string" ||
      pattern === "" ||
      typeof source !== "string" ||
      source === ""
    ) {
      throw new RatatoskrError({
        code: "configuration",
        message: "tokenizerMapping(pattern, source) needs two non-empty strings",
      });
    }
    this.#tokenizerMappings.push({ pattern, source });
    return this.#registerTokenizers();
  }

  /** Default overall deadline per call in ms (default 120,000; 0 disables). */
  timeout(milliseconds: number): this {
    assertTimeout("timeout", milliseconds);
    this.#settings = { ...this.#settings, timeout: milliseconds };
    return this;
  }

  /**
   * The three deadlines at once: `total` (same as {@link timeout}), `attempt`
   * and `idle` (see {@link TimeoutOptions}); 0 disables one.
   */
  timeouts(timeouts: TimeoutOptions): this {
    const settings: GatewaySettings = { ...this.#settings };
    for (const [key, field] of [
      ["total", "timeout"],
      ["attempt", "attemptTimeout"],
      ["idle", "idleTimeout"],
    ] as const) {
      const value = timeouts?.[key];
      if (value === undefined) continue;
      assertTimeout(`timeouts.${key}`, value);
      settings[field] = value;
    }
    this.#settings = settings;
    return this;
  }

  /**
   * Retry settings (merged over the defaults: 3 attempts per target, backoff
   * 0.5 s → 8 s with 25 % jitter, server waits honoured up to 60 s); `false`
   * makes one attempt per target.
   */
  retry(options: RetryOptions | false): this {
    resolveRetry(options); // validate now
    this.#settings = { ...this.#settings, retry: options };
    return this;
  }

  /**
   * Fallback targets for a capability, in order: `"provider:model"` strings
   * whose prefix is a registered provider id or alias. A call falls back
   * only when its target failed before delivering anything. The shape is
   * checked here; at `build()` each prefix must be registered and serve the
   * model (a `configuration` error otherwise).
   */
  fallbacks(capability: Capability, targets: readonly FallbackTarget[]): this {
    if (!CAPABILITIES.includes(capability)) {
      throw new RatatoskrError({
        code: "configuration",
        message: `fallbacks(capability, targets): capability must be one of ${CAPABILITIES.join(", ")}; got ${JSON.stringify(capability)}`,
      });
    }
    asConfiguration(() => assertFallbackTargets(targets, `fallbacks.${capability}`));
    this.#settings = {
      ...this.#settings,
      fallbacks: { ...this.#settings.fallbacks, [capability]: [...targets] },
    };
    return this;
  }

  /** Cool-down of failing providers (default 3 consecutive failures → 30 s); `false` disables. */
  cooldown(options: CooldownOptions | false): this {
    this.#settings = { ...this.#settings, cooldown: options };
    return this;
  }

  /**
   * Observability hooks (request start, retry, fallback, completion, error,
   * and `onHookError` for a hook that throws or rejects). Each must be a
   * function; an unknown name is a `configuration` error (a misspelt hook
   * would otherwise never fire).
   */
  hooks(hooks: GatewayHooks): this {
    assertHooks(hooks);
    this.#settings = { ...this.#settings, hooks: { ...this.#settings.hooks, ...hooks } };
    return this;
  }

  /** Replace the built-in routing preferences. */
  routingRules(rules: readonly RoutingRule[]): this {
    assertRoutingRules(rules);
    this.#settings = { ...this.#settings, rules };
    return this;
  }

  /**
   * Load the shorthands' packages, register every plugin and return the
   * gateway. Fails with `no_provider` when nothing is configured.
   */
  async build(): Promise<Gateway> {
    if (this.#entries.length === 0) {
      throw new RatatoskrError({
        code: "no_provider",
        message:
          "No provider configured: add one with .use(plugin) or a shorthand such as .openrouter(key), .anthropic(key), .ollama(url), .huggingface(token), .localEmbeddings(model) or .tokenizers()",
      });
    }
    const plugins = await Promise.all(
      this.#entries.map(async (entry) => {
        if (entry.kind === "plugin") return entry.plugin;
        const factory = await loadFactory(
          this.#importModule,
          entry.shorthand,
          entry.packageName,
          entry.factory,
        );
        return (await factory(entry.settings())) as ProviderPlugin;
      }),
    );
    const registry = new ProviderRegistry();
    for (const plugin of plugins) registry.register(plugin);
    return new Gateway(registry, this.#settings);
  }
}

function withKey(settings: object, apiKey: string | undefined): object {
  return apiKey === undefined ? settings : { ...settings, apiKey };
}
