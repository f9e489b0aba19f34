/**
 * The Service page's Prometheus reading: the text format's samples
 * (labels with escapes, special values, timestamps, comments, malformed
 * lines skipped), their summary (calls by capability and outcome, the
 * cache hit rate, tokens), and where the metrics are scraped from.
 */
import { createUsage } from "@ratatoskr/core";
import { createMetricsCollector } from "@ratatoskr/server";
import { describe, expect, it } from "vitest";
import { metricsUrlOf } from "../src/playground-config.ts";
import { parsePrometheusText } from "../src/prometheus-text.ts";
import { summariseServiceMetrics } from "../src/service-metrics.ts";

describe("parsePrometheusText", () => {
  it("reads names, labels (escapes undone) and values; skips comments, blanks and malformed lines", () => {
    const text = [
      "# HELP ratatoskr_requests_total Gateway calls completed.",
      "# TYPE ratatoskr_requests_total counter",
      'ratatoskr_requests_total{capability="chat",provider="mock",model="a\\"b\\\\c\\nd",outcome="ok"} 3',
      "up 1 1700000000000",
      'spaced { a = "1" , b="2", } 4.5e2',
      "",
      'h_bucket{le="+Inf"} +Inf',
      "neg -Inf",
      "nan NaN",
      "broken{a=1} 2",
      'unterminated{a="x} 1',
      "novalue",
      "1starts_with_digit 1",
    ].join("\n");
    expect(parsePrometheusText(text)).toEqual([
      {
        name: "ratatoskr_requests_total",
        labels: { capability: "chat", provider: "mock", model: 'a"b\\c\nd', outcome: "ok" },
        value: 3,
      },
      { name: "up", labels: {}, value: 1 },
      { name: "spaced", labels: { a: "1", b: "2" }, value: 450 },
      { name: "h_bucket", labels: { le: "+Inf" }, value: Number.POSITIVE_INFINITY },
      { name: "neg", labels: {}, value: Number.NEGATIVE_INFINITY },
      { name: "nan", labels: {}, value: Number.NaN },
    ]);
  });

  it("reads a real collector's exposition, histograms included", async () => {
    const collector = createMetricsCollector();
    const base = { capability: "chat" as const, model: "m", provider: "p" };
    collector.hooks.onComplete?.({
      ...base,
      latencyMs: 120,
      usage: createUsage(3, 4),
    } as Parameters<NonNullable<typeof collector.hooks.onComplete>>[0]);
    const samples = parsePrometheusText(await collector.metrics());
    expect(samples).toContainEqual({
      name: "ratatoskr_requests_total",
      labels: { capability: "chat", provider: "p", model: "m", outcome: "ok" },
      value: 1,
    });
    expect(
      samples.filter((sample) => sample.name === "ratatoskr_request_duration_seconds_count"),
    ).toEqual([
      {
        name: "ratatoskr_request_duration_seconds_count",
        labels: { capability: "chat", provider: "p", model: "m", outcome: "ok" },
        value: 1,
      },
    ]);
  });
});

describe("summariseServiceMetrics", () => {
  const sample = (name: string, labels: Record<string, string>, value: number) => ({
    name,
    labels,
    value,
  });

  it("sums calls by capability and outcome (over providers and models), most first", () => {
    const summary = summariseServiceMetrics([
      sample("ratatoskr_requests_total", { capability: "chat", model: "a", outcome: "ok" }, 2),
      sample("ratatoskr_requests_total", { capability: "chat", model: "b", outcome: "ok" }, 3),
      sample("ratatoskr_requests_total", { capability: "chat", outcome: "rate_limited" }, 1),
      sample("ratatoskr_requests_total", { capability: "embed", outcome: "ok" }, 4),
      sample("ratatoskr_tokens_total", { direction: "prompt" }, 10),
      sample("ratatoskr_tokens_total", { direction: "prompt", model: "b" }, 5),
      sample("ratatoskr_tokens_total", { direction: "completion" }, 7),
      sample("ratatoskr_cache_hits_total", { model: "a" }, 3),
      sample("ratatoskr_cache_hits_total", { model: "b" }, 3),
      sample("ratatoskr_cache_misses_total", {}, 2),
      sample("ratatoskr_cache_errors_total", {}, 1),
    ]);
    expect(summary.requests).toEqual([
      { capability: "chat", outcome: "ok", count: 5 },
      { capability: "embed", outcome: "ok", count: 4 },
      { capability: "chat", outcome: "rate_limited", count: 1 },
    ]);
    expect(summary.requestsTotal).toBe(10);
    expect(summary.tokens).toEqual({ prompt: 15, completion: 7 });
    expect(summary.cache).toEqual({ hits: 6, misses: 2, errors: 1, hitRate: 0.75 });
    expect(summary.samples).toBe(11);
  });

  it("has no hit rate before any cache lookup (not 0, not NaN)", () => {
    const summary = summariseServiceMetrics([]);
    expect(summary.cache).toEqual({ hits: 0, misses: 0, errors: 0, hitRate: null });
    expect(summary.requests).toEqual([]);
    expect(summary.tokens).toEqual({ prompt: 0, completion: 0 });
  });
});

describe("metricsUrlOf", () => {
  it("is /metrics on the daemon's origin", () => {
    expect(metricsUrlOf("http://127.0.0.1:9741")).toBe("http://127.0.0.1:9741/metrics");
    expect(metricsUrlOf("http://127.0.0.1:9741/")).toBe("http://127.0.0.1:9741/metrics");
    expect(metricsUrlOf("not a url/")).toBe("not a url/metrics");
  });
});
