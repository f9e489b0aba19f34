/**
 * `[telemetry]` of the configuration file: Prometheus metrics on
 * `GET /metrics`, and OpenTelemetry traces exported over OTLP/HTTP.
 */
import { DEFAULT_MAX_MODEL_LABELS } from "../telemetry/metrics-collector.ts";
import { DEFAULT_SERVICE_NAME } from "../telemetry/otlp-tracing.ts";
import type { TableReader } from "./table-reader.ts";

/** `[telemetry]`. */
export interface TelemetryConfig {
  /** `metrics`: serve Prometheus metrics on `GET /metrics` (default true). */
  readonly metrics: boolean;
  /**
   * `metrics_require_token`: whether `/metrics` needs the bearer token when
   * the daemon has one, as `/v1/*` does (default true). Set false for a
   * scraper that cannot send `authorization: Bearer …`; the metrics hold
   * no secret, only counts and the model names callers used.
   */
  readonly metricsRequireToken: boolean;
  /** `max_model_labels`: distinct `model` label values kept; the rest count as `"other"` (default 100). */
  readonly maxModelLabels: number;
  /** `otlp_endpoint`: export traces over OTLP/HTTP to this URL (`http://collector:4318/v1/traces`); absent: no tracing. */
  readonly otlpEndpoint: string | undefined;
  /** `service_name`: the traces' `service.name` (default `ratd`). */
  readonly serviceName: string;
}

/** `[telemetry]` by default: metrics on, behind the token; no tracing. */
export const DEFAULT_TELEMETRY: TelemetryConfig = Object.freeze({
  metrics: true,
  metricsRequireToken: true,
  maxModelLabels: DEFAULT_MAX_MODEL_LABELS,
  otlpEndpoint: undefined,
  serviceName: DEFAULT_SERVICE_NAME,
});

const TELEMETRY_KEYS = [
  "metrics",
  "metrics_require_token",
  "max_model_labels",
  "otlp_endpoint",
  "service_name",
];

function readEndpoint(telemetry: TableReader): string | undefined {
  const endpoint = telemetry.string("otlp_endpoint");
  if (endpoint === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url !== undefined && (url.username !== "" || url.password !== "")) {
    throw telemetry.error(
      "otlp_endpoint",
      "must not carry credentials: set OTEL_EXPORTER_OTLP_HEADERS in the environment instead",
    );
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw telemetry.error(
      "otlp_endpoint",
      `must be an http:// or https:// URL (e.g. "http://localhost:4318/v1/traces"); got ${JSON.stringify(endpoint.slice(0, 60))}`,
    );
  }
  return endpoint;
}

/** `[telemetry]` (absent: {@link DEFAULT_TELEMETRY}). */
export function readTelemetry(telemetry: TableReader | undefined): TelemetryConfig {
  if (telemetry === undefined) return DEFAULT_TELEMETRY;
  const config: TelemetryConfig = {
    metrics: telemetry.boolean("metrics") ?? DEFAULT_TELEMETRY.metrics,
    metricsRequireToken:
      telemetry.boolean("metrics_require_token") ?? DEFAULT_TELEMETRY.metricsRequireToken,
    maxModelLabels:
      telemetry.integer("max_model_labels", { min: 1, max: 10_000 }) ??
      DEFAULT_TELEMETRY.maxModelLabels,
    otlpEndpoint: readEndpoint(telemetry),
    serviceName: telemetry.string("service_name") ?? DEFAULT_TELEMETRY.serviceName,
  };
  telemetry.finish(TELEMETRY_KEYS);
  return Object.freeze(config);
}
