/**
 * `loadRatdConfig()`: find, read and check `ratd`'s configuration and
 * secrets, as the original daemon lays them out (see {@link findConfigFile}).
 */
import { access, constants } from "node:fs/promises";
import {
  assertSecretsMode,
  type ConfigLocations,
  findConfigFile,
  findSecretsFile,
} from "./config-files.ts";
import { readCache, readRedis } from "./parse-cache.ts";
import { readProviders } from "./parse-providers.ts";
import { readRouting } from "./parse-routing.ts";
import { NO_SECRETS, readSecrets } from "./parse-secrets.ts";
import { readLimits, readServer } from "./parse-server.ts";
import { readTelemetry } from "./parse-telemetry.ts";
import type { DiscoveryConfig, RatdConfig, RegistryConfig } from "./ratd-config.ts";
import { readTomlFile } from "./read-toml-file.ts";
import { Secret } from "./secret.ts";
import { TableReader } from "./table-reader.ts";

/** Options of {@link loadRatdConfig}. */
export interface LoadRatdConfigOptions extends ConfigLocations {
  /** Environment variables: the fallback for absent secrets (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The platform, for the secrets mode check (skipped on `win32`; default `process.platform`). */
  readonly platform?: NodeJS.Platform;
}

/** The top-level sections, the original's names. */
const SECTIONS = [
  "server",
  "limits",
  "providers",
  "routing",
  "discovery",
  "registry",
  "telemetry",
  "cache",
  "redis",
];

/** Where the configuration came from: the file, or what stands in for it. */
function where(file: string | undefined): string {
  return file ?? "(defaults)";
}

async function assertReadable(table: TableReader, key: string, path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw table.error(key, `file ${JSON.stringify(path)} does not exist or cannot be read`);
  }
}

/**
 * Load `ratd`'s configuration: the file is `path` (`--config`), else
 * `<home>/.ratatoskr/config.toml`, else `<etcDirectory>/config.toml`
 * (none: the defaults, `source: "defaults"`); secrets come from
 * `secrets.toml` beside it, else `<home>/.ratatoskr/`, else
 * `<etcDirectory>/`, and must have mode 0600 or 0400; environment
 * variables stand in for absent secrets. Every problem is a
 * `configuration` error naming the file, the key and what is wrong;
 * unknown keys are errors too (a misspelt key would otherwise be ignored).
 * Secrets are {@link Secret}s: they never print.
 *
 * @example
 * ```ts
 * const config = await loadRatdConfig({ path: argv.config });
 * const gateway = await gatewayFromConfig(config);
 * ```
 */
export async function loadRatdConfig(options: LoadRatdConfigOptions = {}): Promise<RatdConfig> {
  const env = options.env ?? process.env;
  const file = await findConfigFile(options);
  const secretsFile = await findSecretsFile(file, options);
  let secrets = NO_SECRETS;
  if (secretsFile !== undefined) {
    await assertSecretsMode(secretsFile, options.platform);
    secrets = readSecrets(secretsFile, await readTomlFile(secretsFile));
  }
  const top = new TableReader(where(file), "", file === undefined ? {} : await readTomlFile(file));
  const { section: server, limits: serverLimits } = readServer(top.table("server"));
  const limits = readLimits(top.table("limits"), serverLimits);
  const providersTable = top.table("providers");
  const providers = readProviders(providersTable, secrets, env, secretsFile);
  const routing = readRouting(top.table("routing"), providers);
  const discovery = readDiscovery(top.table("discovery"));
  const registry = readRegistry(top.table("registry"));
  const telemetry = readTelemetry(top.table("telemetry"));
  const cache = readCache(top.table("cache"));
  const redis = readRedis(top.table("redis"), secrets.redisUrl, env);
  top.finish(SECTIONS);
  if (cache.enabled && cache.store === "redis" && redis === undefined) {
    throw new TableReader(where(file), "cache", {}).error(
      "store",
      'is "redis", which needs a [redis] table (url, or [redis] url in secrets.toml)',
    );
  }

  const tokenValue = env.RATD_TOKEN;
  const token =
    secrets.token ??
    (tokenValue === undefined || tokenValue === ""
      ? undefined
      : new Secret(tokenValue, "RATD_TOKEN"));
  const serverTable = new TableReader(where(file), "server", {});
  if (!server.loopback && token === undefined) {
    throw serverTable.error(
      "address",
      `${server.address} listens beyond loopback, which needs a bearer token: set token under [server] in secrets.toml, or RATD_TOKEN`,
    );
  }
  if (server.tls !== undefined) {
    const tls = new TableReader(where(file), "server.tls", {});
    await assertReadable(tls, "cert_file", server.tls.certFile);
    await assertReadable(tls, "key_file", server.tls.keyFile);
  }
  return Object.freeze({
    source: file === undefined ? "defaults" : "file",
    file,
    secretsFile,
    server: Object.freeze({ ...server, token }),
    limits,
    providers: Object.freeze(providers),
    routing,
    discovery,
    registry,
    telemetry,
    cache,
    redis,
  });
}

function readDiscovery(discovery: TableReader | undefined): DiscoveryConfig {
  const config = {
    enabled: discovery?.boolean("enabled") ?? true,
    ttlHours: discovery?.integer("ttl_hours", { min: 1, max: 87_600 }) ?? 24,
    maxEntries: discovery?.integer("max_entries", { min: 1, max: 10_000_000 }) ?? 1000,
  };
  discovery?.finish(["enabled", "ttl_hours", "max_entries"]);
  return Object.freeze(config);
}

function readRegistry(registry: TableReader | undefined): RegistryConfig | undefined {
  if (registry === undefined) return undefined;
  const config = {
    remoteUrl: registry.string("remote_url"),
    cachePath: registry.string("cache_path"),
  };
  registry.finish(["remote_url", "cache_path"]);
  return Object.freeze(config);
}
