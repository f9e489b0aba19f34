/**
 * `createMetricsCollector()`: Prometheus metrics of the gateway's calls,
 * fed by its hooks, in a registry of their own (never `prom-client`'s
 * global one, so two daemons in one process do not mix their counts).
 * The names are the original daemon's (`ratatoskr_requests_total`, …).
 */
import type { GatewayHooks, HookEventBase } from "@ratatoskr/gateway";
import {
  GEN_AI_OPERATION_NAMES,
  OPERATION_DURATION_BUCKETS,
  TOKEN_USAGE_BUCKETS,
} from "@ratatoskr/telemetry";
import { Counter, Histogram, Registry } from "prom-client";
import { BoundedLabel } from "./bounded-label.ts";

type HookCapability = HookEventBase["capability"];

/** Distinct `model` label values kept unless configured otherwise. */
export const DEFAULT_MAX_MODEL_LABELS = 100;

/** `ratatoskr_request_duration_seconds` buckets, in seconds. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
]);

/** The `provider` label of a call that failed before any attempt. */
export const NO_PROVIDER_LABEL = "none";

/** Options of {@link createMetricsCollector}. */
export interface MetricsCollectorOptions {
  /** The registry to register in (default: a new one). */
  readonly registry?: Registry;
  /** Distinct `model` label values kept; later models are counted as `"other"` (default {@link DEFAULT_MAX_MODEL_LABELS}). */
  readonly maxModelLabels?: number;
}

/** Prometheus metrics fed by gateway hooks. */
export interface MetricsCollector {
  /** The registry holding the metrics. */
  readonly registry: Registry;
  /** The hooks to give the gateway (`builder.hooks(collector.hooks)`, or through `combineHooks`). */
  readonly hooks: GatewayHooks;
  /** The metrics in the Prometheus text format. */
  metrics(): Promise<string>;
  /** The `content-type` of {@link MetricsCollector.metrics}. */
  readonly contentType: string;
}

/**
 * Create a collector. Its hooks count, per `capability` (`chat`, `embed`,
 * …), `provider` (the answering provider's id; `"none"` when a call failed
 * before any attempt) and `model` (the model as the caller named it,
 * capped at `maxModelLabels` distinct values, the rest `"other"`):
 *
 * - `ratatoskr_requests_total` (counter, plus `outcome`: `ok`, or the error
 *   code such as `rate_limited`, `timeout`);
 * - `ratatoskr_request_duration_seconds` (histogram, plus `outcome`);
 * - `ratatoskr_retries_total` (counter: attempts retried, not counting the first);
 * - `ratatoskr_tokens_total` (counter, plus `direction`: `prompt` / `completion`);
 * - `ratatoskr_cache_hits_total`, `ratatoskr_cache_misses_total` (counters
 *   of response-cache entries);
 * - `ratatoskr_cache_errors_total` (counter: lookups whose store failed, so
 *   a Redis outage shows as errors beside the misses it causes);
 * - the OpenTelemetry GenAI client metrics under their Prometheus names:
 *   `gen_ai_client_operation_duration_seconds` (histogram; labels
 *   `gen_ai_operation_name`, `gen_ai_provider_name`, `gen_ai_request_model`,
 *   and `error_type` on failures) and `gen_ai_client_token_usage`
 *   (histogram; plus `gen_ai_token_type`: `input` / `output`), with the
 *   conventions' bucket boundaries.
 */
