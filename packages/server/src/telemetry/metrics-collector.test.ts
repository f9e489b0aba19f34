/**
 * The collector's hooks, called directly: cache lookups, a call that failed
 * before any attempt, embeddings without completion tokens, the model cap
 * (distinct values, long values) and the per-collector registry.
 */
import { describe, expect, it } from "vitest";
import { BoundedLabel, MAX_LABEL_LENGTH, OVERFLOW_LABEL } from "./bounded-label.ts";
import { createMetricsCollector } from "./metrics-collector.ts";

const base = { capability: "embed" as const, model: "m", stream: false };

/** The `name{…} value` lines of one metric. */
async function lines(collector: ReturnType<typeof createMetricsCollector>, name: string) {
  return (await collector.metrics()).split("\n").filter((line) => line.startsWith(`${name}{`));
}

describe("createMetricsCollector", () => {
  it("counts cache hits and misses per entry", async () => {
    const collector = createMetricsCollector();
    const lookup = { ...base, callId: 1, provider: "mock", providerModel: "m", store: "memory" };
    collector.hooks.onCacheLookup!({ ...lookup, hits: 2, misses: 1 });
    collector.hooks.onCacheLookup!({ ...lookup, hits: 0, misses: 3 });
    expect(await lines(collector, "ratatoskr_cache_hits_total")).toEqual([
      'ratatoskr_cache_hits_total{capability="embed",provider="mock",model="m"} 2',
    ]);
    expect(await lines(collector, "ratatoskr_cache_misses_total")).toEqual([
      'ratatoskr_cache_misses_total{capability="embed",provider="mock",model="m"} 4',
    ]);
    expect(await lines(collector, "ratatoskr_cache_errors_total")).toEqual([]);
  });

  it("counts a lookup whose store failed as an error beside its misses", async () => {
    const collector = createMetricsCollector();
    collector.hooks.onCacheLookup!({
      ...base,
      callId: 1,
      provider: "mock",
      providerModel: "m",
      store: "redis",
      hits: 0,
      misses: 2,
      error: { code: "network", message: "redis is down", isRetryable: true },
    });
    expect(await lines(collector, "ratatoskr_cache_errors_total")).toEqual([
      'ratatoskr_cache_errors_total{capability="embed",provider="mock",model="m"} 1',
    ]);
    expect(await lines(collector, "ratatoskr_cache_misses_total")).toEqual([
      'ratatoskr_cache_misses_total{capability="embed",provider="mock",model="m"} 2',
    ]);
  });

  it('labels a call that failed before any attempt with provider "none"', async () => {
    const collector = createMetricsCollector();
    collector.hooks.onError!({
      ...base,
      callId: 1,
      attempts: 0,
      latencyMs: 1,
      error: { code: "timeout", message: "deadline", isRetryable: false },
    });
    expect(await lines(collector, "ratatoskr_requests_total")).toEqual([
      'ratatoskr_requests_total{capability="embed",provider="none",model="m",outcome="timeout"} 1',
    ]);
  });

  it("counts prompt tokens only when there are no completion tokens", async () => {
    const collector = createMetricsCollector();
    collector.hooks.onComplete!({
      ...base,
      callId: 1,
      provider: "mock",
      providerModel: "m",
      attempts: 1,
      latencyMs: 120,
      usage: { promptTokens: 5, completionTokens: 0, totalTokens: 5 },
    });
    expect(await lines(collector, "ratatoskr_tokens_total")).toEqual([
      'ratatoskr_tokens_total{capability="embed",provider="mock",model="m",direction="prompt"} 5',
    ]);
    expect(await lines(collector, "ratatoskr_request_duration_seconds_sum")).toEqual([
      'ratatoskr_request_duration_seconds_sum{capability="embed",provider="mock",model="m",outcome="ok"} 0.12',
    ]);
  });

  it("records the GenAI client metrics under their Prometheus names", async () => {
    const collector = createMetricsCollector();
    collector.hooks.onComplete!({
      ...base,
      capability: "chat",
      callId: 1,
      provider: "mock",
      providerModel: "m",
      attempts: 1,
      latencyMs: 300,
      usage: { promptTokens: 20, completionTokens: 7, totalTokens: 27 },
    });
    collector.hooks.onError!({
      ...base,
      callId: 2,
      provider: "mock",
      attempts: 1,
      latencyMs: 50,
      error: { code: "rate_limited", message: "slow down", isRetryable: true },
    });
    expect(await lines(collector, "gen_ai_client_token_usage_sum")).toEqual([
      'gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_provider_name="mock",gen_ai_request_model="m",gen_ai_token_type="input"} 20',
      'gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_provider_name="mock",gen_ai_request_model="m",gen_ai_token_type="output"} 7',
    ]);
    expect(await lines(collector, "gen_ai_client_operation_duration_seconds_count")).toEqual([
      'gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="chat",gen_ai_provider_name="mock",gen_ai_request_model="m"} 1',
      'gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="embeddings",gen_ai_provider_name="mock",gen_ai_request_model="m",error_type="rate_limited"} 1',
    ]);
    // The conventions' buckets: 0.32 s is the first bound at or above 0.3 s.
    expect(await lines(collector, "gen_ai_client_operation_duration_seconds_bucket")).toContain(
      'gen_ai_client_operation_duration_seconds_bucket{le="0.32",gen_ai_operation_name="chat",gen_ai_provider_name="mock",gen_ai_request_model="m"} 1',
    );
  });

  it("keeps a registry per collector", async () => {
    const first = createMetricsCollector();
    const second = createMetricsCollector();
    expect(first.registry).not.toBe(second.registry);
    first.hooks.onRetry!({
      ...base,
      callId: 1,
      provider: "mock",
      providerModel: "m",
      attempt: 1,
      waitMs: 1,
      waitSource: "backoff",
      reason: { code: "provider", message: "503", isRetryable: true },
    });
    expect(await lines(first, "ratatoskr_retries_total")).toHaveLength(1);
    expect(await lines(second, "ratatoskr_retries_total")).toEqual([]);
  });
});

describe("BoundedLabel", () => {
  it('keeps the first values up to the cap, then answers "other"; known values stay', () => {
    const label = new BoundedLabel(2);
    expect(["a", "b", "c", "a", "b", "d"].map((value) => label.value(value))).toEqual([
      "a",
      "b",
      OVERFLOW_LABEL,
      "a",
      "b",
      OVERFLOW_LABEL,
    ]);
    expect(label.size).toBe(2);
  });

  it('counts an over-long value as "other" without using up the cap', () => {
    const label = new BoundedLabel(1);
    expect(label.value("x".repeat(MAX_LABEL_LENGTH + 1))).toBe(OVERFLOW_LABEL);
    expect(label.value("short")).toBe("short");
  });
});
