/** `ratd`'s telemetry: Prometheus metrics and OTLP traces. */
export { BoundedLabel, MAX_LABEL_LENGTH, OVERFLOW_LABEL } from "./bounded-label.ts";
export {
  createMetricsCollector,
  DEFAULT_MAX_MODEL_LABELS,
  type MetricsCollector,
  type MetricsCollectorOptions,
  NO_PROVIDER_LABEL,
  REQUEST_DURATION_BUCKETS,
} from "./metrics-collector.ts";
export { isMetricsRequest, METRICS_PATH, metricsHandler } from "./metrics-endpoint.ts";
export {
  DEFAULT_SERVICE_NAME,
  OTLP_TRACING_PACKAGES,
  type OtlpTracing,
  type OtlpTracingOptions,
  type PackageImporter,
  startOtlpTracing,
} from "./otlp-tracing.ts";
export { type RatdTelemetry, startRatdTelemetry } from "./ratd-telemetry.ts";
