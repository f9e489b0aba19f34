/**
 * `loadConfiguredProviders(env)`: every provider that the environment
 * configures, created — the public loader apps use instead of hand-written
 * provider loading. For each catalog entry it imports the package (a
 * missing one is reported, not thrown); third-party descriptors the caller
 * passes (`descriptors`) join after the catalog. It asks each descriptor
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
  /** The provider's id (`openrouter`, `ollama`, …). */
  id: string;
  /** Its name for people (`OpenRouter`). */
  displayName: string;
  /** The npm package that implements it. */
  packageName: string;
  /** Whether it was created, and if not, why not. */
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
  /** The catalog entry it came from; absent for a third-party descriptor. */
  entry?: CatalogEntry;
  /** The descriptor that created it. */
  descriptor: ProviderDescriptorV1<Record<string, unknown>>;
  /** The provider, created with the settings the environment gives. */
  provider: ProviderV1;
}

/** The result of {@link loadConfiguredProviders}. */
export interface ConfiguredProviders {
  /**
   * The created providers, in catalog order, then the given descriptors'
   * (registration order is routing priority).
   */
  providers: LoadedProvider[];
  /** Every entry considered, in the same order. */
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
  /** Only these provider ids (default: the whole catalog and every given descriptor). */
  only?: readonly string[];
  /**
   * Third-party provider descriptors (`ProviderDescriptorV1`, e.g. a
   * package's exported descriptor), considered after the catalog with the
   * same rules: `isConfigured(env)`, their `environment` variables,
   * `settings` and `defaults` by their id. An id that a catalog entry or an
   * earlier descriptor already has is reported `failed`, not created; a
   * value that is not a v1 descriptor is a `configuration` error.
   */
  descriptors?: readonly ProviderDescriptorV1<object>[];
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

/**
 * What is considered: a catalog entry (its package imported here), or a
 * given descriptor (with why it is not loaded, when its id is taken).
 */
type Source =
  | { readonly kind: "catalog"; readonly entry: CatalogEntry }
  | {
      readonly kind: "given";
      readonly descriptor: ProviderDescriptorV1<Record<string, unknown>>;
      readonly duplicate?: string;
    };

/** The descriptor of a catalog entry, or the report of why it did not load. */
async function catalogDescriptor(
  entry: CatalogEntry,
  options: LoadConfiguredProvidersOptions,
): Promise<
  | { descriptor: ProviderDescriptorV1<Record<string, unknown>> }
  | { state: ProviderLoadState; detail: string }
> {
  try {
    return {
      descriptor: await loadEntryDescriptor(entry, {
        ...(options.importModule === undefined ? {} : { importModule: options.importModule }),
        requestedBy: entry.displayName,
      }),
    };
  } catch (error) {
    const missing =
      RatatoskrError.isInstance(error, "configuration") && /is not installed/.test(error.message);
    return missing
      ? {
          state: "missing-package",
          detail: `${entry.packageName} is not installed: pnpm add ${entry.packageName}`,
        }
      : { state: "failed", detail: describeError(error) };
  }
}

async function loadOne(
  source: Source,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfiguredProvidersOptions,
): Promise<{ loaded?: LoadedProvider; report: ProviderLoadReport }> {
  const named = source.kind === "catalog" ? source.entry : source.descriptor;
  const base = {
    id: named.id,
    displayName: named.displayName,
    packageName: named.packageName,
    environment: named.environment ?? {},
    capabilities: [] as readonly Capability[],
  };
  // Before anything can fail: an import error may echo a key the environment holds.
  settingsFromEnvironment(base.environment, env);
  let descriptor: ProviderDescriptorV1<Record<string, unknown>>;
  if (source.kind === "given") {
    if (source.duplicate !== undefined) {
      return { report: { ...base, state: "failed", detail: source.duplicate } };
    }
    descriptor = source.descriptor;
  } else {
    const outcome = await catalogDescriptor(source.entry, options);
    if (!("descriptor" in outcome)) return { report: { ...base, ...outcome } };
    descriptor = outcome.descriptor;
  }
  const environment = descriptor.environment ?? base.environment;
  const known = { environment, capabilities: [...descriptor.capabilities] };
  const fromEnvironment = settingsFromEnvironment(environment, env);
  let configured: boolean;
  try {
    configured = descriptor.isConfigured?.(env) ?? true;
  } catch (error) {
    return { report: { ...base, ...known, state: "failed", detail: describeError(error) } };
  }
  const extra = options.settings?.[base.id];
  registerCredentials(extra);
  registerCredentials(options.defaults?.[base.id]);
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
      ...options.defaults?.[base.id],
      ...fromEnvironment,
      ...extra,
    });
    const from = Object.keys(fromEnvironment).map((setting) => environment[setting]);
    return {
      loaded:
        source.kind === "catalog"
          ? { entry: source.entry, descriptor, provider }
          : { descriptor, provider },
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
  const wanted = (id: string) => options.only === undefined || options.only.includes(id);
  const sources: Source[] = PROVIDER_CATALOG.filter((entry) => wanted(entry.id)).map((entry) => ({
    kind: "catalog",
    entry,
  }));
  // Who holds each id and alias, for the report of a descriptor whose name is taken.
  const holders = new Map<string, string>();
  for (const entry of PROVIDER_CATALOG) {
    for (const name of [entry.id, ...entry.aliases]) holders.set(name, "a first-party provider");
  }
  const given: unknown = options.descriptors === undefined ? [] : options.descriptors;
  if (!Array.isArray(given)) {
    throw new RatatoskrError({
      code: "configuration",
      message: `loadConfiguredProviders: descriptors must be an array of provider descriptors, got ${given === null ? "null" : typeof given}`,
    });
  }
  for (const [index, value] of given.entries()) {
    const descriptor = assertDescriptor(value, index);
    if (!wanted(descriptor.id)) continue;
    const names = [descriptor.id, ...(descriptor.aliases ?? [])];
    const clash = names.find((name) => holders.has(name));
    for (const name of names) if (!holders.has(name)) holders.set(name, "an earlier descriptor");
    sources.push(
      clash === undefined
        ? { kind: "given", descriptor }
        : {
            kind: "given",
            descriptor,
            duplicate: `not loaded: the id or alias "${clash}" is already taken by ${holders.get(clash)}`,
          },
    );
  }
  const outcomes = await Promise.all(sources.map((source) => loadOne(source, env, options)));
  return {
    providers: outcomes.flatMap((outcome) =>
      outcome.loaded === undefined ? [] : [outcome.loaded],
    ),
    report: outcomes.map((outcome) => outcome.report),
  };
}

