/**
 * `gatewayFromConfig()`: the gateway `ratd` serves, built from its
 * configuration with `Ratatoskr.builder()` and the catalog's descriptors
 * (through `loadConfiguredProviders`, so a provider package that is not
 * installed is named in the error).
 */
import { RatatoskrError } from "@ratatoskr/core";
import {
  type Gateway,
  type LoadedProvider,
  loadConfiguredProviders,
  MemoryCacheStore,
  type ModuleImporter,
  Ratatoskr,
  type RatatoskrBuilder,
} from "@ratatoskr/gateway";
import {
  createRedisCacheStore,
  createRedisProviderBudgets,
  createRedisSharedState,
} from "@ratatoskr/redis";
import { requestTimeouts } from "../daemon/stream-deadlines.ts";
import { configError } from "./config-error.ts";
import { ROUTING_CAPABILITIES } from "./parse-routing.ts";
import type { ProviderConfig, RatdConfig } from "./ratd-config.ts";

/** Options of {@link gatewayFromConfig}. */
export interface GatewayFromConfigOptions {
  /** How provider packages are imported (tests inject one). */
  readonly importModule?: ModuleImporter;
  /** Called with the builder before `build()`: hooks, a registry, more providers. */
  readonly configure?: (builder: RatatoskrBuilder) => void;
}

/**
 * The providers in registration order: those `[routing]` prefers first
 * (in the order chat, generate, embed, nli, classify, stance), then the
 * rest in the configuration's order. The gateway routes a model without a
 * `provider:` prefix to the first registered provider that serves it, so
 * this is how the original's per-capability preference is honoured; when
 * two preferred providers both serve each other's capability, the one
 * preferred for the earlier capability comes first for both.
 */
export function registrationOrder(config: RatdConfig): ProviderConfig[] {
  const preferred = ROUTING_CAPABILITIES.flatMap((capability) => {
    const id = config.routing.preferred[capability];
    return id === undefined ? [] : [id];
  });
  const ranked = [...new Set(preferred)];
  const rank = (provider: ProviderConfig) => {
    const index = ranked.indexOf(provider.id);
    return index === -1 ? ranked.length : index;
  };
  return [...config.providers].sort((a, b) => rank(a) - rank(b));
}

/** Run a builder call; its `configuration` error is rethrown naming the file and key. */
function applying(config: RatdConfig, key: string, apply: () => void): void {
  try {
    apply();
  } catch (error) {
    if (!RatatoskrError.isInstance(error, "configuration")) throw error;
    throw configError(config.file ?? "(defaults)", key, error.message);
  }
}

/**
 * `[cache]` and `[redis]`: the response cache (its store in memory or in
 * Redis) and provider cool-downs shared through Redis. The Redis clients
 * are the gateway's: `dispose()` closes them. Nothing connects here; the
 * clients connect in the background and a Redis that is down only costs
 * cache misses and local-only cool-downs.
 */
function applyCache(config: RatdConfig, builder: RatatoskrBuilder): void {
  const { cache, redis } = config;
  const connection =
    redis === undefined
      ? undefined
      : { url: redis.url.reveal(), commandTimeoutMs: redis.commandTimeoutMs };
  if (cache.enabled) {
    const ttlMs = Object.fromEntries(
      Object.entries(cache.ttlSeconds).map(([kind, seconds]) => [kind, seconds * 1000]),
    );
    const options = {
      chat: cache.chat,
      generate: cache.generate,
      storeTimeoutMs: cache.storeTimeoutMs,
      ttlMs,
    };
    if (cache.store === "redis" && connection !== undefined) {
      const store = createRedisCacheStore({
        ...connection,
        keyPrefix: `${redis!.keyPrefix}cache:`,
      });
      builder.onDispose(() => store.close?.());
      applying(config, "[cache]", () => builder.cache({ ...options, store }));
    } else {
      applying(config, "[cache]", () =>
        builder.cache({ ...options, store: new MemoryCacheStore({ maxBytes: cache.maxBytes }) }),
      );
    }
  }
  if (redis?.sharedState === true && connection !== undefined) {
    const state = createRedisSharedState({
      ...connection,
      keyPrefix: `${redis.keyPrefix}providers:`,
    });
    builder.onDispose(() => state.close?.());
    builder.sharedState(state);
  }
}

