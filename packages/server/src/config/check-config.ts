/**
 * `checkConfig()`: what `ratd --check-config` runs — everything the
 * daemon would check before serving, without serving.
 */
import type { RatatoskrBuilder } from "@ratatoskr/gateway";
import {
  type GatewayFromConfigOptions,
  gatewayFromConfig,
  registrationOrder,
} from "./gateway-from-config.ts";
import { type LoadRatdConfigOptions, loadRatdConfig } from "./load-ratd-config.ts";
import type { RatdConfig } from "./ratd-config.ts";

/** Options of {@link checkConfig}: where to look, and how providers are imported. */
export interface CheckConfigOptions extends LoadRatdConfigOptions {
  /** How provider packages are imported (tests inject one). */
  readonly importModule?: GatewayFromConfigOptions["importModule"];
  /** Called with the builder before the check's `build()`. */
  readonly configure?: (builder: RatatoskrBuilder) => void;
}

/** A configuration that passed every check. */
export interface CheckConfigResult {
  readonly ok: true;
  /** A human summary (files, bind address, limits, providers), secrets never shown. */
  readonly summary: string;
  /** The configuration checked. */
  readonly config: RatdConfig;
}

/**
 * Load the configuration and secrets (files, modes, every key), create
 * every configured provider (no network call) and release them again. A
 * problem throws the `configuration` error `ratd` would stop with.
 */
export async function checkConfig(options: CheckConfigOptions = {}): Promise<CheckConfigResult> {
  const config = await loadRatdConfig(options);
  const gateway = await gatewayFromConfig(config, {
    ...(options.importModule === undefined ? {} : { importModule: options.importModule }),
    ...(options.configure === undefined ? {} : { configure: options.configure }),
  });
  await gateway.dispose();
  return { ok: true, summary: summarizeConfig(config), config };
}

/** The human summary of {@link CheckConfigResult}: no secret, only where each came from. */
export function summarizeConfig(config: RatdConfig): string {
  const { server, limits, routing } = config;
  const lines = [
    `configuration: ${config.file ?? "none found, defaults"}`,
    `secrets: ${config.secretsFile ?? "no secrets file (environment variables only)"}`,
    `listen: ${server.address}${server.tls === undefined ? "" : " (TLS)"}${server.loopback ? " (loopback only)" : ""}`,
    `token: ${server.token === undefined ? "none" : `set (from ${server.token.origin})`}`,
    `limits: ${limits.maxConcurrentRequests} concurrent requests${limits.maxConcurrentRequestsPerClient === undefined ? "" : `, ${limits.maxConcurrentRequestsPerClient} per client`}, request timeout ${limits.requestTimeoutSeconds === 0 ? "none" : `${limits.requestTimeoutSeconds} s`}, request body ${limits.maxRequestBytes} bytes, gRPC message ${limits.maxMessageBytes} bytes, shutdown grace ${limits.shutdownGraceSeconds} s`,
    "providers (routing order):",
    ...registrationOrder(config).map((provider) => {
      const settings = Object.entries(provider.settings).map(
        ([key, value]) => `${key}=${String(value)}`,
      );
      const key = provider.apiKey === undefined ? "" : `, key from ${provider.apiKey.origin}`;
      const model =
        provider.defaultModel === undefined ? "" : `, default model ${provider.defaultModel}`;
      return `  ${provider.name}${settings.length === 0 ? "" : ` (${settings.join(", ")})`}${key}${model}`;
    }),
  ];
  const preferred = Object.entries(routing.preferred);
  if (preferred.length > 0) {
    lines.push(
      `routing: ${preferred.map(([capability, id]) => `${capability} → ${id}`).join(", ")}`,
    );
  }
  for (const [capability, targets] of Object.entries(routing.fallbacks)) {
    lines.push(`fallbacks ${capability}: ${(targets ?? []).join(", ")}`);
  }
  if (routing.presets !== undefined)
    lines.push(`presets: ${Object.keys(routing.presets).join(", ")}`);
  if (routing.parameterValidation !== undefined) {
    lines.push(`parameter validation: ${routing.parameterValidation}`);
  }
  const { cache, redis } = config;
  lines.push(
    cache.enabled
      ? `cache: ${cache.store === "redis" ? "redis" : `memory (${cache.maxBytes} bytes)`}, chat ${cache.chat ? "on" : "off"}, generate ${cache.generate ? "on" : "off"}`
      : "cache: off",
  );
  if (redis !== undefined) {
    lines.push(
      `redis: ${redisServer(redis.url.reveal())} (URL from ${redis.url.origin}), key prefix ${redis.keyPrefix}, shared cool-downs ${redis.sharedState ? "on" : "off"}`,
    );
  }
  lines.push(
    `telemetry: metrics ${config.telemetry.metrics ? "on" : "off"}, traces ${config.telemetry.otlpEndpoint ?? "off"}`,
  );
  return lines.join("\n");
}

/** `host:port` of a Redis URL: never its user or password. */
function redisServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "(unparsable URL)";
  }
}
