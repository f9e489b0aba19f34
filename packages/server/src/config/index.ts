/** `ratd`'s configuration: TOML files compatible with the original daemon's. */
export {
  type CheckConfigOptions,
  type CheckConfigResult,
  checkConfig,
  summarizeConfig,
} from "./check-config.ts";
export {
  assertSecretsMode,
  CONFIG_FILE_NAME,
  type ConfigLocations,
  DEFAULT_ETC_DIRECTORY,
  findConfigFile,
  findSecretsFile,
  SECRETS_FILE_NAME,
} from "./config-files.ts";
export {
  type GatewayFromConfigOptions,
  gatewayFromConfig,
  registrationOrder,
} from "./gateway-from-config.ts";
export { type LoadRatdConfigOptions, loadRatdConfig } from "./load-ratd-config.ts";
export {
  type CacheConfig,
  DEFAULT_CACHE,
  DEFAULT_REDIS_KEY_PREFIX,
  type RedisConfig,
} from "./parse-cache.ts";
export { DEFAULT_TELEMETRY, readTelemetry, type TelemetryConfig } from "./parse-telemetry.ts";
export {
  DEFAULT_ADDRESS,
  DEFAULT_LIMITS,
  DEFAULT_OLLAMA_BASE_URL,
  type DiscoveryConfig,
  type LimitsConfig,
  type ProviderBudgetConfig,
  type ProviderConfig,
  type RatdConfig,
  type RegistryConfig,
  type RoutingCapability,
  type RoutingConfig,
  type ServerConfig,
} from "./ratd-config.ts";
export { Secret } from "./secret.ts";
