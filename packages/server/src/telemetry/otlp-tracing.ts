/**
 * `startOtlpTracing()`: the daemon's trace pipeline when `[telemetry]`
 * names an `otlp_endpoint`: an OpenTelemetry tracer provider of its own
 * (the global one is left alone), batching spans to an OTLP/HTTP exporter,
 * and the gateway hooks of `@ratatoskr/telemetry` writing to it.
 */
import type { Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { GatewayHooks } from "@ratatoskr/gateway";
import { INSTRUMENTATION_SCOPE, openTelemetryHooks } from "@ratatoskr/telemetry";

/** Options of {@link startOtlpTracing}. */
export interface OtlpTracingOptions {
  /** Where spans are posted (OTLP/HTTP, JSON): `http://collector:4318/v1/traces`. */
  readonly endpoint: string;
  /** The resource's `service.name` (default `ratd`). */
  readonly serviceName?: string;
  /** The version the resource reports as `service.version`. */
  readonly serviceVersion?: string;
}

/** A running trace pipeline. */
export interface OtlpTracing {
  /** The tracer the hooks write to. */
  readonly tracer: Tracer;
  /** The gateway hooks producing the spans. */
  readonly hooks: GatewayHooks;
  /** Export the spans still queued, now. */
  flush(): Promise<void>;
  /** Export what is queued, then stop (idempotent). */
  shutdown(): Promise<void>;
}

/** The `service.name` by default. */
export const DEFAULT_SERVICE_NAME = "ratd";

/**
 * Start exporting the gateway's spans to `endpoint` over OTLP/HTTP. The
 * exporter also honours the standard `OTEL_EXPORTER_OTLP_HEADERS` /
 * `OTEL_EXPORTER_OTLP_TRACES_HEADERS` environment variables (credentials
 * for the collector stay out of the configuration file).
 */
export function startOtlpTracing(options: OtlpTracingOptions): OtlpTracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": options.serviceName ?? DEFAULT_SERVICE_NAME,
      ...(options.serviceVersion === undefined
        ? {}
        : { "service.version": options.serviceVersion }),
    }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.endpoint }) }),
    ],
  });
  const tracer = provider.getTracer(INSTRUMENTATION_SCOPE);
  let stopped: Promise<void> | undefined;
  return {
    tracer,
    hooks: openTelemetryHooks({ tracer }),
    flush: () => provider.forceFlush(),
    shutdown: () => {
      stopped ??= provider.shutdown();
      return stopped;
    },
  };
}
