/**
 * The Service page's API: the connected `ratd`'s health (its `Health`
 * RPC) and its Prometheus metrics (`GET /metrics` on its HTTP port),
 * summarised: calls by capability and outcome, the response cache's hit
 * rate, the tokens counted. Not connected (embedded mode), the answer says
 * how to connect. Either half failing is reported in its place, with its
 * typed error; the other half still shows.
 */
import { Hono } from "hono";
import { SERVICE_HINTS } from "../capability-hints.ts";
import { parsePrometheusText } from "../prometheus-text.ts";
import type { RemoteService } from "../remote-service.ts";
import { summariseServiceMetrics } from "../service-metrics.ts";
import { errorBody, errorHandlerFor } from "./error-response.ts";
import type { PlaygroundServerContext } from "./server-context.ts";

/** `promise`'s value, or its failure as an API error body. */
async function settle<T>(promise: Promise<T>) {
  try {
    return { value: await promise, error: null };
  } catch (error) {
    return { value: null, error: errorBody(error).error };
  }
}

/** The daemon's health and summarised metrics. */
async function serviceReport(service: RemoteService, signal: AbortSignal) {
  const [health, metrics] = await Promise.all([
    settle(service.health(signal)),
    settle(
      service
        .scrapeMetrics(signal)
        .then((text) => summariseServiceMetrics(parsePrometheusText(text))),
    ),
  ]);
  return {
    connected: true as const,
    url: service.url,
    metricsUrl: service.metricsUrl,
    health:
      health.value === null
        ? null
        : {
            healthy: health.value.healthy,
            version: health.value.version,
            gitSha: health.value.gitSha ?? null,
            providers: [...health.value.providers],
            cooling: (health.value.cooling ?? []).map((entry) => ({ ...entry })),
          },
    healthError: health.error,
    metrics: metrics.value,
    metricsError: metrics.error,
  };
}

/** `GET /service`: the connected daemon's health and metrics, or how to connect one. */
export function serviceRoutes(context: PlaygroundServerContext) {
  return new Hono()
    .get("/service", async (c) => {
      if (context.service === undefined) {
        return c.json({
          connected: false as const,
          mode: context.mode,
          hints: [...SERVICE_HINTS],
        });
      }
      return c.json(await serviceReport(context.service, c.req.raw.signal));
    })
    .onError(errorHandlerFor());
}
