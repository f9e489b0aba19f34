/**
 * The Service page's summary of a `ratd`'s metrics (its `GET /metrics`,
 * the counters of `createMetricsCollector` in `@ratatoskr/server`): calls
 * by capability and outcome, the response cache's hit rate, and the
 * tokens the providers reported.
 */
import type { PrometheusSample } from "./prometheus-text.ts";

/** Calls of one capability with one outcome (`ok`, or the error code). */
export interface RequestCount {
  capability: string;
  outcome: string;
  count: number;
}

/** What the Service page shows of a daemon's metrics. */
export interface ServiceMetricsSummary {
  /** `ratatoskr_requests_total` summed by capability and outcome, most first. */
  requests: RequestCount[];
  /** Every call counted. */
  requestsTotal: number;
  /** The response cache's counters, and hits / (hits + misses); null before any lookup. */
  cache: { hits: number; misses: number; errors: number; hitRate: number | null };
  /** `ratatoskr_tokens_total` by direction. */
  tokens: { prompt: number; completion: number };
  /** Samples read from the scrape (0: the daemon exposes none of the above yet). */
  samples: number;
}

/** The sum of the samples named `name`. */
function total(samples: readonly PrometheusSample[], name: string): number {
  return samples
    .filter((sample) => sample.name === name)
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** Summarise a daemon's metrics samples for the Service page. */
export function summariseServiceMetrics(
  samples: readonly PrometheusSample[],
): ServiceMetricsSummary {
  const requests = new Map<string, RequestCount>();
  for (const sample of samples) {
    if (sample.name !== "ratatoskr_requests_total") continue;
    const capability = sample.labels.capability ?? "?";
    const outcome = sample.labels.outcome ?? "?";
    const key = `${capability}\u0000${outcome}`;
    const entry = requests.get(key) ?? { capability, outcome, count: 0 };
    entry.count += sample.value;
    requests.set(key, entry);
  }
  const hits = total(samples, "ratatoskr_cache_hits_total");
  const misses = total(samples, "ratatoskr_cache_misses_total");
  const tokenSamples = samples.filter((sample) => sample.name === "ratatoskr_tokens_total");
  const direction = (value: string) =>
    tokenSamples
      .filter((sample) => sample.labels.direction === value)
      .reduce((sum, sample) => sum + sample.value, 0);
  const rows = [...requests.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.capability.localeCompare(b.capability) ||
      a.outcome.localeCompare(b.outcome),
  );
  return {
    requests: rows,
    requestsTotal: rows.reduce((sum, row) => sum + row.count, 0),
    cache: {
      hits,
      misses,
      errors: total(samples, "ratatoskr_cache_errors_total"),
      hitRate: hits + misses === 0 ? null : hits / (hits + misses),
    },
    tokens: { prompt: direction("prompt"), completion: direction("completion") },
    samples: samples.length,
  };
}