/** `value` as a v1 descriptor, or a `configuration` error naming what is wrong with it. */
function assertDescriptor(
  value: unknown,
  index: number,
): ProviderDescriptorV1<Record<string, unknown>> {
  const where = `loadConfiguredProviders: descriptors[${index}]`;
  const fail = (problem: string): never => {
    throw new RatatoskrError({ code: "configuration", message: `${where} ${problem}` });
  };
  if (typeof value !== "object" || value === null) {
    return fail(
      `must be a provider descriptor (ProviderDescriptorV1), got ${value === null ? "null" : typeof value}`,
    );
  }
  const candidate = value as Partial<ProviderDescriptorV1<Record<string, unknown>>>;
  if (candidate.specificationVersion !== "v1") {
    fail(
      `has specificationVersion ${JSON.stringify(candidate.specificationVersion)}; this loader reads "v1" descriptors`,
    );
  }
  for (const field of ["id", "displayName", "packageName"] as const) {
    if (typeof candidate[field] !== "string" || candidate[field] === "") {
      fail(`needs a non-empty string ${field}`);
    }
  }
  if (!Array.isArray(candidate.capabilities)) fail("needs a capabilities array");
  if (typeof candidate.create !== "function") fail("needs a create() function");
  if (candidate.aliases !== undefined && !Array.isArray(candidate.aliases)) {
    fail("has aliases that are not an array");
  }
  return candidate as ProviderDescriptorV1<Record<string, unknown>>;
}