export function createMetricsCollector(options: MetricsCollectorOptions = {}): MetricsCollector {
  const registry = options.registry ?? new Registry();
  const models = new BoundedLabel(options.maxModelLabels ?? DEFAULT_MAX_MODEL_LABELS);
  const base = ["capability", "provider", "model"] as const;
  const requests = new Counter({
    name: "ratatoskr_requests_total",
    help: "Gateway calls completed, by outcome (ok, or the error code).",
    labelNames: [...base, "outcome"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "ratatoskr_request_duration_seconds",
    help: "Duration of gateway calls in seconds, retries and fallbacks included.",
    labelNames: [...base, "outcome"],
    buckets: [...REQUEST_DURATION_BUCKETS],
    registers: [registry],
  });
  const retries = new Counter({
    name: "ratatoskr_retries_total",
    help: "Upstream attempts retried (not counting each call's first attempt).",
    labelNames: [...base],
    registers: [registry],
  });
  const tokens = new Counter({
    name: "ratatoskr_tokens_total",
    help: "Tokens the providers reported, by direction (prompt, completion).",
    labelNames: [...base, "direction"],
    registers: [registry],
  });
  const cacheHits = new Counter({
    name: "ratatoskr_cache_hits_total",
    help: "Response-cache entries found.",
    labelNames: [...base],
    registers: [registry],
  });
  const cacheMisses = new Counter({
    name: "ratatoskr_cache_misses_total",
    help: "Response-cache entries not found (sent upstream).",
    labelNames: [...base],
    registers: [registry],
  });
  const cacheErrors = new Counter({
    name: "ratatoskr_cache_errors_total",
    help: "Response-cache lookups whose store failed or timed out (every entry counted a miss).",
    labelNames: [...base],
    registers: [registry],
  });
  const genAiDuration = new Histogram({
    name: "gen_ai_client_operation_duration_seconds",
    help: "GenAI operation duration (gen_ai.client.operation.duration).",
    labelNames: [
      "gen_ai_operation_name",
      "gen_ai_provider_name",
      "gen_ai_request_model",
      "error_type",
    ],
    buckets: [...OPERATION_DURATION_BUCKETS],
    registers: [registry],
  });
  const genAiTokens = new Histogram({
    name: "gen_ai_client_token_usage",
    help: "Number of input and output tokens used (gen_ai.client.token.usage).",
    labelNames: [
      "gen_ai_operation_name",
      "gen_ai_provider_name",
      "gen_ai_request_model",
      "gen_ai_token_type",
    ],
    buckets: [...TOKEN_USAGE_BUCKETS],
    registers: [registry],
  });
  const genAi = (event: { capability: HookCapability; model: string }, provider: string) => ({
    gen_ai_operation_name: GEN_AI_OPERATION_NAMES[event.capability] ?? event.capability,
    gen_ai_provider_name: provider,
    gen_ai_request_model: models.value(event.model),
  });
  const labels = (event: { capability: string; model: string }, provider: string | undefined) => ({
    capability: event.capability,
    provider: provider ?? NO_PROVIDER_LABEL,
    model: models.value(event.model),
  });

  const hooks: GatewayHooks = {
    onComplete(event) {
      const common = labels(event, event.provider);
      requests.inc({ ...common, outcome: "ok" });
      duration.observe({ ...common, outcome: "ok" }, event.latencyMs / 1000);
      const semantic = genAi(event, event.provider);
      genAiDuration.observe(semantic, event.latencyMs / 1000);
      if (event.usage !== undefined) {
        tokens.inc({ ...common, direction: "prompt" }, event.usage.promptTokens);
        genAiTokens.observe({ ...semantic, gen_ai_token_type: "input" }, event.usage.promptTokens);
        if (event.usage.completionTokens > 0) {
          tokens.inc({ ...common, direction: "completion" }, event.usage.completionTokens);
          genAiTokens.observe(
            { ...semantic, gen_ai_token_type: "output" },
            event.usage.completionTokens,
          );
        }
      }
    },
    onError(event) {
      const common = labels(event, event.provider);
      requests.inc({ ...common, outcome: event.error.code });
      duration.observe({ ...common, outcome: event.error.code }, event.latencyMs / 1000);
      genAiDuration.observe(
        { ...genAi(event, event.provider ?? NO_PROVIDER_LABEL), error_type: event.error.code },
        event.latencyMs / 1000,
      );
    },
    onRetry(event) {
      retries.inc(labels(event, event.provider));
    },
    onCacheLookup(event) {
      const common = labels(event, event.provider);
      if (event.hits > 0) cacheHits.inc(common, event.hits);
      if (event.misses > 0) cacheMisses.inc(common, event.misses);
      if (event.error !== undefined) cacheErrors.inc(common);
    },
  };
  return {
    registry,
    hooks,
    metrics: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
