/**
 * `GET /metrics` of a real daemon: calls made through its OpenAI-compatible
 * HTTP API (a success, a retried success, a failure, a stream) are scraped
 * over HTTP and parsed as Prometheus text; the model label is capped; the
 * bearer token applies as configured; two daemons keep their own counts.
 */
import { RatatoskrError } from "@ratatoskr/core";
import { combineHooks, type GatewayHooks, Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";
import { register as globalRegistry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import {
  createMetricsCollector,
  createOpenAIHttpHandler,
  type Ratd,
  type RatdMetricsOptions,
  REQUEST_DURATION_BUCKETS,
  startRatd,
} from "../src/index.ts";

const running: Ratd[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((ratd) => ratd.close({ graceMs: 0 })));
});

interface Daemon {
  readonly ratd: Ratd;
  readonly mock: MockProvider;
}

/** A daemon over the mock provider, its gateway fed to a fresh collector. */
async function daemon(
  options: {
    token?: string;
    requireToken?: boolean;
    maxModelLabels?: number;
    extraHooks?: GatewayHooks;
  } = {},
): Promise<Daemon> {
  const mock = createMockProvider();
  const collector = createMetricsCollector({
    ...(options.maxModelLabels === undefined ? {} : { maxModelLabels: options.maxModelLabels }),
  });
  const gateway = await Ratatoskr.builder()
    .use(mock)
    .retry({ initialDelayMs: 1, maxDelayMs: 2 })
    .hooks(combineHooks(collector.hooks, options.extraHooks ?? {}))
    .build();
  const metrics: RatdMetricsOptions = {
    collector,
    ...(options.requireToken === undefined ? {} : { requireToken: options.requireToken }),
  };
  const ratd = await startRatd({
    gateway,
    port: 0,
    metrics,
    httpFallback: createOpenAIHttpHandler(
      gateway,
      options.token === undefined ? {} : { token: options.token },
    ),
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  running.push(ratd);
  return { ratd, mock };
}

const auth = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

async function chat(ratd: Ratd, model: string, options: { stream?: boolean; token?: string } = {}) {
  const response = await fetch(`${ratd.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth(options.token) },
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content: "hello world" }],
      ...(options.stream ? { stream: true } : {}),
    }),
  });
  await response.text();
  return response.status;
}

async function scrapeText(ratd: Ratd, token?: string): Promise<string> {
  const response = await fetch(`${ratd.url}/metrics`, { headers: auth(token) });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

async function scrape(ratd: Ratd, token?: string): Promise<Map<string, PrometheusFamily>> {
  const families = parsePrometheusTextFormat(await scrapeText(ratd, token));
  return new Map(families.map((family) => [family.name, family]));
}

/**
 * The buckets of one series of histogram `name`, the series chosen by a
 * label (`outcome="ok"`). parse-prometheus-text-format folds every series
 * of a labelled histogram into one, so the series is cut out first.
 */
function histogramBuckets(text: string, name: string, label: string): Record<string, string> {
  const lines = text
    .split("\n")
    .filter(
      (line) =>
        line === `# TYPE ${name} histogram` ||
        (line.startsWith(`${name}_bucket{`) && line.includes(label)),
    );
  const [family] = parsePrometheusTextFormat(`${lines.join("\n")}\n`);
  expect(family?.type).toBe("HISTOGRAM");
  return { ...family!.metrics[0]!.buckets };
}

/** The value of the `_count` line of one series of histogram `name`. */
function histogramCount(text: string, name: string, labels: string): number | undefined {
  const line = text
    .split("\n")
    .find((candidate) => candidate.startsWith(`${name}_count{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

/** The samples of `family` as `labels → value`, labels sorted into a stable key. */
function samples(family: PrometheusFamily | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const metric of family?.metrics ?? []) {
    const key = Object.entries(metric.labels ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}=${value}`)
      .join(",");
    result[key] = metric.value ?? metric.count ?? "";
  }
  return result;
}

describe("ratd GET /metrics", () => {
  it("counts calls, retries, failures and tokens, with a duration histogram per outcome", async () => {
    const { ratd, mock } = await daemon();
    expect(await chat(ratd, "m")).toBe(200);
    mock.failNext(
      "chat",
      new RatatoskrError({ code: "provider", status: 503, message: "HTTP 503", isRetryable: true }),
    );
    expect(await chat(ratd, "m")).toBe(200);
    expect(await chat(ratd, "m", { stream: true })).toBe(200);
    mock.failNext("chat", new RatatoskrError({ code: "authentication", message: "bad key" }));
    expect(await chat(ratd, "m")).toBe(401);

    const metrics = await scrape(ratd);
    expect(metrics.get("ratatoskr_requests_total")?.type).toBe("COUNTER");
    expect(samples(metrics.get("ratatoskr_requests_total"))).toEqual({
      "capability=chat,model=m,outcome=ok,provider=mock": "3",
      "capability=chat,model=m,outcome=authentication,provider=mock": "1",
    });
    expect(samples(metrics.get("ratatoskr_retries_total"))).toEqual({
      "capability=chat,model=m,provider=mock": "1",
    });
    // The mock's chat usage: 2 prompt tokens ("hello world"), 3 completion ("mock: hello world").
    expect(samples(metrics.get("ratatoskr_tokens_total"))).toEqual({
      "capability=chat,direction=prompt,model=m,provider=mock": "6",
      "capability=chat,direction=completion,model=m,provider=mock": "9",
    });
    expect(metrics.get("ratatoskr_request_duration_seconds")?.type).toBe("HISTOGRAM");
    const text = await scrapeText(ratd);
    const name = "ratatoskr_request_duration_seconds";
    const ok = histogramBuckets(text, name, 'outcome="ok"');
    // (An object: integer-like keys come first, so compare in bound order.)
    const bound = (le: string) => (le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le));
    const bounds = Object.keys(ok).sort((a, b) => bound(a) - bound(b));
    expect(bounds).toEqual([...REQUEST_DURATION_BUCKETS.map(String), "+Inf"]);
    expect(ok["+Inf"]).toBe("3");
    // Buckets are cumulative: never decreasing.
    const counts = bounds.map((bound) => Number(ok[bound]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(histogramBuckets(text, name, 'outcome="authentication"')["+Inf"]).toBe("1");
    expect(
      histogramCount(text, name, 'capability="chat",provider="mock",model="m",outcome="ok"'),
    ).toBe(3);
    expect(metrics.get("ratatoskr_cache_hits_total")?.metrics).toEqual([]);
    // The daemon's own registry: prom-client's global one is untouched.
    expect(await globalRegistry.getSingleMetric("ratatoskr_requests_total")).toBeUndefined();
  });

  it('caps the model label: models past the cap count as "other"', async () => {
    const { ratd } = await daemon({ maxModelLabels: 2 });
    for (const model of ["a", "b", "c", "d", "a"]) expect(await chat(ratd, model)).toBe(200);
    expect(samples((await scrape(ratd)).get("ratatoskr_requests_total"))).toEqual({
      "capability=chat,model=a,outcome=ok,provider=mock": "2",
      "capability=chat,model=b,outcome=ok,provider=mock": "1",
      "capability=chat,model=other,outcome=ok,provider=mock": "2",
    });
  });

  it("needs the bearer token when the daemon has one, as /v1/* does", async () => {
    const { ratd } = await daemon({ token: "metrics-test-token" });
    expect((await fetch(`${ratd.url}/metrics`)).status).toBe(401);
    expect(await chat(ratd, "m", { token: "metrics-test-token" })).toBe(200);
    const metrics = await scrape(ratd, "metrics-test-token");
    expect(samples(metrics.get("ratatoskr_requests_total"))).toEqual({
      "capability=chat,model=m,outcome=ok,provider=mock": "1",
    });
  });

  it("is open with requireToken false, while /v1/* still needs the token", async () => {
    const { ratd } = await daemon({ token: "metrics-test-token", requireToken: false });
    expect((await fetch(`${ratd.url}/metrics`)).status).toBe(200);
    expect(await chat(ratd, "m")).toBe(401);
    expect((await fetch(`${ratd.url}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("keeps each daemon's counts apart", async () => {
    const first = await daemon();
    const second = await daemon();
    await chat(first.ratd, "m");
    await chat(first.ratd, "m");
    await chat(second.ratd, "m");
    expect(samples((await scrape(first.ratd)).get("ratatoskr_requests_total"))).toEqual({
      "capability=chat,model=m,outcome=ok,provider=mock": "2",
    });
    expect(samples((await scrape(second.ratd)).get("ratatoskr_requests_total"))).toEqual({
      "capability=chat,model=m,outcome=ok,provider=mock": "1",
    });
  });

  it("answers 404 on /metrics when metrics are not configured", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    const ratd = await startRatd({ gateway, port: 0 });
    running.push(ratd);
    expect((await fetch(`${ratd.url}/metrics`)).status).toBe(404);
  });
});
