/**
 * `startOtlpTracing()`: the daemon's trace pipeline when `[telemetry]`
 * names an `otlp_endpoint`: an OpenTelemetry tracer provider of its own
 * (the global one is left alone), batching spans to an OTLP/HTTP exporter,
 * and the gateway hooks of `@ratatoskr/telemetry` writing to it.
 *
 * The OpenTelemetry SDK packages (`@opentelemetry/sdk-trace`,
 * `@opentelemetry/exporter-trace-otlp-http`, `@opentelemetry/resources`)
 * are optional peer dependencies, imported only here: they need Node
 * >= 22.15, while ratd runs on Node 20, and a daemon without tracing should
 * not carry them. Install them beside `@ratatoskr/server` to trace.
 */
import type { Tracer } from "@opentelemetry/api";
import { RatatoskrError } from "@ratatoskr/core";
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

/** The SDK packages tracing needs (optional peers of `@ratatoskr/server`). */
export const OTLP_TRACING_PACKAGES = [
  "@opentelemetry/sdk-trace",
  "@opentelemetry/exporter-trace-otlp-http",
  "@opentelemetry/resources",
] as const;

/** How packages are imported (tests inject one). */
export type PackageImporter = (specifier: string) => Promise<unknown>;

async function importSdk(importModule: PackageImporter) {
  try {
    const [trace, exporter, resources] = await Promise.all(
      OTLP_TRACING_PACKAGES.map((specifier) => importModule(specifier)),
    );
    return {
      ...(trace as typeof import("@opentelemetry/sdk-trace")),
      ...(exporter as typeof import("@opentelemetry/exporter-trace-otlp-http")),
      ...(resources as typeof import("@opentelemetry/resources")),
    };
  } catch (error) {
    throw new RatatoskrError({
      code: "configuration",
      message: `[telemetry].otlp_endpoint needs the OpenTelemetry SDK beside @ratatoskr/server: npm install ${OTLP_TRACING_PACKAGES.join(" ")} (Node >= 22.15)`,
      cause: error,
    });
  }
}

/**
 * Start exporting the gateway's spans to `endpoint` over OTLP/HTTP. The
 * exporter also honours the standard `OTEL_EXPORTER_OTLP_HEADERS` /
 * `OTEL_EXPORTER_OTLP_TRACES_HEADERS` environment variables (credentials
 * for the collector stay out of the configuration file). Rejects with a
 * `configuration` error naming the packages to install when the SDK is
 * missing ({@link OTLP_TRACING_PACKAGES}).
 */
export async function startOtlpTracing(
  options: OtlpTracingOptions,
  importModule: PackageImporter = (specifier) => import(specifier),
): Promise<OtlpTracing> {
  const { TracerProvider, BatchSpanProcessor, OTLPTraceExporter, resourceFromAttributes } =
    await importSdk(importModule);
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
