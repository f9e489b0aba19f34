/**
 * What `[telemetry]` switches on in `ratd`: the Prometheus collector and
 * the OTLP trace pipeline, and the gateway hooks feeding both.
 */
import { combineHooks, type GatewayHooks } from "@ratatoskr/gateway";
import type { TelemetryConfig } from "../config/parse-telemetry.ts";
import type { RatdMetricsOptions } from "../daemon/start-ratd.ts";
import { createMetricsCollector } from "./metrics-collector.ts";
import { type OtlpTracing, type PackageImporter, startOtlpTracing } from "./otlp-tracing.ts";

/** The daemon's telemetry. */
export interface RatdTelemetry {
  /** The hooks to give the gateway (undefined: nothing to feed). */
  readonly hooks: GatewayHooks | undefined;
  /** `startRatd`'s `metrics` option (undefined: `/metrics` is not served). */
  readonly metrics: RatdMetricsOptions | undefined;
  /** The trace pipeline, when `otlp_endpoint` is set. */
  readonly tracing: OtlpTracing | undefined;
  /** Export the spans still queued and stop the trace pipeline. */
  shutdown(): Promise<void>;
}

/**
 * Start what `config` asks for (no network is touched until a span is
 * exported). Rejects with a `configuration` error when `otlp_endpoint` is
 * set but the OpenTelemetry SDK is not installed.
 */
export async function startRatdTelemetry(
  config: TelemetryConfig,
  options: { serviceVersion?: string; importModule?: PackageImporter } = {},
): Promise<RatdTelemetry> {
  const collector = config.metrics
    ? createMetricsCollector({ maxModelLabels: config.maxModelLabels })
    : undefined;
  const tracing =
    config.otlpEndpoint === undefined
      ? undefined
      : await startOtlpTracing(
          {
            endpoint: config.otlpEndpoint,
            serviceName: config.serviceName,
            ...(options.serviceVersion === undefined
              ? {}
              : { serviceVersion: options.serviceVersion }),
          },
          ...(options.importModule === undefined ? [] : [options.importModule]),
        );
  const hookSets = [collector?.hooks, tracing?.hooks].filter(
    (hooks): hooks is GatewayHooks => hooks !== undefined,
  );
  return {
    hooks: hookSets.length === 0 ? undefined : combineHooks(...hookSets),
    metrics:
      collector === undefined ? undefined : { collector, requireToken: config.metricsRequireToken },
    tracing,
    shutdown: async () => {
      await tracing?.shutdown();
    },
  };
}
