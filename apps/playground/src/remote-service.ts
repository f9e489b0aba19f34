/**
 * The running `ratd` behind the playground in remote mode, as the Service
 * page sees it: its health (the `Health` RPC of `@ratatoskr/client`) and
 * its Prometheus metrics, scraped from `GET /metrics` on its HTTP port
 * with the same bearer token. The token stays in here: neither the URL
 * nor any error carries it, and it is sent only to the daemon's own origin
 * (a `RATATOSKR_METRICS_URL` elsewhere is scraped without it).
 */
import type { ServiceClient } from "@ratatoskr/client";
import { RatatoskrError } from "@ratatoskr/core";
import { metricsUrlOf } from "./playground-config.ts";

/** The daemon's health, as the client reports it. */
export type DaemonHealth = Awaited<ReturnType<ServiceClient["health"]>>;

/** What the Service page asks of the connected daemon. */
export interface RemoteService {
  /** The daemon's URL (`RATATOSKR_URL`). */
  readonly url: string;
  /** Where its metrics are scraped (`RATATOSKR_METRICS_URL`, or `/metrics` on `url`). */
  readonly metricsUrl: string;
  /** The daemon's health: whether it serves, its version, providers, cool-downs. */
  health(signal?: AbortSignal): Promise<DaemonHealth>;
  /** The daemon's metrics in the Prometheus text format; rejects with a typed error. */
  scrapeMetrics(signal?: AbortSignal): Promise<string>;
}

/** The typed error for a scrape answered with `status`. */
function scrapeError(metricsUrl: string, status: number): RatatoskrError {
  if (status === 401 || status === 403) {
    return new RatatoskrError({
      code: "authentication",
      message: `${metricsUrl} refused the scrape (HTTP ${status}): set RATATOSKR_TOKEN to the daemon's token`,
    });
  }
  if (status === 404) {
    return new RatatoskrError({
      code: "configuration",
      message: `${metricsUrl} serves no metrics (HTTP 404): enable [telemetry] metrics in the daemon's configuration, or point RATATOSKR_METRICS_URL at them`,
    });
  }
  return new RatatoskrError({
    code: "http",
    message: `${metricsUrl} answered the scrape with HTTP ${status}`,
    status,
  });
}

/** Whether two URLs share scheme, host and port (false when either does not parse). */
function sameOrigin(first: string, second: string): boolean {
  try {
    return new URL(first).origin === new URL(second).origin;
  } catch {
    return false;
  }
}

/** Options of {@link createRemoteService}. */
export interface RemoteServiceOptions {
  url: string;
  token: string | undefined;
  metricsUrl?: string | undefined;
  /** `fetch` for the scrape (tests). */
  fetch?: typeof globalThis.fetch;
}

/** The Service page's view of the daemon that `client` talks to. */
export function createRemoteService(
  client: Pick<ServiceClient, "health">,
  options: RemoteServiceOptions,
): RemoteService {
  const metricsUrl = options.metricsUrl ?? metricsUrlOf(options.url);
  const fetcher = options.fetch ?? globalThis.fetch;
  // The daemon's token goes to the daemon only, never to another origin.
  const token = sameOrigin(metricsUrl, options.url) ? options.token : undefined;
  return {
    url: options.url,
    metricsUrl,
    health: (signal) => client.health(signal === undefined ? {} : { signal }),
    async scrapeMetrics(signal) {
      let response: Response;
      try {
        response = await fetcher(metricsUrl, {
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
          ...(signal === undefined ? {} : { signal }),
        });
      } catch {
        // The cause is dropped on purpose: nothing of the request (its header) travels on.
        throw new RatatoskrError({
          code: signal?.aborted ? "aborted" : "network",
          message: `Cannot scrape ${metricsUrl}: is the daemon running, and its HTTP port there?`,
        });
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw scrapeError(metricsUrl, response.status);
      }
      return response.text();
    },
  };
}
