/**
 * RELIABILITY.md's fault table against the OpenAI wire (the `openai` SDK
 * inside @ratatoskr/provider-openai-compat, with `maxRetries: 0`) through
 * the gateway, on a loopback fake server. Attempts are counted at the server.
 */
import { Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAI, createOpenAICompatible } from "@ratatoskr/provider-openai-compat";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { expectWaitOf, idleSlackMs, useFakeClock } from "./fake-clock.ts";
import { type FaultPlan, type FaultServer, startFaultServer } from "./fault-server.ts";
import { createFaultyFetch } from "./faulty-fetch.ts";
import {
  CANARY_KEY,
  consume,
  consumeLive,
  errorOf,
  everythingSaid,
  FAST_RETRY,
  recordingHooks,
} from "./suite-helpers.ts";
import {
  openaiCompletion,
  openaiErrorBody,
  openaiMidStreamError,
  openaiStream,
  openaiToolStream,
  wantsStream,
} from "./wire-formats.ts";

const hello = [Message.user("hello")];
const PIECES = ["Hel", "lo", ", wor", "ld", " — ", "ü", "ber"];
const TEXT = PIECES.join("");
/** A good answer in the form the request asked for (stream or JSON). */
const answer =
  (pieces: readonly string[], usage = true): FaultPlan =>
  (body) =>
    wantsStream(body)
      ? { kind: "sse", chunks: openaiStream(pieces, { usage }) }
      : { kind: "json", status: 200, body: openaiCompletion(pieces.join(""), usage) };
const good = () => answer(PIECES);

let server: FaultServer;
let backup: FaultServer;

