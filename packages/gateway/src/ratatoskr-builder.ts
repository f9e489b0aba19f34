/**
 * `Ratatoskr.builder()`: compose providers into a gateway.
 *
 * ```ts
 * const gateway = await Ratatoskr.builder()
 *   .use(myProvider)                  // any ProviderV1
 *   .use(acmeDescriptor, { apiKey })  // a descriptor and its settings: its routing hints apply
 *   .build();
 * ```
 *
 * plus the catalog's shorthands (`.<provider>(key)`, see `@ratatoskr/catalog`).
 * Registration order is routing priority. The shorthands are generated from
 * the catalog's table (this file names no provider): each one folds its
 * arguments into its provider's settings, registers the provider where it is
 * first called, and imports the provider package lazily at `build()`; a
 * missing package fails with a `configuration` error naming the package.
 */

import { type CatalogShorthands, type ModuleImporter, PROVIDER_CATALOG } from "@ratatoskr/catalog";
import {
  BUILDER_SHORTHANDS,
  type BuilderShorthand,
  loadEntryDescriptor,
  type SettingsDraft,
} from "@ratatoskr/catalog/internal";
import {
  assertFallbackTargets,
  CAPABILITIES,
  type Capability,
  type ProviderBudgetStore,
  type ProviderDescriptorV1,
  type ProviderLimits,
  type ProviderV1,
  RatatoskrError,
  type SharedProviderState,
} from "@ratatoskr/core";
import type { ModelRegistry, PresetTableInput } from "@ratatoskr/models";
import { asConfiguration } from "./as-configuration.ts";
import { type CacheOptions, resolveCacheOptions } from "./cache-options.ts";
import { Gateway, type GatewaySettings, sharedStateLoaded } from "./gateway.ts";
import { assertHooks, type GatewayHooks } from "./gateway-hooks.ts";
import {
  PARAMETER_VALIDATION_POLICIES,
  type ParameterValidationPolicy,
} from "./model-knowledge.ts";
import {
  assertBudgetStore,
  type BudgetStoreOptions,
  resolveBudgetStoreTimeout,
  resolveProviderLimits,
} from "./provider-budgets.ts";
import type { CooldownOptions } from "./provider-health.ts";
import { ProviderRegistry } from "./provider-registry.ts";
import { assertTimeout, type FallbackTarget, type TimeoutOptions } from "./reliability-options.ts";
import { type RetryOptions, resolveRetry } from "./retry-policy.ts";
import type { KnownProvider } from "./router.ts";
import { assertSharedState } from "./shared-health.ts";

/** A provider created from its descriptor (what `loadConfiguredProviders()` returns). */
export interface ProviderWithDescriptor {
  readonly descriptor: ProviderDescriptorV1<never>;
  readonly provider: ProviderV1;
}

type Entry =
  | { kind: "provider"; provider: ProviderV1 | Promise<ProviderV1> }
  | { kind: "created"; provider: ProviderV1; descriptor: ProviderDescriptorV1<never> }
  | { kind: "descriptor"; descriptor: ProviderDescriptorV1<never>; settings: object | undefined }
  | { kind: "catalog"; id: string; shorthand: string };

/** Options of {@link RatatoskrBuilder} itself. */
export interface BuilderOptions {
  /** How provider packages are imported (tests inject one). */
  importModule?: ModuleImporter;
}

/** The catalog's providers, as the router's "known" list. */
const KNOWN_PROVIDERS: readonly KnownProvider[] = PROVIDER_CATALOG.map((entry) => ({
  id: entry.id,
  aliases: entry.aliases,
  displayName: entry.displayName,
  packageName: entry.packageName,
}));

function isDescriptor(value: unknown): value is ProviderDescriptorV1<never> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ProviderDescriptorV1<never>).create === "function" &&
    typeof (value as ProviderDescriptorV1<never>).packageName === "string"
  );
}

function isCreated(value: unknown): value is ProviderWithDescriptor {
  return (
    typeof value === "object" &&
    value !== null &&
    isDescriptor((value as ProviderWithDescriptor).descriptor) &&
    typeof (value as ProviderWithDescriptor).provider === "object"
  );
}

/** The catalog's shorthands, typed with the provider packages' settings. */
export interface RatatoskrBuilder extends CatalogShorthands<RatatoskrBuilder> {}

