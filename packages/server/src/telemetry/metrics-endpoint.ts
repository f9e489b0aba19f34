/**
 * `GET /metrics` on the daemon's HTTP port: the collector's metrics in the
 * Prometheus text format.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { MetricsCollector } from "./metrics-collector.ts";

/** The path `ratd` serves its metrics on. */
export const METRICS_PATH = "/metrics";

/** Whether a request is for {@link METRICS_PATH} (any query string ignored). */
export function isMetricsRequest(request: IncomingMessage | Http2ServerRequest): boolean {
  return (request.url ?? "/").split("?", 1)[0] === METRICS_PATH;
}

/**
 * A handler answering `GET` (and `HEAD`) with the collector's metrics, and
 * any other method with 405.
 */
export function metricsHandler(
  collector: MetricsCollector,
): (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void {
  return (request, response) => {
    const http1 = response as ServerResponse;
    if (request.method !== "GET" && request.method !== "HEAD") {
      http1.writeHead(405, { "content-type": "application/json", allow: "GET, HEAD" });
      http1.end(JSON.stringify({ error: { message: "use GET", type: "method_not_allowed" } }));
      return;
    }
    collector.metrics().then(
      (text) => {
        http1.writeHead(200, { "content-type": collector.contentType });
        http1.end(request.method === "HEAD" ? undefined : text);
      },
      () => {
        http1.writeHead(500, { "content-type": "text/plain" });
        http1.end("metrics collection failed\n");
      },
    );
  };
}
