/**
 * `[providers.*]`: the original daemon's provider tables, mapped to the
 * catalog's providers and their settings. Each table's keys are the
 * original's (`default_model`, `base_url`, `device`, `models_dir`,
 * `ram_budget_mb`) plus settings this gateway's providers take; API keys
 * come from `secrets.toml`, else the provider's environment variable.
 */

import type { SecretsSection } from "./parse-secrets.ts";
import { DEFAULT_OLLAMA_BASE_URL, type ProviderConfig } from "./ratd-config.ts";
import { Secret } from "./secret.ts";
import type { TableReader } from "./table-reader.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** How one setting is read from its TOML key. */
interface SettingSpec {
  readonly key: string;
  readonly setting: string;
  readonly read: (table: TableReader, key: string) => unknown;
}

/** One provider table the configuration may hold. */
interface ProviderSpec {
  /** The catalog provider id. */
  readonly id: string;
  readonly settings: readonly SettingSpec[];
  /** Whether an API key is read for it; `required`: refused without one. */
  readonly apiKey: "required" | "optional" | "none";
  /** Environment variables giving the key when `secrets.toml` does not, in order. */
  readonly keyVariables: readonly string[];
  /** Settings applied when the table does not set them. */
  readonly defaults?: Readonly<Record<string, unknown>>;
}

const string = (table: TableReader, key: string) => table.string(key);
const url = (table: TableReader, key: string) => {
  const value = table.string(key);
  if (value !== undefined && !URL.canParse(value)) {
    throw table.error(key, `must be a URL, got ${JSON.stringify(value.slice(0, 60))}`);
  }
  return value;
};
const flag = (table: TableReader, key: string) => table.boolean(key);
const baseURL: SettingSpec = { key: "base_url", setting: "baseURL", read: url };

/** The original's provider tables, in its registration order. */
export const PROVIDER_SPECS: Readonly<Record<string, ProviderSpec>> = {
  openrouter: {
    id: "openrouter",
    settings: [
      baseURL,
      { key: "app_name", setting: "appName", read: string },
      { key: "app_url", setting: "appUrl", read: url },
    ],
    // The original registered OpenRouter without a key (its free tier);
    // this gateway's OpenRouter provider needs one, so it is refused early.
    apiKey: "required",
    keyVariables: ["OPENROUTER_API_KEY"],
  },
  anthropic: {
    id: "anthropic",
    settings: [baseURL],
    apiKey: "required",
    keyVariables: ["ANTHROPIC_API_KEY"],
  },
  openai: {
    id: "openai",
    settings: [
      baseURL,
      { key: "organization", setting: "organization", read: string },
      { key: "project", setting: "project", read: string },
    ],
    apiKey: "required",
    keyVariables: ["OPENAI_API_KEY"],
  },
  ollama: {
    id: "ollama",
    settings: [
      baseURL,
      { key: "keep_alive", setting: "keepAlive", read: string },
      {
        key: "num_ctx",
        setting: "numCtx",
        read: (table, key) => table.integer(key, { min: 1, max: 16_777_216 }),
      },
    ],
    apiKey: "optional",
    keyVariables: [],
    defaults: { baseURL: DEFAULT_OLLAMA_BASE_URL },
  },
  huggingface: {
    id: "huggingface",
    settings: [
      baseURL,
      { key: "endpoint_url", setting: "endpointUrl", read: url },
      { key: "inference_provider", setting: "inferenceProvider", read: string },
    ],
    apiKey: "required",
    // The catalog's HF_TOKEN, then the original daemon's HF_API_KEY.
    keyVariables: ["HF_TOKEN", "HF_API_KEY"],
  },
  local: {
    id: "local",
    settings: [
      {
        key: "device",
        setting: "device",
        read: (table, key) => {
          const value = table.string(key);
          if (value !== undefined && !/^(cpu|cuda|auto|cuda:\d+)$/.test(value)) {
            throw table.error(
              key,
              `must be "cpu", "cuda", "cuda:<n>" or "auto", got ${JSON.stringify(value.slice(0, 60))}`,
            );
          }
          return value;
        },
      },
      { key: "models_dir", setting: "cacheDir", read: string },
      {
        key: "ram_budget_mb",
        setting: "memoryBudgetBytes",
        read: (table, key) => {
          const mb = table.integer(key, { min: 1, max: 16_777_216 });
          return mb === undefined ? undefined : mb * 1024 * 1024;
        },
      },
      { key: "offline", setting: "offline", read: flag },
    ],
    apiKey: "none",
    keyVariables: [],
    defaults: { device: "cpu" },
  },
};

