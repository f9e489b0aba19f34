/**
 * openTelemetryHooks() against the real OpenTelemetry SDK: the spans (one
 * CLIENT span per call, a child of the caller's active span, with an event
 * per retry), their attributes and status, and the GenAI client metrics,
 * read back through in-memory exporters.
 */
import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { Message, RatatoskrError } from "@ratatoskr/core";
import { combineHooks, type Gateway, Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openTelemetryHooks } from "./index.ts";

const hello = [Message.user("hello world")];
const contextManager = new AsyncLocalStorageContextManager();
const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
});
const tracer = tracerProvider.getTracer("test");
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
// Exports only when flushed (the interval is far longer than any test).
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});

afterEach(() => {
  spans.reset();
  metricExporter.reset();
});

afterAll(async () => {
  context.disable();
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
});

/** A gateway over `mock` with the telemetry hooks (a fresh meter per test: no carried-over metrics). */
async function gatewayOver(mock: MockProvider, name: string): Promise<Gateway> {
  return Ratatoskr.builder()
    .use(mock)
    .retry({ initialDelayMs: 1, maxDelayMs: 2 })
    .hooks(openTelemetryHooks({ tracer, meter: meterProvider.getMeter(name) }))
    .build();
}

/** Run `call` as a child of a fresh `request` span; both spans once ended. */
async function underParent(call: () => Promise<unknown>): Promise<{ parent: Span }> {
  const parent = tracer.startSpan("request");
  try {
    await context.with(trace.setSpan(context.active(), parent), call);
  } catch {
    // The error case asserts through the span.
  } finally {
    parent.end();
  }
  return { parent };
}

/** The finished spans but the test's own `request` span. */
function gatewaySpans(): ReadableSpan[] {
  return spans.getFinishedSpans().filter((span) => span.name !== "request");
}