beforeAll(async () => {
  server = await startFaultServer(good());
  backup = await startFaultServer(answer(["from backup"]));
});
afterAll(async () => {
  await server.close();
  await backup.close();
});
beforeEach(() => {
  server.reset();
  backup.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

async function gatewayFor(
  options: {
    fetch?: typeof fetch;
    retry?: Record<string, number>;
    timeouts?: { attempt?: number; idle?: number; total?: number };
    withBackup?: boolean;
  } = {},
) {
  const recorder = recordingHooks();
  let builder = Ratatoskr.builder()
    .use(
      createOpenAI({
        apiKey: CANARY_KEY,
        baseURL: `${server.url}/v1`,
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      }),
    )
    .retry(options.retry ?? FAST_RETRY)
    .timeouts(options.timeouts ?? {})
    .hooks(recorder.hooks);
  if (options.withBackup) {
    builder = builder
      .use(
        createOpenAICompatible({
          id: "backup",
          baseURL: `${backup.url}/v1`,
          apiKey: "sk-test-key-canary-backup-654321",
        }),
      )
      .fallbacks("chat", ["backup:backup-model"]);
  }
  return { gateway: await builder.build(), hooks: recorder.events, recorder };
}

const rateLimited = (headers: Record<string, string>) => ({
  kind: "json" as const,
  status: 429,
  headers,
  body: openaiErrorBody("Rate limit reached", "requests", "rate_limit_exceeded"),
});

describe("429 with retry-after", () => {
  it.each([
    ["retry-after: 1 (seconds)", { "retry-after": "1" }, 1000],
    ["retry-after-ms: 120", { "retry-after-ms": "120" }, 120],
    [
      "retry-after as an HTTP date",
      { "retry-after": new Date(Date.now() - 5_000).toUTCString() },
      0,
    ],
  ])("%s: waits as told and succeeds", async (_name, headers, expectedWait) => {
    server.enqueue(rateLimited(headers));
    const { gateway, recorder } = await gatewayFor();
    useFakeClock();
    const live = consumeLive(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    const retry = (await recorder.nth("retry")) as { waitMs: number };
    expect(retry.waitMs).toBe(expectedWait);
    await expectWaitOf(expectedWait, server.received(2));
    const outcome = await live.done;
    expect(outcome.error).toBeUndefined();
    expect(outcome.text).toBe(TEXT);
    expect(server.hits).toBe(2);
  });

  it("retry-after as a future HTTP date: waits until that second", async () => {
    // HTTP dates have one-second resolution: on a fake clock standing on a whole
    // second, a date 2 s ahead is a wait of exactly 2 s, however slow the machine.
    useFakeClock();
    vi.setSystemTime(Math.ceil(Date.now() / 1000) * 1000);
    server.enqueue(rateLimited({ "retry-after": new Date(Date.now() + 2_000).toUTCString() }));
    const { gateway, recorder } = await gatewayFor();
    const live = consumeLive(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    const retry = (await recorder.nth("retry")) as { waitMs: number };
    expect(retry.waitMs).toBe(2_000);
    await expectWaitOf(retry.waitMs, server.received(2));
    expect((await live.done).error).toBeUndefined();
    expect(server.hits).toBe(2);
  });

  it("retry-after: 3600 fails fast with a rate-limit error carrying it", async () => {
    server.enqueue(rateLimited({ "retry-after": "3600" }));
    const { gateway } = await gatewayFor();
    // On the fake clock, a call that waited would never end: ending proves it did not wait.
    useFakeClock();
    const error = await errorOf(gateway.chat(hello, { model: "gpt-4o-mini" }));
    expect(error).toMatchObject({ code: "rate_limited", retryAfterMs: 3_600_000 });
    expect(server.hits).toBe(1);
  });
});

it("429 every time without a header: jittered backoff, bounded attempts, then a rate-limit error", async () => {
  server.enqueue(...Array.from({ length: 10 }, () => rateLimited({})));
  const { gateway, hooks } = await gatewayFor({
    retry: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 4 },
  });
  const error = await errorOf(gateway.chat(hello, { model: "gpt-4o-mini" }));
  expect(error.code).toBe("rate_limited");
  expect(server.hits).toBe(4);
  const waits = hooks
    .filter(([name]) => name === "retry")
    .map(([, event]) => (event as { waitMs: number }).waitMs);
  expect(waits).toHaveLength(3);
  for (const [index, wait] of waits.entries()) {
    const base = Math.min(20 * 2 ** index, 100);
    expect(wait).toBeGreaterThanOrEqual(base * 0.75 - 1);
    expect(wait).toBeLessThanOrEqual(base);
  }
});

it("503 once, then 200: one retry, success, usage from the successful attempt only", async () => {
  server.enqueue({
    kind: "json",
    status: 503,
    body: openaiErrorBody("The server is overloaded", "server_error"),
  });
  const { gateway, hooks } = await gatewayFor();
  const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
  expect(outcome.text).toBe(TEXT);
  expect(server.hits).toBe(2);
  const done = outcome.events.at(-1);
  expect(done).toMatchObject({
    type: "done",
    provider: "openai",
    usage: { promptTokens: 9, completionTokens: PIECES.length },
  });
  const complete = hooks.find(([name]) => name === "complete")?.[1];
  expect(complete).toMatchObject({ attempts: 2, usage: { completionTokens: PIECES.length } });
});

describe("connection faults", () => {
  it("reset before headers (server): connection error, retried, success", async () => {
    server.enqueue({ kind: "reset-before-headers" });
    const { gateway, hooks } = await gatewayFor();
    const response = await gateway.chat(hello, { model: "gpt-4o-mini" });
    expect(response.content).toBe(TEXT);
    expect(server.hits).toBe(2);
    expect(hooks.find(([name]) => name === "retry")?.[1]).toMatchObject({
      reason: { code: "network" },
    });
  });

  it("refused and reset before headers (injected fetch): retried, success", async () => {
    const faulty = createFaultyFetch([{ kind: "refused" }, { kind: "reset" }]);
    const { gateway } = await gatewayFor({ fetch: faulty });
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.text).toBe(TEXT);
    expect(faulty.calls).toBe(3);
    expect(server.hits).toBe(1);
  });

  it("reset after some events (server): an error keeping the partial text, never success", async () => {
    server.enqueue({ kind: "sse", chunks: openaiStream(PIECES).slice(0, 4), end: "reset" });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.error).toBeDefined();
    expect(["network", "stream"]).toContain(outcome.error!.code);
    expect(outcome.text).toBe(PIECES.slice(0, 3).join(""));
    expect(outcome.error!.partial?.content).toBe(outcome.text);
    expect(outcome.events.some((event) => event.type === "done")).toBe(false);
    expect(server.hits).toBe(1);
  });

  it("reset in the middle of an event (injected fetch): error with the text delivered so far", async () => {
    const body = openaiStream(PIECES).join("");
    const cutAt = body.indexOf('"lo"') + 2; // inside the third event
    const faulty = createFaultyFetch([
      { kind: "reset-body", afterBytes: Buffer.byteLength(body.slice(0, cutAt)) },
    ]);
    const { gateway } = await gatewayFor({ fetch: faulty });
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.error).toBeDefined();
    expect(outcome.text).toBe("Hel");
    expect(outcome.error!.partial?.content).toBe("Hel");
    expect(faulty.calls).toBe(1);
  });

  it("a stream cut cleanly before its finish marker is a stream error that keeps the text", async () => {
    server.enqueue({ kind: "sse", chunks: openaiStream(PIECES, { finishReason: null }) });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.error?.code).toBe("stream");
    expect(outcome.error?.partial?.content).toBe(TEXT);
    expect(server.hits).toBe(1);
  });
});