/** Tables the original knows that this gateway has no provider for. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  google:
    "there is no Google provider in this gateway yet; reach Gemini models through [providers.openrouter]",
};

/** `[providers]`: each table read, in the original's order. */
export function readProviders(
  providers: TableReader | undefined,
  secrets: SecretsSection,
  env: Env,
  secretsFile: string | undefined,
): ProviderConfig[] {
  if (providers === undefined) return [];
  const known = Object.keys(PROVIDER_SPECS);
  for (const name of providers.keys()) {
    if (UNSUPPORTED[name] !== undefined) throw providers.error(name, UNSUPPORTED[name]);
    if (!Object.hasOwn(PROVIDER_SPECS, name)) {
      throw providers.error(name, `unknown provider; known providers: ${known.join(", ")}`);
    }
  }
  const configured: ProviderConfig[] = [];
  for (const [name, spec] of Object.entries(PROVIDER_SPECS)) {
    const table = providers.table(name);
    if (table === undefined) continue;
    const defaultModel = spec.apiKey === "none" ? undefined : table.string("default_model");
    const settings: Record<string, unknown> = { ...spec.defaults };
    for (const { key, setting, read } of spec.settings) {
      const value = read(table, key);
      if (value !== undefined) settings[setting] = value;
    }
    const maxInFlight = table.integer("max_in_flight", { min: 1, max: 1_000_000 });
    const requestsPerMinute = table.integer("requests_per_minute", { min: 1, max: 100_000_000 });
    const limits = {
      ...(maxInFlight === undefined ? {} : { maxInFlight }),
      ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
    };
    if (table.has("api_key")) {
      throw table.error(
        "api_key",
        `secrets do not belong in the configuration file: put it under [${name}] in secrets.toml (mode 0600)${spec.keyVariables.length === 0 ? "" : `, or set ${spec.keyVariables.join(" or ")}`}`,
      );
    }
    table.finish([
      ...(spec.apiKey === "none" ? [] : ["default_model"]),
      ...spec.settings.map((setting) => setting.key),
      "max_in_flight",
      "requests_per_minute",
    ]);
    const apiKey = spec.apiKey === "none" ? undefined : resolveKey(name, spec, secrets, env);
    if (spec.apiKey === "required" && apiKey === undefined) {
      throw table.error(
        undefined,
        `needs an API key: set api_key under [${name}] in ${secretsFile ?? "secrets.toml"}${spec.keyVariables.length === 0 ? "" : `, or ${spec.keyVariables.join(" or ")}`}`,
      );
    }
    configured.push({
      name,
      id: spec.id,
      defaultModel,
      settings: Object.freeze(settings),
      apiKey,
      ...(Object.keys(limits).length === 0 ? {} : { limits: Object.freeze(limits) }),
    });
  }
  providers.finish(known);
  return configured;
}

function resolveKey(
  name: string,
  spec: ProviderSpec,
  secrets: SecretsSection,
  env: Env,
): Secret | undefined {
  const fromFile = secrets.apiKeys.get(name);
  if (fromFile !== undefined) return fromFile;
  for (const variable of spec.keyVariables) {
    const value = env[variable];
    if (value !== undefined && value !== "") return new Secret(value, variable);
  }
  return undefined;
}