/** Builds a {@link Gateway}. Create it with `Ratatoskr.builder()`. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the shorthand methods are defined on the prototype from the catalog's table
export class RatatoskrBuilder {
  static {
    for (const shorthand of BUILDER_SHORTHANDS) {
      Object.defineProperty(RatatoskrBuilder.prototype, shorthand.method, {
        value(this: RatatoskrBuilder, ...args: unknown[]) {
          return this.#shorthand(shorthand, args);
        },
        writable: true,
        configurable: true,
      });
    }
  }

  readonly #entries: Entry[] = [];
  readonly #importModule: ModuleImporter | undefined;
  /** Settings of the catalog's providers, by id, as the shorthands built them. */
  readonly #catalogSettings = new Map<string, SettingsDraft>();
  #settings: GatewaySettings = {};

  constructor(options: BuilderOptions = {}) {
    this.#importModule = options.importModule;
  }

  #shorthand(shorthand: BuilderShorthand, args: readonly unknown[]): this {
    for (const id of shorthand.providers) {
      this.#catalogSettings.set(id, shorthand.apply(this.#catalogSettings.get(id) ?? {}, args));
    }
    const id = shorthand.providers[0]!;
    if (
      shorthand.registers &&
      !this.#entries.some((entry) => entry.kind === "catalog" && entry.id === id)
    ) {
      this.#entries.push({ kind: "catalog", id, shorthand: shorthand.method });
    }
    return this;
  }

  /**
   * Register a provider: a `ProviderV1` (or a promise of one); a descriptor
   * with its settings, created at `build()` (its routing hints apply); or a
   * provider created from its descriptor (`loadConfiguredProviders()`'s
   * `providers`). Earlier registrations have priority.
   */
  use(provider: ProviderV1 | Promise<ProviderV1> | ProviderWithDescriptor): this;
  use<Settings extends object>(
    descriptor: ProviderDescriptorV1<Settings>,
    settings?: Settings,
  ): this;
  use(
    target: ProviderV1 | Promise<ProviderV1> | ProviderWithDescriptor | ProviderDescriptorV1<never>,
    settings?: object,
  ): this {
    if (isDescriptor(target))
      this.#entries.push({ kind: "descriptor", descriptor: target, settings });
    else if (isCreated(target)) {
      this.#entries.push({
        kind: "created",
        provider: target.provider,
        descriptor: target.descriptor,
      });
    } else this.#entries.push({ kind: "provider", provider: target as ProviderV1 });
    return this;
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
   * Share provider cool-downs with the other gateway instances through
   * `state` (e.g. `createRedisSharedState()` from `@ratatoskr/redis`): a
   * cool-down one instance triggers is applied by all of them, and so is a
   * recovery. Routing still reads local state only (no I/O on the hot
   * path); a state that is unreachable leaves each gateway on its own
   * cool-downs. `build()` loads the cool-downs already in force. The state
   * stays yours to close after `gateway.dispose()`.
   */
  sharedState(state: SharedProviderState): this {
    assertSharedState(state);
    this.#settings = { ...this.#settings, sharedState: state };
    return this;
  }

  /**
   * Budgets per provider id: `maxInFlight` (most requests in flight to it
   * at once) and `requestsPerMinute` (most requests started per clock
   * minute), each a positive integer or absent (no limit). Every attempt
   * (retries included) takes a slot before its request is sent and gives it
   * back when it ends (a stream: when it ends, fails or its consumer
   * leaves). A provider whose budget is spent is skipped like a declining
   * one: the call goes to its other targets (other accepting providers,
   * fallbacks), and fails at once with a `rate_limited` error of the
   * gateway's own (`provider` unset, `details.gatewayBudget`, `retryAfterMs`
   * for the rate window) when none can take it; no waiting queue. Budgets
   * are per gateway unless `.budgetStore()` shares them. Throws
   * `configuration` for a bad limit; `build()` throws it for an id that
   * names no registered provider. Calling it again replaces the limits.
   */
  providerLimits(limits: Readonly<Record<string, ProviderLimits>>): this {
    this.#settings = { ...this.#settings, providerLimits: resolveProviderLimits(limits) };
    return this;
  }

  /**
   * Keep the `.providerLimits()` budgets in `store` (e.g.
   * `createRedisProviderBudgets()` from `@ratatoskr/redis`), shared by every
   * gateway instance that uses the same storage, so that together they hold
   * each provider to one budget. A store that rejects or does not answer
   * within `options.timeoutMs` (default 1,000) never fails a call: that
   * attempt uses this gateway's in-memory budget, and an `other` warning
   * naming the store goes to `onWarning`. The store stays yours to close
   * after `gateway.dispose()` (or register its `close` with `.onDispose()`).
   */
  budgetStore(store: ProviderBudgetStore, options?: BudgetStoreOptions): this {
    assertBudgetStore(store);
    this.#settings = {
      ...this.#settings,
      budgetStore: store,
      budgetStoreTimeoutMs: resolveBudgetStoreTimeout(options),
    };
    return this;
  }

  /**
   * Run `release` when the gateway is disposed, after its providers were
   * released: close what you created for it (a Redis cache store, a shared
   * state). Several run in the order given; each runs even when an earlier
   * one failed, and `dispose()` then rejects with the first failure.
   */
  onDispose(release: () => unknown): this {
    if (typeof release !== "function") {
      throw new RatatoskrError({
        code: "configuration",
        message: `onDispose(release) takes a function, got ${release === null ? "null" : typeof release}`,
      });
    }
    this.#settings = {
      ...this.#settings,
      onDispose: [...(this.#settings.onDispose ?? []), release],
    };
    return this;
  }

  /**
   * Strict mode by default: a setting, tool or provider option the routed
   * provider would ignore or not honour is an `invalid_input` error before
   * anything is sent (a call's `strict` option still decides for itself).
   */
  strict(enabled = true): this {
    if (typeof enabled !== "boolean") {
      throw new RatatoskrError({
        code: "configuration",
        message: `strict(enabled) takes true or false, got ${typeof enabled}`,
      });
    }
    this.#settings = { ...this.#settings, strict: enabled };
    return this;
  }

  /**
   * The model registry the gateway reads for `modelMetadata()`, presets,
   * parameter validation, context windows and prices (default: the
   * registry `@ratatoskr/models` ships). Pass `loadRegistry()`'s or
   * `refreshRegistry()`'s result to use a newer copy.
   */
  registry(registry: ModelRegistry): this {
    this.#settings = { ...this.#settings, registry };
    return this;
  }

  /**
   * Your own presets, in the registry's `presets` format
   * (`{ premium: { coding: "vendor/large-model" } }` or entries
   * `{ model, parameters }`): they replace the registry's for the same tier
   * and capability, and add new ones. Checked when the gateway is built.
   */
  presets(presets: PresetTableInput): this {
    this.#settings = { ...this.#settings, presets };
    return this;
  }

  /**
   * What to do with a chat or generation setting the resolved model does
   * not take, or a value outside its range, as the registry knows them:
   * `warn` (default: left out or clamped, with a warning), `error` (an
   * `unsupported_parameter` error before anything is sent) or `ignore`.
   */
  parameterValidation(policy: ParameterValidationPolicy): this {
    if (!PARAMETER_VALIDATION_POLICIES.includes(policy)) {
      throw new RatatoskrError({
        code: "configuration",
        message: `parameterValidation(policy) takes ${PARAMETER_VALIDATION_POLICIES.join(", ")}; got ${typeof policy === "string" ? `"${policy.slice(0, 40)}"` : typeof policy}`,
      });
    }
    this.#settings = { ...this.#settings, parameterValidation: policy };
    return this;
  }

  /**
   * Observability hooks (request start, retry, fallback, warning,
   * completion, error, and `onHookError` for a hook that throws or
   * rejects). Each must be a function; an unknown name is a
   * `configuration` error (a misspelt hook would otherwise never fire).
   * Calling it again merges by hook name: a later hook replaces an earlier
   * one of the same name. To keep several (your own beside a telemetry
   * library's), pass `combineHooks(a, b)`.
   */
  hooks(hooks: GatewayHooks): this {
    assertHooks(hooks);
    this.#settings = { ...this.#settings, hooks: { ...this.#settings.hooks, ...hooks } };
    return this;
  }

  /**
   * The response cache (see `docs/cache.md`): embeddings, NLI,
   * classifications, token counts and tokenizations are cached per text or
   * pair; deterministic chat and generation only when `chat` / `generate`
   * opt them in. `store` defaults to a 64 MiB `MemoryCacheStore`; `false`
   * turns the cache off. A bad option is a `configuration` error naming it.
   */
  cache(options: CacheOptions | false = {}): this {
    if (options === false) {
      this.#settings = { ...this.#settings, cache: false };
      return this;
    }
    // Resolved now (defaults applied, one store), so a bad option fails here.
    this.#settings = { ...this.#settings, cache: { ...resolveCacheOptions(options) } };
    return this;
  }

  /** Create what the entry names: a provider, with its descriptor when it has one. */
  async #create(
    entry: Entry,
  ): Promise<{ provider: ProviderV1; descriptor?: ProviderDescriptorV1<never> }> {
    switch (entry.kind) {
      case "provider":
        return { provider: await entry.provider };
      case "created":
        return entry;
      case "descriptor":
        return {
          provider: await entry.descriptor.create(entry.settings as never),
          descriptor: entry.descriptor,
        };
      case "catalog": {
        const catalogEntry = PROVIDER_CATALOG.find((known) => known.id === entry.id)!;
        const descriptor = await loadEntryDescriptor(catalogEntry, {
          ...(this.#importModule === undefined ? {} : { importModule: this.#importModule }),
          requestedBy: `The ${entry.shorthand}() shorthand`,
        });
        const settings = this.#catalogSettings.get(entry.id) ?? {};
        return {
          provider: await descriptor.create(settings),
          descriptor: descriptor as ProviderDescriptorV1<never>,
        };
      }
    }
  }

  /**
   * Load the shorthands' packages, create and register every provider and
   * return the gateway. Fails with `no_provider` when nothing is configured.
   */
  async build(): Promise<Gateway> {
    if (this.#entries.length === 0) {
      throw new RatatoskrError({
        code: "no_provider",
        message: `No provider configured: add one with .use(provider) or a shorthand such as ${BUILDER_SHORTHANDS.filter(
          (shorthand) => shorthand.registers,
        )
          .map((shorthand) => `.${shorthand.method}()`)
          .join(", ")}`,
      });
    }
    const created = await Promise.all(this.#entries.map((entry) => this.#create(entry)));
    const registry = new ProviderRegistry();
    for (const { provider, descriptor } of created) registry.register(provider, descriptor);
    const gateway = new Gateway(registry, { ...this.#settings, knownProviders: KNOWN_PROVIDERS });
    await sharedStateLoaded(gateway);
    return gateway;
  }
}
