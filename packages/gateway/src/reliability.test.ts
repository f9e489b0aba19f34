import { getEventListeners } from "node:events";
import {
  type ChatEvent,
  type ChatRequestV1,
  type ChatStreamPartV1,
  createUsage,
  type ProviderV1,
  RatatoskrError,
  registerSecret,
} from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Ratatoskr } from "./index.ts";
import { ProviderHealth } from "./provider-health.ts";
import { backoffDelay, DEFAULT_RETRY, decideRetry, resolveRetry } from "./retry-policy.ts";
import { idleTick } from "./routed-stream.ts";
import { drain, errorOf, hello } from "./test-helpers.ts";

const fast = { initialDelayMs: 1, maxDelayMs: 2 };

afterEach(() => {
  vi.useRealTimers();
});

const unavailable = () =>
  new RatatoskrError({
    code: "provider",
    status: 503,
    message: "upstream returned HTTP 503",
    isRetryable: true,
  });
const rateLimited = (retryAfterMs?: number) =>
  new RatatoskrError({
    code: "rate_limited",
    status: 429,
    message: "slow down",
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

/** A chat-stream-only provider whose stream is produced by `script(signal)`. */
function streamPlugin(
  id: string,
  script: (signal: AbortSignal, call: number) => AsyncGenerator<ChatStreamPartV1>,
): ProviderV1 & { calls: number } {
  const provider = {
    specificationVersion: "v1" as const,
    id,
    calls: 0,
    chat: {
      stream(request: ChatRequestV1) {
        provider.calls++;
        return script(request.signal, provider.calls);
      },
    },
  };
  return provider;
}

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

describe("retry policy", () => {
  it("backs off exponentially with at most 25 % jitter, capped at 8 s", () => {
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0)).toBe(500);
    expect(backoffDelay(DEFAULT_RETRY, 2, () => 0)).toBe(1000);
    expect(backoffDelay(DEFAULT_RETRY, 10, () => 0)).toBe(8000);
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0.999)).toBeGreaterThanOrEqual(375);
  });

  it("honours retry-after up to the cap and fails fast beyond it", () => {
    expect(decideRetry(DEFAULT_RETRY, rateLimited(1000), 1)).toEqual({
      retry: true,
      waitMs: 1000,
      source: "retry-after",
    });
    expect(decideRetry(DEFAULT_RETRY, rateLimited(3_600_000), 1)).toEqual({
      retry: false,
      why: "retry-after-too-long",
    });
    expect(decideRetry(DEFAULT_RETRY, rateLimited(), 3)).toEqual({
      retry: false,
      why: "attempts-exhausted",
    });
  });

  it("retries connection errors, 408/409/429/5xx and attempt/idle timeouts only", () => {
    const retried = (error: RatatoskrError) => decideRetry(DEFAULT_RETRY, error, 1).retry;
    expect(retried(new RatatoskrError({ code: "network", message: "reset" }))).toBe(true);
    expect(retried(new RatatoskrError({ code: "http", status: 409, message: "conflict" }))).toBe(
      true,
    );
    expect(retried(unavailable())).toBe(true);
    expect(
      retried(new RatatoskrError({ code: "timeout", timeoutKind: "idle", message: "idle" })),
    ).toBe(true);
    expect(
      retried(new RatatoskrError({ code: "timeout", timeoutKind: "total", message: "total" })),
    ).toBe(false);
    for (const code of ["authentication", "invalid_input", "context_length_exceeded", "aborted"]) {
      expect(retried(new RatatoskrError({ code: code as never, status: 400, message: code }))).toBe(
        false,
      );
    }
  });

  it("rejects nonsense settings as configuration errors", () => {
    expect(() => resolveRetry({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => resolveRetry({ jitter: 2 })).toThrow(/jitter/);
    expect(() => Ratatoskr.builder().retry({ initialDelayMs: -1 })).toThrow(/initialDelayMs/);
    expect(resolveRetry(false).maxAttempts).toBe(1);
  });
});