/**
 * `[providers.<name>] max_in_flight` and `requests_per_minute`: the
 * gateway's own budget per provider, counted across every instance on the
 * same Redis when `[redis] shared_budgets` (else in this process).
 */
function applyLimits(config: RatdConfig, builder: RatatoskrBuilder): void {
  const limited = config.providers.filter((provider) => provider.limits !== undefined);
  if (limited.length === 0) return;
  applying(config, "[providers]", () =>
    builder.providerLimits(
      Object.fromEntries(limited.map((provider) => [provider.id, { ...provider.limits }])),
    ),
  );
  const { redis } = config;
  if (redis?.sharedBudgets === true) {
    const budgets = createRedisProviderBudgets({
      url: redis.url.reveal(),
      commandTimeoutMs: redis.commandTimeoutMs,
      keyPrefix: `${redis.keyPrefix}budgets:`,
    });
    builder.onDispose(() => budgets.close?.());
    builder.budgetStore(budgets);
  }
}

/**
 * Build the gateway `config` describes: its providers (settings from
 * `[providers.*]`, keys from the secrets file or environment), in
 * {@link registrationOrder}; `[limits].request_timeout_secs` as each
 * call's total, first-event and idle deadlines (see `requestTimeouts`;
 * ratd serves streams without the total one, see
 * `withoutStreamTotalDeadline`); `[routing.fallbacks]`,
 * `[routing.presets]`, `[routing].parameter_validation`, `[cache]` /
 * `[redis]` (see `applyCache`) and the providers' budgets (see
 * `applyLimits`). Creating a provider makes no network
 * call. A provider that cannot be created, or no provider at all, is a
 * `configuration` error naming the file and the table.
 */
export async function gatewayFromConfig(
  config: RatdConfig,
  options: GatewayFromConfigOptions = {},
): Promise<Gateway> {
  const file = config.file ?? "(defaults)";
  if (config.providers.length === 0) {
    throw configError(
      file,
      "[providers]",
      "no provider configured: add a table such as [providers.openrouter] or [providers.ollama]",
    );
  }
  const ordered = registrationOrder(config);
  const settings = Object.fromEntries(
    ordered.map((provider) => [
      provider.id,
      {
        ...provider.settings,
        ...(provider.apiKey === undefined ? {} : { apiKey: provider.apiKey.reveal() }),
      },
    ]),
  );
  // An empty environment: the configuration and its secrets (which already
  // fell back to the environment's keys) decide, not stray variables.
  const { providers, report } = await loadConfiguredProviders(
    {},
    {
      only: ordered.map((provider) => provider.id),
      settings,
      ...(options.importModule === undefined ? {} : { importModule: options.importModule }),
    },
  );
  const created = new Map<string, LoadedProvider>();
  for (const loaded of providers) created.set(loaded.entry?.id ?? loaded.descriptor.id, loaded);
  const builder = Ratatoskr.builder();
  for (const provider of ordered) {
    const loaded = created.get(provider.id);
    if (loaded === undefined) {
      const detail = report.find((entry) => entry.id === provider.id)?.detail ?? "not created";
      throw configError(file, `[providers.${provider.name}]`, `cannot be created: ${detail}`);
    }
    builder.use(loaded);
  }
  const { limits, routing } = config;
  applying(config, "[limits].request_timeout_secs", () =>
    builder.timeouts(requestTimeouts(limits.requestTimeoutSeconds)),
  );
  for (const [capability, targets] of Object.entries(routing.fallbacks)) {
    applying(config, `[routing.fallbacks].${capability}`, () =>
      builder.fallbacks(capability as never, targets ?? []),
    );
  }
  if (routing.presets !== undefined) {
    const presets = routing.presets;
    applying(config, "[routing.presets]", () => builder.presets(presets as never));
  }
  applyCache(config, builder);
  applyLimits(config, builder);
  if (routing.parameterValidation !== undefined) {
    const policy = routing.parameterValidation;
    applying(config, "[routing].parameter_validation", () => builder.parameterValidation(policy));
  }
  options.configure?.(builder);
  try {
    return await builder.build();
  } catch (error) {
    if (!RatatoskrError.isInstance(error, "configuration")) throw error;
    const key = /fallback/i.test(error.message)
      ? "[routing.fallbacks]"
      : /preset/i.test(error.message)
        ? "[routing.presets]"
        : undefined;
    throw configError(file, key, error.message);
  }
}