/** The histogram data points of metric `name` from meter `scope`. */
async function histogram(scope: string, name: string): Promise<DataPoint<Histogram>[]> {
  await reader.forceFlush();
  const exported = metricExporter.getMetrics().at(-1);
  const metric = exported?.scopeMetrics
    .find((scopeMetrics) => scopeMetrics.scope.name === scope)
    ?.metrics.find((candidate) => candidate.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<Histogram>[];
}

describe("openTelemetryHooks", () => {
  it("traces one chat call with a retry: one CLIENT span under the caller's span, one retry event", async () => {
    const mock = createMockProvider().failNext(
      "chat",
      new RatatoskrError({ code: "provider", status: 503, message: "HTTP 503", isRetryable: true }),
    );
    const gateway = await gatewayOver(mock, "retry");
    let usage: { promptTokens: number; completionTokens: number } | undefined;
    const { parent } = await underParent(async () => {
      usage = (await gateway.chat(hello, { model: "mock:m" })).usage;
    });
    expect(usage).toBeDefined();

    const [span, ...rest] = gatewaySpans();
    expect(rest).toEqual([]);
    expect(span!.name).toBe("chat mock:m");
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span!.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "mock:m",
      "gen_ai.provider.name": "mock",
      "gen_ai.response.model": "m",
      "gen_ai.usage.input_tokens": usage!.promptTokens,
      "gen_ai.usage.output_tokens": usage!.completionTokens,
      "ratatoskr.stream": false,
      "ratatoskr.call_id": 1,
      "ratatoskr.attempts": 2,
    });
    expect(span!.events).toHaveLength(1);
    const [retry] = span!.events;
    expect(retry!.name).toBe("ratatoskr.retry");
    expect(retry!.attributes).toEqual({
      "gen_ai.provider.name": "mock",
      "ratatoskr.provider_model": "m",
      "ratatoskr.retry.attempt": 1,
      "ratatoskr.retry.wait_ms": expect.any(Number),
      "ratatoskr.retry.wait_source": "backoff",
      "error.type": "provider",
      "http.response.status_code": 503,
    });

    const common = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "mock",
      "gen_ai.request.model": "mock:m",
      "gen_ai.response.model": "m",
    };
    const durations = await histogram("retry", "gen_ai.client.operation.duration");
    expect(durations).toHaveLength(1);
    expect(durations[0]!.attributes).toEqual(common);
    expect(durations[0]!.value.count).toBe(1);
    expect(durations[0]!.value.buckets.boundaries[0]).toBe(0.01);
    const tokens = await histogram("retry", "gen_ai.client.token.usage");
    expect(tokens.map((point) => [point.attributes["gen_ai.token.type"], point.value.sum])).toEqual(
      [
        ["input", usage!.promptTokens],
        ["output", usage!.completionTokens],
      ],
    );
    for (const point of tokens) {
      expect(point.attributes).toMatchObject(common);
      expect(point.value.count).toBe(1);
      expect(point.value.buckets.boundaries).toEqual([
        1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
      ]);
    }
  });

  it("marks a failed call: ERROR status, error.type, the duration with error.type, no token usage", async () => {
    const mock = createMockProvider().failNext(
      "chat",
      new RatatoskrError({ code: "authentication", status: 401, message: "bad key" }),
    );
    const gateway = await gatewayOver(mock, "error");
    await underParent(() => gateway.chat(hello, { model: "m" }));

    const [span, ...rest] = gatewaySpans();
    expect(rest).toEqual([]);
    expect(span!.name).toBe("chat m");
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "bad key" });
    expect(span!.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "m",
      "gen_ai.provider.name": "mock",
      "error.type": "authentication",
      "http.response.status_code": 401,
      "ratatoskr.stream": false,
      "ratatoskr.call_id": 1,
      "ratatoskr.attempts": 1,
    });
    expect(span!.events).toEqual([]);
    const durations = await histogram("error", "gen_ai.client.operation.duration");
    expect(durations.map((point) => point.attributes)).toEqual([
      {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "m",
        "gen_ai.provider.name": "mock",
        "error.type": "authentication",
      },
    ]);
    expect(await histogram("error", "gen_ai.client.token.usage")).toEqual([]);
  });

  it("traces a stream from its first next() to its end, under the caller's span", async () => {
    const gateway = await gatewayOver(createMockProvider(), "stream");
    const { parent } = await underParent(async () => {
      for await (const _event of gateway.chatStream(hello, { model: "m" })) {
        // drain
      }
    });
    const [span, ...rest] = gatewaySpans();
    expect(rest).toEqual([]);
    expect(span!.name).toBe("chat m");
    expect(span!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "mock",
      "gen_ai.response.model": "m",
      "ratatoskr.stream": true,
      "ratatoskr.attempts": 1,
      "ratatoskr.time_to_first_event_ms": expect.any(Number),
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("ends the span of a stream the consumer leaves early, as aborted", async () => {
    const gateway = await gatewayOver(createMockProvider(), "left");
    await underParent(async () => {
      for await (const _event of gateway.chatStream(hello, { model: "m" })) break;
    });
    const [span, ...rest] = gatewaySpans();
    expect(rest).toEqual([]);
    expect(span!.name).toBe("chat m");
    expect(span!.ended).toBe(true);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes).toMatchObject({ "ratatoskr.stream": true, "error.type": "aborted" });
  });

  it("names other operations by the conventions (embeddings) and records input tokens only", async () => {
    const gateway = await gatewayOver(createMockProvider(), "embed");
    await underParent(() => gateway.embed("x", "m"));
    const [span] = gatewaySpans();
    expect(span!.name).toBe("embeddings m");
    expect(span!.attributes["gen_ai.operation.name"]).toBe("embeddings");
    expect(span!.attributes["gen_ai.usage.output_tokens"]).toBeUndefined();
    const tokens = await histogram("embed", "gen_ai.client.token.usage");
    expect(tokens.every((point) => point.attributes["gen_ai.token.type"] === "input")).toBe(true);
  });

  it("adds the cache lookup, fallback and warning events the gateway reports", () => {
    const hooks = openTelemetryHooks({ tracer, meter: meterProvider.getMeter("events") });
    const base = { callId: 7, capability: "embed" as const, model: "m", stream: false };
    hooks.onRequestStart!({ ...base, timestamp: Date.now() });
    hooks.onCacheLookup!({
      ...base,
      provider: "mock",
      providerModel: "m",
      store: "memory",
      hits: 2,
      misses: 1,
    });
    hooks.onFallback!({
      ...base,
      from: { provider: "a", model: "x" },
      to: { provider: "b", model: "y" },
      reason: { code: "provider", message: "down", isRetryable: true },
    });
    hooks.onWarning!({
      ...base,
      provider: "b",
      providerModel: "y",
      warning: { type: "unsupported_setting", setting: "dimensions", provider: "b" },
    });
    hooks.onComplete!({ ...base, provider: "b", providerModel: "y", attempts: 2, latencyMs: 5 });
    const [span] = gatewaySpans();
    expect(span!.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        "ratatoskr.cache_lookup",
        {
          "gen_ai.provider.name": "mock",
          "ratatoskr.provider_model": "m",
          "ratatoskr.cache.store": "memory",
          "ratatoskr.cache.hits": 2,
          "ratatoskr.cache.misses": 1,
        },
      ],
      [
        "ratatoskr.fallback",
        {
          "ratatoskr.fallback.from.provider": "a",
          "ratatoskr.fallback.from.model": "x",
          "ratatoskr.fallback.to.provider": "b",
          "ratatoskr.fallback.to.model": "y",
          "error.type": "provider",
        },
      ],
      [
        "ratatoskr.warning",
        {
          "gen_ai.provider.name": "b",
          "ratatoskr.warning.type": "unsupported_setting",
          "ratatoskr.warning.subject": "dimensions",
        },
      ],
    ]);
  });

  it("works beside the application's own hooks through combineHooks", async () => {
    const heard: string[] = [];
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks(
        combineHooks(openTelemetryHooks({ tracer, meter: meterProvider.getMeter("combined") }), {
          onComplete: (event) => heard.push(event.provider),
        }),
      )
      .build();
    await underParent(() => gateway.chat(hello, { model: "m" }));
    expect(heard).toEqual(["mock"]);
    expect(gatewaySpans().map((span) => span.name)).toEqual(["chat m"]);
  });
});

describe("openTelemetryHooks: bad options", () => {
  it.each([
    ["options 5", 5, /options must be an object, got number/],
    ["options null", null, /options must be an object, got null/],
    ["a tracer that is not one", { tracer: 5 }, /tracer must be an OpenTelemetry Tracer/],
    ["a meter that is not one", { meter: {} }, /meter must be an OpenTelemetry Meter/],
  ])("%s is a configuration error naming the problem", (_name, options, message) => {
    const make = () => openTelemetryHooks(options as never);
    expect(make).toThrow(RatatoskrError);
    expect(make).toThrow(message);
  });
});