describe("silence", () => {
  it("events, then only keep-alive comments: the idle timeout ends it; the next call works", async () => {
    server.enqueue({
      kind: "sse",
      chunks: openaiStream(PIECES).slice(0, 3),
      end: "hang",
      keepAliveEveryMs: 10,
      keepAliveComment: ": OPENROUTER PROCESSING",
    });
    const { gateway } = await gatewayFor({ timeouts: { idle: 150 } });
    useFakeClock();
    const live = consumeLive(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    await live.when(({ text }) => text === "Hello");
    await expectWaitOf(150, live.done, idleSlackMs(150));
    const outcome = await live.done;
    expect(outcome.error).toMatchObject({ code: "timeout", timeoutKind: "idle" });
    expect(outcome.error?.partial?.content).toBe("Hello");
    await server.allClosed();
    const next = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(next.text).toBe(TEXT);
  });

  it("headers, then nothing but keep-alives: the attempt timeout fires, each attempt, then a timeout error", async () => {
    const hang = {
      kind: "sse" as const,
      chunks: [],
      end: "hang" as const,
      keepAliveEveryMs: 10,
    };
    server.enqueue(hang, hang);
    const { gateway, recorder } = await gatewayFor({
      retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
      timeouts: { attempt: 100 },
    });
    useFakeClock();
    const live = consumeLive(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    await server.received(1);
    await expectWaitOf(100, recorder.nth("retry"));
    const retry = (await recorder.nth("retry")) as { waitMs: number; reason: unknown };
    expect(retry.reason).toMatchObject({ code: "timeout", timeoutKind: "attempt" });
    await vi.advanceTimersByTimeAsync(retry.waitMs);
    await server.received(2);
    await expectWaitOf(100, live.done);
    const outcome = await live.done;
    expect(outcome.error).toMatchObject({ code: "timeout", timeoutKind: "attempt" });
    expect(outcome.events).toEqual([]);
    expect(server.hits).toBe(2);
    await server.allClosed();
  });

  it("slow response headers on a unary call: the SDK's request timeout (the attempt timeout) fires and the call is retried", async () => {
    server.enqueue({
      kind: "delay",
      ms: 2_000,
      fault: { kind: "json", status: 200, body: openaiCompletion(TEXT) },
    });
    const { gateway, recorder } = await gatewayFor({ timeouts: { attempt: 100 } });
    useFakeClock();
    const call = gateway.chat(hello, { model: "gpt-4o-mini" });
    await server.received(1);
    await expectWaitOf(100, recorder.nth("retry"));
    const retry = (await recorder.nth("retry")) as { waitMs: number; reason: unknown };
    expect(retry.reason).toMatchObject({ code: "timeout" });
    await vi.advanceTimersByTimeAsync(retry.waitMs);
    const response = await call;
    expect(response.content).toBe(TEXT);
    expect(server.hits).toBe(2);
  });
});

describe("errors after a 200", () => {
  it("data: {error} before any content: typed error, and the fallback serves", async () => {
    server.enqueue({
      kind: "sse",
      chunks: [openaiMidStreamError(502, "Upstream provider error")],
    });
    server.enqueue({ kind: "sse", chunks: [openaiMidStreamError(502, "Upstream provider error")] });
    server.enqueue({ kind: "sse", chunks: [openaiMidStreamError(502, "Upstream provider error")] });
    const { gateway, hooks } = await gatewayFor({ withBackup: true });
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.error).toBeUndefined();
    expect(outcome.text).toBe("from backup");
    expect(outcome.events.at(-1)).toMatchObject({
      type: "done",
      provider: "backup",
      model: "gpt-4o-mini-2024-07-18",
    });
    expect(server.hits).toBe(3);
    expect(backup.hits).toBe(1);
    expect(hooks.find(([name]) => name === "fallback")?.[1]).toMatchObject({
      from: { provider: "openai" },
      to: { provider: "backup", model: "backup-model" },
    });
  });

  it("data: {error} after content: typed error, no fallback, partial kept", async () => {
    server.enqueue({
      kind: "sse",
      chunks: [...openaiStream(PIECES).slice(0, 3), openaiMidStreamError(502, "Upstream died")],
    });
    const { gateway } = await gatewayFor({ withBackup: true });
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.error).toMatchObject({ code: "provider", partial: { content: "Hello" } });
    expect(outcome.text).toBe("Hello");
    expect(backup.hits).toBe(0);
    expect(server.hits).toBe(1);
  });

  it("primary fails before any content (500), fallback configured: the fallback serves a unary call too", async () => {
    server.enqueue(
      ...Array.from({ length: 3 }, () => ({
        kind: "json" as const,
        status: 500,
        body: openaiErrorBody("The server had an error", "server_error"),
      })),
    );
    const { gateway } = await gatewayFor({ withBackup: true });
    const response = await gateway.chat(hello, { model: "gpt-4o-mini" });
    expect(response).toMatchObject({ content: "from backup", provider: "backup" });
    expect(server.hits).toBe(3);
  });
});

