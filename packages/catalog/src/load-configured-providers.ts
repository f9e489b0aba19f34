/**
 * `loadConfiguredProviders(env)`: every first-party provider that the
 * environment configures, created — the public loader apps use instead of
 * hand-written provider loading. For each catalog entry it imports the
 * package (a missing one is reported, not thrown), asks the descriptor
 * whether `env` configures it, and creates it with the settings its
 * environment variables give (plus the caller's). Every outcome is
 * reported, so an app can show what is ready and what to configure.
 */
import {
  type Capability,
  type ProviderDescriptorV1,
  type ProviderV1,
  RatatoskrError,
  redactSecrets,
  registerSecret,
} from "@ratatoskr/core";
import { loadEntryDescriptor } from "./load-descriptor.ts";
import type { ModuleImporter } from "./module-importer.ts";
import { type CatalogEntry, PROVIDER_CATALOG } from "./provider-catalog.ts";

/** Where a provider stands after loading. */
export type ProviderLoadState = "ready" | "not-configured" | "missing-package" | "failed";

/** What happened to one catalog entry. Never holds a key. */
export interface ProviderLoadReport {
  id: string;
  displayName: string;
  packageName: string;
  state: ProviderLoadState;
  /** What happened, or what is missing (redacted, at most 400 characters). */
  detail: string;
  /** The environment variables it reads, by setting name (what to set to configure it). */
  environment: Readonly<Record<string, string>>;
  /** What its descriptor says it offers (empty when its package did not load). */
  capabilities: readonly Capability[];
}

/** A provider created from its descriptor; pass it to the builder's `.use()`. */
export interface LoadedProvider {
  entry: CatalogEntry;
  descriptor: ProviderDescriptorV1<Record<string, unknown>>;
  provider: ProviderV1;
}

/** The result of {@link loadConfiguredProviders}. */
export interface ConfiguredProviders {
  /** The created providers, in catalog order (registration order is routing priority). */
  providers: LoadedProvider[];
  /** Every entry considered, in catalog order. */
  report: ProviderLoadReport[];
}

/** Options of {@link loadConfiguredProviders}. */
export interface LoadConfiguredProvidersOptions {
  /** How packages are imported (tests inject one). */
  importModule?: ModuleImporter;
  /**
   * Settings per provider id, over what the environment gives (e.g.
   * `{openrouter: {appName}}`). An entry given settings is configured even
   * when the environment does not configure it.
   */
  settings?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Settings per provider id under what the environment gives, used only
   * when the provider is configured (by the environment or `settings`):
   * an app's preferences, such as `{openrouter: {appName}}` or a base URL
   * from its configuration file, that must not configure a provider by
   * themselves.
   */
  defaults?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Only these provider ids (default: the whole catalog). */
  only?: readonly string[];
}

/** Longest `detail` kept. */
const MAX_DETAIL = 400;
/** Settings whose values are credentials: registered for redaction before anything can echo them. */
const CREDENTIAL = /key|token|secret|password/i;

function describeError(error: unknown): string {
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  return message.length > MAX_DETAIL ? `${message.slice(0, MAX_DETAIL)}…` : message;
}

/** The settings `env` gives an entry (by its descriptor's environment variables, else the catalog's). */
function settingsFromEnvironment(
  environment: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [setting, variable] of Object.entries(environment)) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    if (CREDENTIAL.test(setting)) registerSecret(value);
    settings[setting] = value;
  }
  return settings;
}

/** Register the values of credential settings the caller passes, as the environment's are. */
function registerCredentials(settings: Readonly<Record<string, unknown>> | undefined): void {
  for (const [setting, value] of Object.entries(settings ?? {})) {
    if (CREDENTIAL.test(setting) && typeof value === "string") registerSecret(value);
  }
}

async function loadOne(
  entry: CatalogEntry,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfiguredProvidersOptions,
): Promise<{ loaded?: LoadedProvider; report: ProviderLoadReport }> {
  const base = {
    id: entry.id,
    displayName: entry.displayName,
    packageName: entry.packageName,
    environment: entry.environment,
    capabilities: [] as readonly Capability[],
  };
  // Before anything can fail: an import error may echo a key the environment holds.
  settingsFromEnvironment(entry.environment, env);
  let descriptor: ProviderDescriptorV1<Record<string, unknown>>;
  try {
    descriptor = await loadEntryDescriptor(entry, {
      ...(options.importModule === undefined ? {} : { importModule: options.importModule }),
      requestedBy: entry.displayName,
    });
  } catch (error) {
    const missing =
      RatatoskrError.isInstance(error, "configuration") && /is not installed/.test(error.message);
    return {
      report: {
        ...base,
        state: missing ? "missing-package" : "failed",
        detail: missing
          ? `${entry.packageName} is not installed: pnpm add ${entry.packageName}`
          : describeError(error),
      },
    };
  }
  const environment = descriptor.environment ?? entry.environment;
  const known = { environment, capabilities: [...descriptor.capabilities] };
  const fromEnvironment = settingsFromEnvironment(environment, env);
  let configured: boolean;
  try {
    configured = descriptor.isConfigured?.(env) ?? true;
  } catch (error) {
    return { report: { ...base, ...known, state: "failed", detail: describeError(error) } };
  }
  const extra = options.settings?.[entry.id];
  registerCredentials(extra);
  registerCredentials(options.defaults?.[entry.id]);
  if (!configured && extra === undefined) {
    const variables = Object.values(environment);
    return {
      report: {
        ...base,
        ...known,
        state: "not-configured",
        detail:
          variables.length === 0
            ? "not configured"
            : `not configured: set ${variables.join(" or ")}`,
      },
    };
  }
  try {
    const provider = await descriptor.create({
      ...options.defaults?.[entry.id],
      ...fromEnvironment,
      ...extra,
    });
    const from = Object.keys(fromEnvironment).map((setting) => environment[setting]);
    return {
      loaded: { entry, descriptor, provider },
      report: {
        ...base,
        ...known,
        state: "ready",
        detail: from.length === 0 ? "ready" : `ready (from ${from.join(", ")})`,
      },
    };
  } catch (error) {
    return { report: { ...base, ...known, state: "failed", detail: describeError(error) } };
  }
}

/**
 * Create every first-party provider whose descriptor says `env` configures
 * it (`isConfigured(env)`; a descriptor without one is always configured,
 * and so is an entry the caller gives `settings` for). Packages load in
 * parallel; nothing throws for a missing package or a provider that fails
 * to create — the report says so.
 *
 * @example
 * ```ts
 * const { providers, report } = await loadConfiguredProviders(process.env);
 * const builder = Ratatoskr.builder();
 * for (const loaded of providers) builder.use(loaded);
 * const gateway = await builder.build();
 * ```
 */
export async function loadConfiguredProviders(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: LoadConfiguredProvidersOptions = {},
): Promise<ConfiguredProviders> {
  const entries =
    options.only === undefined
      ? PROVIDER_CATALOG
      : PROVIDER_CATALOG.filter((entry) => options.only!.includes(entry.id));
  const outcomes = await Promise.all(entries.map((entry) => loadOne(entry, env, options)));
  return {
    providers: outcomes.flatMap((outcome) =>
      outcome.loaded === undefined ? [] : [outcome.loaded],
    ),
    report: outcomes.map((outcome) => outcome.report),
  };
}