describe("retries through the gateway", () => {
  it("503 twice, then success: three attempts, usage of the successful one, retry hooks", async () => {
    const mock = createMockProvider().failNext("chat", unavailable(), 2);
    const retries: unknown[] = [];
    const completions: unknown[] = [];
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .retry(fast)
      .hooks({
        onRetry: (event) => retries.push(event),
        onComplete: (event) => completions.push(event),
      })
      .build();
    const response = await gateway.chat(hello, { model: "m" });
    expect(response.content).toBe("mock: hello world");
    expect(mock.calls).toHaveLength(3);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({
      provider: "mock",
      attempt: 1,
      waitSource: "backoff",
      reason: { code: "provider", status: 503 },
    });
    expect(completions).toEqual([
      expect.objectContaining({ attempts: 3, provider: "mock", usage: response.usage }),
    ]);
  });

  it("waits as a retry-after says (fake clock: not at 39 ms, at 40 ms)", async () => {
    vi.useFakeTimers();
    const mock = createMockProvider().failNext("embed", rateLimited(40));
    const waits: number[] = [];
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .hooks({ onRetry: (event) => waits.push(event.waitMs) })
      .build();
    const pending = gateway.embed("x", "m");
    await vi.advanceTimersByTimeAsync(39);
    expect(waits).toEqual([40]);
    expect(mock.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(mock.calls).toHaveLength(2);
  });

  it("an absurd retry-after fails fast with the rate-limit error carrying it", async () => {
    const mock = createMockProvider().failNext("embed", rateLimited(3_600_000), 5);
    const gateway = await Ratatoskr.builder().use(mock).build();
    // On a fake clock that nobody advances, a call that waited would never end.
    vi.useFakeTimers();
    const error = await errorOf(gateway.embed("x", "m"));
    expect(error).toMatchObject({ code: "rate_limited", retryAfterMs: 3_600_000 });
    expect(error.retryAfter).toBe(3600);
    expect(mock.calls).toHaveLength(1);
  });

  it("always failing: exactly maxAttempts attempts, then the typed error", async () => {
    const mock = createMockProvider().failNext("embed", rateLimited(), 100);
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .retry({ ...fast, maxAttempts: 4 })
      .build();
    expect((await errorOf(gateway.embed("x", "m"))).code).toBe("rate_limited");
    expect(mock.calls).toHaveLength(4);
    mock.reset();
    mock.failNext("embed", rateLimited(), 100);
    await errorOf(gateway.embed("x", "m", { retry: false }));
    expect(mock.calls).toHaveLength(1);
  });

  it("does not retry authentication or bad-request errors", async () => {
    const mock = createMockProvider().failNext(
      "chat",
      new RatatoskrError({ code: "authentication", status: 401, message: "bad key" }),
    );
    const gateway = await Ratatoskr.builder().use(mock).retry(fast).build();
    expect((await errorOf(gateway.chat(hello, { model: "m" }))).code).toBe("authentication");
    expect(mock.calls).toHaveLength(1);
  });

  it("does not sleep past the overall deadline: the last error comes at once", async () => {
    const mock = createMockProvider().failNext("embed", rateLimited(5_000), 5);
    const gateway = await Ratatoskr.builder().use(mock).build();
    // On a fake clock that nobody advances, a call that slept would never end.
    vi.useFakeTimers();
    const error = await errorOf(gateway.embed("x", "m", { timeout: 1_000 }));
    expect(error.code).toBe("rate_limited");
    expect(mock.calls).toHaveLength(1);
  });

  it("a stream is retried while nothing was delivered; the text is delivered once", async () => {
    const mock = createMockProvider()
      .enqueueStream(unavailable())
      .enqueueStream({ events: [], error: new RatatoskrError({ code: "network", message: "x" }) })
      .enqueueStream([
        { type: "content", text: "once" },
        { type: "done", finishReason: "stop" },
      ]);
    const gateway = await Ratatoskr.builder().use(mock).retry(fast).build();
    const events = await drain(gateway.chatStream(hello, { model: "m" }));
    expect(events).toEqual([
      { type: "content", text: "once" },
      {
        type: "done",
        finishReason: "stop",
        provider: "mock",
        model: "m",
        requestId: expect.any(String),
      },
    ]);
    expect(mock.calls).toHaveLength(3);
  });

  it("generate and generateStream retry too, and report usage and the answering model", async () => {
    const mock = createMockProvider()
      .failNext("generate", unavailable())
      .failNext("generateStream", unavailable());
    const completions: Array<{ usage?: unknown; attempts: number }> = [];
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .retry(fast)
      .hooks({ onComplete: (event) => completions.push(event) })
      .build();
    expect((await gateway.generate("p", { model: "m" })).text).toBe("mock: p");
    const events = await drain(gateway.generateStream("p", { model: "m" }));
    expect(events.at(-1)).toMatchObject({ type: "done", provider: "mock", model: "m" });
    expect(completions.map((event) => event.attempts)).toEqual([2, 2]);
    expect(completions[1]!.usage).toEqual((events.at(-1) as { usage?: unknown }).usage);
  });

  it("after the first event an upstream error is final: no retry, partial kept", async () => {
    const mock = createMockProvider().enqueueStream({
      events: [{ type: "content", text: "half " }],
      error: unavailable(),
    });
    const gateway = await Ratatoskr.builder().use(mock).retry(fast).build();
    const seen: ChatEvent[] = [];
    const error = await errorOf(
      (async () => {
        for await (const event of gateway.chatStream(hello, { model: "m" })) seen.push(event);
      })(),
    );
    expect(error).toMatchObject({ code: "provider", status: 503, partial: { content: "half " } });
    expect(seen).toEqual([{ type: "content", text: "half " }]);
    expect(mock.calls).toHaveLength(1);
  });
});

describe("timeouts", () => {
  it("attempt timeout: a stream silent before its first event is retried, then served", async () => {
    const plugin = streamPlugin("slow", async function* (signal, call) {
      if (call === 1) await abortable(10_000, signal);
      yield { type: "content", text: "ok" };
      yield { type: "done", finishReason: "stop" };
    });
    const retries: string[] = [];
    const gateway = await Ratatoskr.builder()
      .use(plugin)
      .retry(fast)
      .timeouts({ attempt: 40 })
      .hooks({ onRetry: (event) => retries.push(event.reason.timeoutKind ?? "") })
      .build();
    vi.useFakeTimers();
    const pending = drain(gateway.chatStream(hello, { model: "m" }));
    await vi.advanceTimersByTimeAsync(39);
    expect(plugin.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1 + fast.maxDelayMs);
    const events = await pending;
    expect(events.at(-1)).toMatchObject({ type: "done", provider: "slow" });
    expect(retries).toEqual(["attempt"]);
    expect(plugin.calls).toBe(2);
  });

  it("idle timeout: silence after the first event ends the stream with timeoutKind idle and the partial", async () => {
    let upstreamSignal: AbortSignal | undefined;
    const plugin = streamPlugin("stall", async function* (signal) {
      upstreamSignal = signal;
      yield { type: "content", text: "partial " };
      await abortable(10_000, signal);
      yield { type: "done", finishReason: "stop" };
    });
    const gateway = await Ratatoskr.builder().use(plugin).timeouts({ idle: 40 }).build();
    vi.useFakeTimers();
    const pending = errorOf(drain(gateway.chatStream(hello, { model: "m" })));
    // At most one watchdog tick after the configured silence.
    await vi.advanceTimersByTimeAsync(40 + idleTick(40));
    const error = await pending;
    expect(error).toMatchObject({
      code: "timeout",
      timeoutKind: "idle",
      partial: { content: "partial " },
    });
    expect(upstreamSignal?.aborted).toBe(true);
    expect(plugin.calls).toBe(1);
  });

  describe("the idle timeout fires after the configured silence, at most one watchdog tick late (fake clock)", () => {
    /** How late the idle timeout may fire beyond one tick, in ms of fake time (timer granularity). */
    const SLACK_MS = 2;

    /** A stream that sends its events after the given pauses (ms), then stalls. */
    function pausing(pauses: number[]) {
      return streamPlugin("stall", async function* (signal) {
        for (const pause of pauses) {
          if (pause > 0) await abortable(pause, signal);
          yield { type: "content", text: "." };
        }
        await abortable(24 * 3_600_000, signal);
        yield { type: "done", finishReason: "stop" };
      });
    }

    /** Read events until the stream ends; resolves with the error it ended with. */
    function consume(iterator: AsyncIterator<ChatEvent>): Promise<RatatoskrError | "done"> {
      const step = (): Promise<RatatoskrError | "done"> =>
        iterator.next().then(
          (result) => (result.done ? "done" : step()),
          (error: RatatoskrError) => error,
        );
      return step();
    }

    it.each([
      ["the documented 30 s default, right after the first event", undefined, [0]],
      ["the default, after events at uneven times", undefined, [0, 10_001, 3_333, 29_999]],
      ["a configured 1 s", 1_000, [0, 999, 1]],
      ["a configured 7 ms", 7, [0, 5]],
      ["a configured 800 ms, the last event between two ticks", 800, [0, 150]],
      ["a configured 60 s (the tick is capped at 1 s)", 60_000, [0, 59_999]],
    ])("%s", async (_name, idle, pauses) => {
      vi.useFakeTimers();
      try {
        const builder = Ratatoskr.builder().use(pausing(pauses)).timeouts({ total: 0, attempt: 0 });
        const gateway = await (idle === undefined ? builder : builder.timeouts({ idle })).build();
        const idleMs = idle ?? 30_000;
        const iterator = gateway.chatStream(hello, { model: "m" })[Symbol.asyncIterator]();
        let outcome: RatatoskrError | "done" | undefined;
        const ended = consume(iterator).then((value) => {
          outcome = value;
        });
        // Let the events arrive (each pause is shorter than the idle timeout).
        const lastEventAt = pauses.reduce((sum, pause) => sum + pause, 0);
        await vi.advanceTimersByTimeAsync(lastEventAt);
        await vi.advanceTimersByTimeAsync(idleMs - 1);
        expect(outcome).toBeUndefined();
        await vi.advanceTimersByTimeAsync(1 + idleTick(idleMs) + SLACK_MS);
        expect(outcome).toMatchObject({
          code: "timeout",
          timeoutKind: "idle",
          partial: { content: ".".repeat(pauses.length) },
        });
        await ended;
      } finally {
        vi.useRealTimers();
      }
    });

    it("a slow consumer never triggers it: silence counts only while the consumer waits", async () => {
      vi.useFakeTimers();
      try {
        const gateway = await Ratatoskr.builder()
          .use(createMockProvider())
          .timeouts({ total: 0, attempt: 0, idle: 1_000 })
          .build();
        const iterator = gateway.chatStream(hello, { model: "m" })[Symbol.asyncIterator]();
        const types: string[] = [];
        for (;;) {
          const result = await iterator.next();
          if (result.done) break;
          types.push(result.value.type);
          await vi.advanceTimersByTimeAsync(5_000);
        }
        expect(types.at(-1)).toBe("done");
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  it("the overall deadline ends a stream whose events keep coming too slowly", async () => {
    const plugin = streamPlugin("trickle", async function* (signal) {
      for (let i = 0; i < 1000; i++) {
        await abortable(10, signal);
        yield { type: "content", text: "." };
      }
      yield { type: "done", finishReason: "stop" };
    });
    const gateway = await Ratatoskr.builder().use(plugin).build();
    vi.useFakeTimers();
    const pending = errorOf(drain(gateway.chatStream(hello, { model: "m", timeout: 80 })));
    await vi.advanceTimersByTimeAsync(80);
    const error = await pending;
    expect(error).toMatchObject({ code: "timeout", timeoutKind: "total" });
    // One event every 10 ms of fake time: exactly what came before the deadline.
    expect(error.partial?.content).toMatch(/^\.{7,8}$/);
  });

  it("providers never see the deadlines: the attempt timeout aborts a hung unary attempt, which is retried", async () => {
    const mock = createMockProvider();
    let calls = 0;
    const signals: AbortSignal[] = [];
    const hangOnce = createMockProvider({ id: "hang", capabilities: ["embed"] });
    const embed = hangOnce.embedding!.embed;
    Object.assign(hangOnce.embedding!, {
      embed(request: Parameters<typeof embed>[0]) {
        calls++;
        signals.push(request.signal);
        return calls === 1 ? new Promise<never>(() => {}) : embed(request);
      },
    });
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .use(hangOnce)
      .retry(fast)
      .timeouts({ attempt: 40 })
      .build();
    await gateway.embed("x", "m", { timeout: 100, retry: { maxAttempts: 2 } });
    expect(Object.keys(mock.callsOf("embed")[0]!.request).sort()).toEqual([
      "model",
      "providerOptions",
      "signal",
      "values",
    ]);
    vi.useFakeTimers();
    const retried: Array<string | undefined> = [];
    const timed = await Ratatoskr.builder()
      .use(hangOnce)
      .retry(fast)
      .timeouts({ attempt: 40 })
      .hooks({ onRetry: (event) => retried.push(event.reason.timeoutKind) })
      .build();
    const pending = timed.embed("x", "m");
    await vi.advanceTimersByTimeAsync(39);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1 + fast.maxDelayMs);
    expect((await pending).dimensions).toBe(8);
    expect(retried).toEqual(["attempt"]);
    expect(calls).toBe(2);
    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
  });
});

describe("fallbacks", () => {
  it("a primary failing before any content falls back; provider and model are reported", async () => {
    const primary = createMockProvider({ id: "primary" }).failNext("chatStream", unavailable(), 9);
    primary.failNext("chat", unavailable(), 9);
    const backup = createMockProvider({ id: "backup" });
    const fallbacks: unknown[] = [];
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .use(backup)
      .retry({ ...fast, maxAttempts: 2 })
      .fallbacks("chat", ["backup:small-model"])
      .hooks({ onFallback: (event) => fallbacks.push(event) })
      .build();
    const events = await drain(gateway.chatStream(hello, { model: "primary:big" }));
    expect(events.at(-1)).toMatchObject({
      type: "done",
      provider: "backup",
      model: "small-model",
    });
    expect(events.filter((event) => event.type === "content").length).toBeGreaterThan(0);
    expect(fallbacks).toEqual([
      expect.objectContaining({
        from: { provider: "primary", model: "big" },
        to: { provider: "backup", model: "small-model" },
        reason: expect.objectContaining({ code: "provider", status: 503 }),
      }),
    ]);
    const response = await gateway.chat(hello, { model: "primary:big" });
    expect(response).toMatchObject({ provider: "backup", model: "small-model" });
    expect(primary.calls.filter((call) => call.method === "chatStream")).toHaveLength(2);
  });

  it("no fallback after the first event, nor for bad input, nor when disabled per call", async () => {
    const primary = createMockProvider({ id: "primary" });
    const backup = createMockProvider({ id: "backup" });
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .use(backup)
      .retry(fast)
      .fallbacks("chat", ["backup:m"])
      .build();
    primary.enqueueStream({ events: [{ type: "content", text: "a" }], error: unavailable() });
    expect((await errorOf(drain(gateway.chatStream(hello, { model: "primary:m" })))).code).toBe(
      "provider",
    );
    primary.failNext(
      "chat",
      new RatatoskrError({ code: "invalid_input", status: 400, message: "bad" }),
    );
    expect((await errorOf(gateway.chat(hello, { model: "primary:m" }))).code).toBe("invalid_input");
    primary.failNext("chat", unavailable(), 3);
    expect(
      (await errorOf(gateway.chat(hello, { model: "primary:m", fallbacks: false }))).status,
    ).toBe(503);
    expect(backup.calls).toHaveLength(0);
  });

  it("a fallback target needs a registered provider: prefix; it is never read as a bare model name", async () => {
    for (const target of ["nope:m", "small-model", "primary", ":m", "primary:"]) {
      const error = await errorOf(
        (async () =>
          Ratatoskr.builder()
            .use(createMockProvider({ id: "primary" }))
            .fallbacks("chat", [target])
            .build())(),
      );
      expect(error.code).toBe("configuration");
      expect(error.message).toContain(`"${target}"`);
    }
    // Aliases are registered names too.
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider({ id: "primary" }))
      .use(createMockProvider({ id: "backup", aliases: ["bk"] }))
      .fallbacks("chat", ["bk:m"])
      .build();
    expect(gateway.route("chat", "primary:m").fallbacks).toEqual(["bk:m"]);
  });

  it("an unregistered prefix per call is invalid_input and never routes back to the failing primary", async () => {
    const primary = createMockProvider({ id: "primary" }).failNext("chat", unavailable(), 9);
    const gateway = await Ratatoskr.builder().use(primary).retry(fast).build();
    const error = await errorOf(gateway.chat(hello, { model: "primary:m", fallbacks: ["nope:m"] }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("nope");
    expect(primary.calls).toHaveLength(0);
  });

  it("a fallback naming another provider of the primary's route is tried; the failed target is not retried", async () => {
    // Both accept "m": the route is [first, second], second only on a decline.
    const first = createMockProvider({ id: "first" }).failNext("chat", unavailable(), 9);
    const second = createMockProvider({ id: "second" });
    const fallbacks: unknown[] = [];
    const gateway = await Ratatoskr.builder()
      .use(first)
      .use(second)
      .retry({ ...fast, maxAttempts: 2 })
      .fallbacks("chat", ["first:m", "second:m"])
      .hooks({ onFallback: (event) => fallbacks.push(event.to) })
      .build();
    const response = await gateway.chat(hello, { model: "m" });
    expect(response.provider).toBe("second");
    expect(first.calls).toHaveLength(2);
    expect(second.calls).toHaveLength(1);
    expect(fallbacks).toEqual([{ provider: "second", model: "m" }]);
  });

  it("an unroutable fallback target is a configuration error at build()", async () => {
    const error = await errorOf(
      Ratatoskr.builder()
        .use(createMockProvider({ id: "only", capabilities: ["chat"] }))
        .fallbacks("chat", ["ollama:llama3.2"])
        .build(),
    );
    expect(error.code).toBe("configuration");
    expect(error.message).toContain("ollama:llama3.2");
  });
});

describe("cool-down", () => {
  it("a provider that keeps failing is cooled down, visible in route(), and tried last", async () => {
    const primary = createMockProvider({ id: "primary" }).failNext("chat", unavailable(), 100);
    const backup = createMockProvider({ id: "backup" });
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .use(backup)
      .retry({ ...fast, maxAttempts: 3 })
      .cooldown({ failureThreshold: 3, cooldownMs: 60_000 })
      .fallbacks("chat", ["backup:m"])
      .build();
    expect(gateway.route("chat", "primary:m").cooldowns).toBeUndefined();
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("backup");
    expect(primary.calls).toHaveLength(3);
    const route = gateway.route("chat", "primary:m");
    expect(route.cooldowns).toEqual([
      expect.objectContaining({ provider: "primary", failures: 3, lastError: "provider" }),
    ]);
    expect(route.explanation).toContain("cooling down");
    expect(route.fallbacks).toEqual(["backup:m"]);
    // While cooling, the backup answers first and the primary is not called.
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("backup");
    expect(primary.calls).toHaveLength(3);
  });

  it("streams that keep breaking after their first event count too; a consumer leaving does not", async () => {
    const breaking = streamPlugin("flaky", async function* () {
      yield { type: "content", text: "half" };
      throw unavailable();
    });
    const gateway = await Ratatoskr.builder()
      .use(breaking)
      .cooldown({ failureThreshold: 2, cooldownMs: 60_000 })
      .build();
    for await (const _ of gateway.chatStream(hello, { model: "m" })) break;
    for await (const _ of gateway.chatStream(hello, { model: "m" })) break;
    expect(gateway.route("chat", "m").cooldowns).toBeUndefined();
    for (let call = 0; call < 2; call++) {
      expect((await errorOf(drain(gateway.chatStream(hello, { model: "m" })))).code).toBe(
        "provider",
      );
    }
    expect(gateway.route("chat", "m").cooldowns).toEqual([
      expect.objectContaining({ provider: "flaky", failures: 2 }),
    ]);
  });

  it("a success resets the count; bad input does not count", () => {
    let now = 0;
    const health = new ProviderHealth({ failureThreshold: 2, cooldownMs: 100 }, () => now);
    health.failure("p", unavailable());
    health.success("p");
    health.failure("p", unavailable());
    expect(health.cooldown("p")).toBeUndefined();
    health.failure("p", new RatatoskrError({ code: "invalid_input", message: "x" }));
    expect(health.cooldown("p")).toBeUndefined();
    health.failure("p", unavailable());
    expect(health.cooldown("p")).toMatchObject({ until: 100, failures: 2 });
    now = 100;
    expect(health.cooldown("p")).toBeUndefined();
  });
});

describe("bad per-call settings", () => {
  it("reject with invalid_input and leave no listener on the caller's signal", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    const controller = new AbortController();
    const options = { model: "m", signal: controller.signal, retry: { maxAttempts: 0 } };
    expect((await errorOf(gateway.chat(hello, options))).code).toBe("invalid_input");
    expect((await errorOf(drain(gateway.chatStream(hello, options)))).code).toBe("invalid_input");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it.each([
    ["timeout", Number.NaN],
    ["attemptTimeout", -1],
    ["idleTimeout", Number.POSITIVE_INFINITY],
    ["timeout", 2 ** 31],
  ])(
    "a %s of %s is invalid_input naming it, not a silently disabled deadline",
    async (name, value) => {
      const mock = createMockProvider();
      const gateway = await Ratatoskr.builder().use(mock).build();
      const options = { model: "m", [name]: value };
      for (const error of [
        await errorOf(gateway.chat(hello, options)),
        await errorOf(drain(gateway.chatStream(hello, options))),
        await errorOf(gateway.embed("x", "m", { [name]: value })),
      ]) {
        expect(error).toMatchObject({
          code: "invalid_input",
          details: { field: `options.${name}` },
        });
      }
      expect(mock.calls).toHaveLength(0);
    },
  );

  it("the same values on the builder are configuration errors", () => {
    expect(() => Ratatoskr.builder().timeouts({ idle: Number.NaN })).toThrow(
      expect.objectContaining({
        code: "configuration",
        message: expect.stringContaining("timeouts.idle"),
      }),
    );
    expect(() => Ratatoskr.builder().timeout(2 ** 31)).toThrow(
      expect.objectContaining({ code: "configuration" }),
    );
  });
});

describe("streams that are never iterated", () => {
  it("hold no listener on the caller's signal and call no provider", async () => {
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder().use(mock).build();
    const controller = new AbortController();
    for (let i = 0; i < 100; i++)
      gateway.chatStream(hello, { model: "m", signal: controller.signal });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    const stream = gateway.chatStream(hello, { model: "m", signal: controller.signal });
    await stream[Symbol.asyncIterator]().return?.();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(mock.calls).toHaveLength(0);
  });

  it("an already-aborted signal ends the first next() with aborted", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    const error = await errorOf(
      drain(gateway.chatStream(hello, { model: "m", signal: AbortSignal.abort() })),
    );
    expect(error.code).toBe("aborted");
  });
});

describe("hooks", () => {
  it("report start, completion with usage and attempts, and errors; a throwing hook changes nothing", async () => {
    const seen: string[] = [];
    const completions: Array<{ usage?: unknown; attempts: number; provider: string }> = [];
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .hooks({
        onRequestStart: (event) => {
          seen.push(`start:${event.callId}:${event.stream}`);
          throw new Error("hook bug");
        },
        onComplete: (event) => completions.push(event),
        onError: (event) => seen.push(`error:${event.error.code}`),
        onHookError: (report) => seen.push(`hook failed:${report.hook}`),
      })
      .build();
    await drain(gateway.chatStream(hello, { model: "m" }));
    mock.failNext("embed", new RatatoskrError({ code: "authentication", message: "no" }));
    await errorOf(gateway.embed("x", "m"));
    expect(seen).toEqual([
      "start:1:true",
      "hook failed:onRequestStart",
      "start:2:false",
      "hook failed:onRequestStart",
      "error:authentication",
    ]);
    expect(completions).toEqual([
      expect.objectContaining({ provider: "mock", attempts: 1, usage: createUsage(2, 3) }),
    ]);
  });

  it("the error hook names the provider of the last attempt, for streams and unary calls alike", async () => {
    const providers: unknown[] = [];
    const failing = () => unavailable();
    const mock = createMockProvider()
      .enqueueStream(failing())
      .enqueueStream(failing())
      .failNext("chat", failing(), 2);
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .retry({ ...fast, maxAttempts: 2 })
      .hooks({ onError: (event) => providers.push(event.provider) })
      .build();
    await errorOf(drain(gateway.chatStream(hello, { model: "m" })));
    await errorOf(gateway.chat(hello, { model: "m" }));
    expect(providers).toEqual(["mock", "mock"]);
  });

  it("unknown usage stays undefined in the completion hook", async () => {
    const completions: Array<Record<string, unknown>> = [];
    const mock = createMockProvider().enqueueStream([
      { type: "content", text: "x" },
      { type: "done", finishReason: "stop" },
    ]);
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .hooks({ onComplete: (event) => completions.push({ ...event }) })
      .build();
    await drain(gateway.chatStream(hello, { model: "m" }));
    expect(completions[0]).not.toHaveProperty("usage");
  });

  it("a consumer leaving early is reported once, as aborted", async () => {
    const seen: string[] = [];
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks({
        onComplete: () => seen.push("complete"),
        onError: (event) => seen.push(event.error.code),
      })
      .build();
    for await (const _ of gateway.chatStream(hello, { model: "m" })) break;
    expect(seen).toEqual(["aborted"]);
  });

  it("no hook payload ever holds a registered API key", async () => {
    const key = "sk-test-key-canary-hooks-123456";
    registerSecret(key);
    const payloads: unknown[] = [];
    const record = (event: unknown) => payloads.push(event);
    const mock = createMockProvider()
      .failNext("chat", new RatatoskrError({ code: "network", message: `reset with ${key}` }))
      .failNext(
        "embed",
        new RatatoskrError({
          code: "authentication",
          message: `key ${key} rejected`,
          body: key,
          cause: new Error(key),
        }),
      );
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .retry(fast)
      .hooks({
        onRequestStart: record,
        onRetry: record,
        onFallback: record,
        onWarning: record,
        onComplete: record,
        onError: record,
      })
      .build();
    await gateway.chat(hello, { model: "m" });
    const error = await errorOf(gateway.embed("x", "m"));
    expect(payloads.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(payloads)).not.toContain(key);
    expect(JSON.stringify(error.toJSON())).not.toContain(key);
  });
});

describe("a consumer leaving while the first event is on its way", () => {
  it("closes the provider stream, leaves no timer and reports one terminal hook, however the timing falls", async () => {
    for (let ticks = 0; ticks < 40; ticks++) {
      const seen: string[] = [];
      let closed = false;
      const plugin = streamPlugin("p", async function* () {
        try {
          yield { type: "content", text: "a" };
          yield { type: "done", finishReason: "stop" };
        } finally {
          closed = true;
        }
      });
      const gateway = await Ratatoskr.builder()
        .use(plugin)
        .timeouts({ total: 60_000, attempt: 60_000, idle: 60_000 })
        .hooks({
          onComplete: () => seen.push("complete"),
          onError: (event) => seen.push(event.error.code),
        })
        .build();
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
      try {
        const iterator = gateway.chatStream(hello, { model: "m" })[Symbol.asyncIterator]();
        const first = iterator.next().then(
          (result) => (result.done ? "done" : "event"),
          (error: unknown) => (RatatoskrError.isInstance(error) ? error.code : "other"),
        );
        for (let tick = 0; tick < ticks; tick++) await Promise.resolve();
        await iterator.return?.();
        const outcome = await first;
        await new Promise((resolve) => setImmediate(resolve));
        expect({ ticks, outcome, timers: vi.getTimerCount(), closed, seen }).toEqual({
          ticks,
          // "event" when the first event was delivered before return() ran.
          outcome: expect.stringMatching(/^(event|aborted)$/),
          timers: 0,
          closed: true,
          seen: ["aborted"],
        });
      } finally {
        vi.useRealTimers();
      }
    }
  });
});