describe("malformed SSE", () => {
  it("an invalid JSON event gives a clean typed error with the text so far", async () => {
    server.enqueue({
      kind: "sse",
      chunks: [
        ...openaiStream(PIECES).slice(0, 2),
        "data: {not json\n\n",
        ...openaiStream(PIECES).slice(2),
      ],
    });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.error).toBeDefined();
    expect(["stream", "json", "provider"]).toContain(outcome.error!.code);
    expect(outcome.text).toBe("Hel");
    expect(outcome.error!.partial?.content).toBe("Hel");
  });

  it("CRLF line endings and a last event without its blank line give the same output", async () => {
    const crlf = openaiStream(PIECES).map((event) => event.replaceAll("\n", "\r\n"));
    server.enqueue({ kind: "sse", chunks: crlf });
    const withoutBlank = openaiStream(PIECES);
    withoutBlank[withoutBlank.length - 1] = "data: [DONE]\n";
    server.enqueue({ kind: "sse", chunks: withoutBlank });
    const { gateway } = await gatewayFor();
    for (let round = 0; round < 2; round++) {
      const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
      expect(outcome.error).toBeUndefined();
      expect(outcome.text).toBe(TEXT);
    }
  });
});

describe("tool calls", () => {
  it.each([
    // After the first piece the buffer already parses; more arguments follow.
    ["a prefix that parses", ['{"city":"Paris"}', " "], '{"city":"Paris"} '],
    [
      "split keys and values",
      ['{"city":', '"Paris"', ',"unit":"c"', "}"],
      '{"city":"Paris","unit":"c"}',
    ],
  ])("arguments are final only after the finish marker: %s", async (_name, pieces, whole) => {
    server.enqueue({ kind: "sse", chunks: openaiToolStream(pieces) });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.error).toBeUndefined();
    const types = outcome.events.map((event) => event.type);
    expect(types.filter((type) => type === "tool_call_end")).toHaveLength(1);
    expect(types.indexOf("tool_call_end")).toBeGreaterThan(types.lastIndexOf("tool_call_delta"));
    expect(types.at(-1)).toBe("done");
    const args = outcome.events
      .filter((event) => event.type === "tool_call_delta")
      .map((event) => (event as { arguments: string }).arguments)
      .join("");
    expect(args).toBe(whole);
  });

  it("arguments cut off: an error carrying the raw arguments, no tool call ended", async () => {
    server.enqueue({ kind: "sse", chunks: openaiToolStream(['{"city":', '"Par'], true) });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
    expect(outcome.error?.code).toBe("stream");
    expect(outcome.events.some((event) => event.type === "tool_call_end")).toBe(false);
    expect(outcome.error?.partial?.toolCalls).toEqual([
      expect.objectContaining({ name: "get_weather", arguments: '{"city":"Par', complete: false }),
    ]);
  });
});

