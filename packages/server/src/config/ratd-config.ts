/**
 * The daemon's configuration, as `loadRatdConfig()` returns it: every
 * default filled in, every secret a {@link Secret}.
 */
import type { Capability } from "@ratatoskr/core";
import type { ParameterValidationPolicy } from "@ratatoskr/gateway";
import { DEFAULT_HOST, DEFAULT_PORT } from "../defaults.ts";
import type { CacheConfig, RedisConfig } from "./parse-cache.ts";
import type { TelemetryConfig } from "./parse-telemetry.ts";
import type { Secret } from "./secret.ts";

/** `[server]`. */
export interface ServerConfig {
  /** `address`: `host:port` as written (default `127.0.0.1:9741`). */
  readonly address: string;
  /** The host part of `address` (brackets of an IPv6 address removed). */
  readonly host: string;
  /** The port part of `address`. */
  readonly port: number;
  /** Whether `host` is a loopback address (`127.0.0.0/8`, `::1`, `localhost`). */
  readonly loopback: boolean;
  /** The bearer token clients must send: `secrets.toml` `[server].token`, else `RATD_TOKEN`. */
  readonly token: Secret | undefined;
  /** `[server.tls]`: certificate and key files (PEM); absent: plain text. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
}

/** `[limits]` (the original also read `[server.limits]`; both are accepted). */
export interface LimitsConfig {
  /** `max_concurrent_requests`: requests in flight at once, all clients together (default 100). */
  readonly maxConcurrentRequests: number;
  /** `max_concurrent_requests_per_client`: in flight at once per client address (default: no own limit). */
  readonly maxConcurrentRequestsPerClient: number | undefined;
  /**
   * `request_timeout_secs`, 0 for none (default 30): a unary call's overall
   * deadline; for a stream, the deadline of its first event and the longest
   * silence between events, but not its total length (see
   * `daemon/stream-deadlines.ts`).
   */
  readonly requestTimeoutSeconds: number;
  /** `max_request_bytes`: largest HTTP request body (default 4 MiB). */
  readonly maxRequestBytes: number;
  /** `max_message_bytes`: largest gRPC message, either way (default 4 MiB). */
  readonly maxMessageBytes: number;
  /** `shutdown_grace_secs`: how long streams in flight may finish after SIGTERM before they are cancelled (default 30). */
  readonly shutdownGraceSeconds: number;
}

/** `[providers.<name>] max_in_flight` and `requests_per_minute`. */
export interface ProviderBudgetConfig {
  /** `max_in_flight`: requests to this provider at once. */
  readonly maxInFlight?: number;
  /** `requests_per_minute`: requests to this provider per clock minute. */
  readonly requestsPerMinute?: number;
}

/** One `[providers.<name>]` table, mapped to its catalog provider. */
export interface ProviderConfig {
  /** The table's name (`huggingface`). */
  readonly name: string;
  /** The catalog provider id it configures (`huggingface`). */
  readonly id: string;
  /** `default_model`: the model to use when a request names none (kept from the original). */
  readonly defaultModel: string | undefined;
  /** Settings for the provider's descriptor, secrets excluded (`{ baseURL }`). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Its API key: `secrets.toml` `[<name>].api_key`, else its environment variable. */
  readonly apiKey: Secret | undefined;
  /**
   * `max_in_flight` and `requests_per_minute`: the gateway's own budget for
   * this provider (shared by every instance when `[redis] shared_budgets`).
   */
  readonly limits?: ProviderBudgetConfig;
}

/** The capabilities the original's `[routing]` names a preferred provider for. */
export type RoutingCapability = "chat" | "generate" | "embed" | "nli" | "classify" | "stance";

/** `[routing]`. */
export interface RoutingConfig {
  /** `chat = "anthropic"` …: the provider tried first for a capability (catalog ids). */
  readonly preferred: Readonly<Partial<Record<RoutingCapability, string>>>;
  /** `[routing.fallbacks]`: fallback targets (`"provider:model"`) per capability. */
  readonly fallbacks: Readonly<Partial<Record<Capability, readonly string[]>>>;
  /** `[routing.presets]`: preset table, `tier → capability → model` (or `{ model, parameters }`). */
  readonly presets: Readonly<Record<string, unknown>> | undefined;
  /** `parameter_validation`: `warn`, `error` or `ignore` (default: the gateway's, `warn`). */
  readonly parameterValidation: ParameterValidationPolicy | undefined;
}

/** `[discovery]`: accepted for compatibility with the original; this gateway does not use it. */
export interface DiscoveryConfig {
  readonly enabled: boolean;
  readonly ttlHours: number;
  readonly maxEntries: number;
}

/** `[registry]`: accepted for compatibility with the original; this gateway does not use it. */
export interface RegistryConfig {
  readonly remoteUrl: string | undefined;
  readonly cachePath: string | undefined;
}

/** Everything `ratd` is configured with. */
export interface RatdConfig {
  /** `file` when a configuration file was read, `defaults` when none exists. */
  readonly source: "file" | "defaults";
  /** The configuration file read. */
  readonly file: string | undefined;
  /** The secrets file read. */
  readonly secretsFile: string | undefined;
  readonly server: ServerConfig;
  readonly limits: LimitsConfig;
  /** The configured providers, in registration order (routing priority). */
  readonly providers: readonly ProviderConfig[];
  readonly routing: RoutingConfig;
  readonly discovery: DiscoveryConfig;
  readonly registry: RegistryConfig | undefined;
  /** `[telemetry]`: `/metrics` and OTLP traces. */
  readonly telemetry: TelemetryConfig;
  /** `[cache]`: the response cache. */
  readonly cache: CacheConfig;
  /** `[redis]`: the Redis server shared by instances (cache store, provider cool-downs); absent: none. */
  readonly redis: RedisConfig | undefined;
}

/** `[limits]` defaults: the original's (100 requests, 30 s) and this daemon's own. */
export const DEFAULT_LIMITS: LimitsConfig = Object.freeze({
  maxConcurrentRequests: 100,
  maxConcurrentRequestsPerClient: undefined,
  requestTimeoutSeconds: 30,
  maxRequestBytes: 4 * 1024 * 1024,
  maxMessageBytes: 4 * 1024 * 1024,
  shutdownGraceSeconds: 30,
});

/** `[server].address` by default. */
export const DEFAULT_ADDRESS = `${DEFAULT_HOST}:${DEFAULT_PORT}`;

/** `[providers.ollama].base_url` by default (the original's). */
export const DEFAULT_OLLAMA_BASE_URL = "http://localhost:11434";
