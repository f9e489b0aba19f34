/**
 * Mounting `GET /metrics` in front of the daemon's HTTP fallback, behind the
 * bearer token or not as configured.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { isMetricsRequest, metricsHandler } from "../telemetry/metrics-endpoint.ts";
import type { RatdMetricsOptions } from "./start-ratd.ts";

type Handler = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void;

/**
 * `fallback`, with `/metrics` answered first when `metrics` is set:
 * through `guard` (the bearer-token check) unless `requireToken` is false.
 */
export function withMetricsRoute(
  fallback: Handler,
  metrics: RatdMetricsOptions | undefined,
  guard: (handler: Handler) => Handler,
): Handler {
  if (metrics === undefined) return fallback;
  const serve = metricsHandler(metrics.collector);
  const route = metrics.requireToken === false ? serve : guard(serve);
  return (request, response) => {
    if (isMetricsRequest(request)) return route(request, response);
    return fallback(request, response);
  };
}