it("a server without usage in streams: usage unknown, not zero", async () => {
  server.enqueue(answer(PIECES, false), answer(PIECES, false));
  const { gateway, hooks } = await gatewayFor();
  const outcome = await consume(gateway.chatStream(hello, { model: "gpt-4o-mini" }));
  const done = outcome.events.at(-1) as { usage?: unknown };
  expect(done.usage).toBeUndefined();
  expect(outcome.events.some((event) => event.type === "usage")).toBe(false);
  const response = await gateway.chat(hello, { model: "gpt-4o-mini" });
  expect(response.usage).toBeUndefined();
  for (const [name, event] of hooks) {
    if (name === "complete") expect(event).not.toHaveProperty("usage");
  }
});

describe("abort", () => {
  it("abort mid-stream: result aborted with the partial text, upstream socket closed promptly", async () => {
    server.enqueue({ kind: "sse", chunks: openaiStream(PIECES), delayMs: 30 });
    const { gateway, hooks } = await gatewayFor();
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await errorOf(
      (async () => {
        for await (const event of gateway.chatStream(hello, {
          model: "gpt-4o-mini",
          signal: controller.signal,
        })) {
          if (event.type === "content") seen.push(event.text);
          if (seen.length === 2) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe("aborted");
    expect(error.partial?.content).toBe("Hello");
    await server.allClosed();
    expect(hooks.filter(([name]) => name === "error" || name === "complete")).toHaveLength(1);
  });

  it("break out of the loop closes the upstream socket", async () => {
    server.enqueue({ kind: "sse", chunks: openaiStream(PIECES), delayMs: 30 });
    const { gateway } = await gatewayFor();
    for await (const event of gateway.chatStream(hello, { model: "gpt-4o-mini" })) {
      if (event.type === "content") break;
    }
    await server.allClosed();
  });
});

describe("no retry, and the key appears nowhere", () => {
  it.each([
    [
      "401 bad key",
      401,
      openaiErrorBody(
        `Incorrect API key provided: ${CANARY_KEY}.`,
        "invalid_request_error",
        "invalid_api_key",
      ),
      "authentication",
    ],
    [
      "400 context length exceeded",
      400,
      openaiErrorBody(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        "invalid_request_error",
        "context_length_exceeded",
      ),
      "context_length_exceeded",
    ],
  ])("%s", async (_name, status, body, code) => {
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      }),
    );
    server.enqueue({ kind: "json", status, body });
    const { gateway, hooks } = await gatewayFor();
    const error = await errorOf(gateway.chat(hello, { model: "gpt-4o-mini" }));
    for (const spy of spies) spy.mockRestore();
    expect(error.code).toBe(code);
    expect(server.hits).toBe(1);
    expect(everythingSaid(error, hooks)).not.toContain(CANARY_KEY);
    expect(logged.join("\n")).not.toContain(CANARY_KEY);
    // The key went where it belongs, and only there.
    const request = server.loopback.requests.at(-1)!;
    expect(request.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);
    expect(request.body).not.toContain(CANARY_KEY);
  });
});
