/**
 * The fault table against the Anthropic Messages wire
 * (@ratatoskr/provider-anthropic on @anthropic-ai/sdk with `maxRetries: 0`),
 * through the gateway, on a loopback fake server.
 */
import { Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createAnthropic } from "@ratatoskr/provider-anthropic";
import { createOpenAICompatible } from "@ratatoskr/provider-openai-compat";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { expectWaitOf, idleSlackMs, useFakeClock } from "./fake-clock.ts";
import { type FaultPlan, type FaultServer, startFaultServer } from "./fault-server.ts";
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
  anthropicErrorBody,
  anthropicErrorEvent,
  anthropicStream,
  openaiCompletion,
  openaiStream,
  wantsStream,
} from "./wire-formats.ts";

const hello = [Message.user("hello")];
const PIECES = ["Hello", "! How can", " I help", " you today?"];
const TEXT = PIECES.join("");
const MODEL = "claude-sonnet-4-6";

function message(text: string) {
  return {
    id: "msg_01Reliability000000000000",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 25, output_tokens: 12 },
  };
}

const answer =
  (pieces: readonly string[]): FaultPlan =>
  (body) =>
    wantsStream(body)
      ? { kind: "sse", chunks: anthropicStream(pieces) }
      : { kind: "json", status: 200, body: message(pieces.join("")) };

const anthropicError = (status: number, type: string, text: string, headers = {}) => ({
  kind: "json" as const,
  status,
  headers,
  body: anthropicErrorBody(type, text),
});

let server: FaultServer;
let backup: FaultServer;

beforeAll(async () => {
  server = await startFaultServer(answer(PIECES));
  backup = await startFaultServer((body) =>
    wantsStream(body)
      ? { kind: "sse", chunks: openaiStream(["from backup"]) }
      : { kind: "json", status: 200, body: openaiCompletion("from backup") },
  );
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

async function gatewayFor(timeouts: { idle?: number; attempt?: number } = {}) {
  const recorder = recordingHooks();
  const gateway = await Ratatoskr.builder()
    .use(createAnthropic({ apiKey: CANARY_KEY, baseURL: server.url }))
    .use(createOpenAICompatible({ id: "backup", baseURL: `${backup.url}/v1` }))
    .fallbacks("chat", ["backup:backup-model"])
    .retry(FAST_RETRY)
    .timeouts(timeouts)
    .hooks(recorder.hooks)
    .build();
  return { gateway, hooks: recorder.events };
}

describe("Anthropic: retried faults", () => {
  it("429 with retry-after-ms: waits as told and succeeds", async () => {
    server.enqueue(
      anthropicError(429, "rate_limit_error", "Number of requests has exceeded your rate limit", {
        "retry-after-ms": "80",
      }),
    );
    const { gateway, hooks } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: MODEL }));
    expect(outcome.text).toBe(TEXT);
    expect(server.hits).toBe(2);
    expect(hooks.find(([name]) => name === "retry")?.[1]).toMatchObject({
      waitMs: 80,
      waitSource: "retry-after",
      reason: { code: "rate_limited", status: 429 },
    });
  });

  it("429 with retry-after: 3600 fails fast carrying it (no fallback wait either)", async () => {
    server.enqueue(
      anthropicError(429, "rate_limit_error", "Rate limited", { "retry-after": "3600" }),
    );
    const { gateway } = await gatewayFor();
    const error = await errorOf(gateway.chat(hello, { model: MODEL, fallbacks: false }));
    expect(error).toMatchObject({ code: "rate_limited", retryAfterMs: 3_600_000 });
    expect(server.hits).toBe(1);
  });

  it("529 overloaded once, then 200: one retry, success, usage of the successful attempt", async () => {
    server.enqueue(anthropicError(529, "overloaded_error", "Overloaded"));
    const { gateway } = await gatewayFor();
    const response = await gateway.chat(hello, { model: MODEL });
    expect(response).toMatchObject({ content: TEXT, provider: "anthropic" });
    expect(response.usage).toMatchObject({ promptTokens: 25, completionTokens: 12 });
    expect(server.hits).toBe(2);
  });

  it("connection reset before headers: retried, success", async () => {
    server.enqueue({ kind: "reset-before-headers" });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: MODEL }));
    expect(outcome.text).toBe(TEXT);
    expect(server.hits).toBe(2);
  });
});

describe("Anthropic: faults after the first event are final", () => {
  it("connection reset after some events: error with the partial text, never success", async () => {
    server.enqueue({ kind: "sse", chunks: anthropicStream(PIECES).slice(0, 5), end: "reset" });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: MODEL }));
    expect(outcome.error).toBeDefined();
    expect(outcome.text).toBe("Hello! How can");
    expect(outcome.error!.partial?.content).toBe(outcome.text);
    expect(backup.hits).toBe(0);
    expect(server.hits).toBe(1);
  });

  it("cut before message_stop: a stream error keeping the text", async () => {
    server.enqueue({ kind: "sse", chunks: anthropicStream(PIECES, { stop: false }) });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: MODEL }));
    expect(outcome.error?.code).toBe("stream");
    expect(outcome.error?.partial?.content).toBe(TEXT);
  });

  it("event: error after content: typed error, no fallback, partial kept", async () => {
    server.enqueue({
      kind: "sse",
      chunks: [
        ...anthropicStream(PIECES).slice(0, 4),
        anthropicErrorEvent("overloaded_error", "Overloaded"),
      ],
    });
    const { gateway } = await gatewayFor();
    const outcome = await consume(gateway.chatStream(hello, { model: MODEL }));
    expect(outcome.error).toBeDefined();
    expect(outcome.error!.partial?.content).toBe("Hello");
    expect(outcome.text).toBe("Hello");
    expect(backup.hits).toBe(0);
  });

  it("pings after content do not count as events: the idle timeout fires", async () => {
    server.enqueue({
      kind: "sse",
      chunks: anthropicStream(PIECES).slice(0, 4),
      end: "hang",
      keepAliveEveryMs: 10,
      keepAliveComment: 'event: ping\ndata: {"type": "ping"}',
    });
    const { gateway } = await gatewayFor({ idle: 120 });
    useFakeClock();
    const live = consumeLive(gateway.chatStream(hello, { model: MODEL }));
    await live.when(({ text }) => text === "Hello");
    await expectWaitOf(120, live.done, idleSlackMs(120));
    const outcome = await live.done;
    expect(outcome.error).toMatchObject({ code: "timeout", timeoutKind: "idle" });
    expect(outcome.error?.partial?.content).toBe("Hello");
    await server.allClosed();
  });
});

it("Anthropic: event: error before any content falls back; the answering provider is reported", async () => {
  const overloaded = {
    kind: "sse" as const,
    chunks: [
      ...anthropicStream([]).slice(0, 1),
      anthropicErrorEvent("overloaded_error", "Overloaded"),
    ],
  };
  server.enqueue(overloaded, overloaded, overloaded);
  const { gateway, hooks } = await gatewayFor();
  const outcome = await consume(gateway.chatStream(hello, { model: MODEL }));
  expect(outcome.error).toBeUndefined();
  expect(outcome.text).toBe("from backup");
  expect(outcome.events.at(-1)).toMatchObject({ type: "done", provider: "backup" });
  expect(server.hits).toBe(3);
  expect(hooks.filter(([name]) => name === "fallback")).toHaveLength(1);
});

it("Anthropic: a 401 falls back to a provider with its own key, reported by the hooks", async () => {
  server.enqueue(anthropicError(401, "authentication_error", "invalid x-api-key"));
  const { gateway, hooks } = await gatewayFor();
  const response = await gateway.chat(hello, { model: MODEL });
  expect(response).toMatchObject({ content: "from backup", provider: "backup" });
  expect(server.hits).toBe(1);
  expect(hooks.find(([name]) => name === "fallback")?.[1]).toMatchObject({
    reason: { code: "authentication", status: 401 },
  });
});

it("Anthropic: abort mid-stream closes the upstream socket; result aborted", async () => {
  server.enqueue({ kind: "sse", chunks: anthropicStream(PIECES), delayMs: 30 });
  const { gateway } = await gatewayFor();
  const controller = new AbortController();
  const error = await errorOf(
    (async () => {
      for await (const event of gateway.chatStream(hello, {
        model: MODEL,
        signal: controller.signal,
      })) {
        if (event.type === "content") controller.abort();
      }
    })(),
  );
  expect(error.code).toBe("aborted");
  expect(error.partial?.content).toBe("Hello");
  await server.allClosed();
});

describe("Anthropic: not retried; the key appears nowhere", () => {
  it.each([
    [401, "authentication_error", `invalid x-api-key ${CANARY_KEY}`, "authentication"],
    [
      400,
      "invalid_request_error",
      "prompt is too long: 210000 tokens > 200000 maximum",
      "context_length_exceeded",
    ],
  ])("%i %s", async (status, type, text, code) => {
    server.enqueue(anthropicError(status, type, text));
    const { gateway, hooks } = await gatewayFor();
    const error = await errorOf(gateway.chat(hello, { model: MODEL, fallbacks: false }));
    expect(error.code).toBe(code);
    expect(server.hits).toBe(1);
    expect(everythingSaid(error, hooks)).not.toContain(CANARY_KEY);
    // The key travels only in the authentication header (x-api-key or Bearer).
    const request = server.loopback.requests.at(-1)!;
    const carrying = Object.entries(request.headers).filter(([, value]) =>
      String(value).includes(CANARY_KEY),
    );
    expect(carrying.map(([name]) => name)).toEqual([
      request.headers["x-api-key"] === undefined ? "authorization" : "x-api-key",
    ]);
    expect(request.body).not.toContain(CANARY_KEY);
  });
});
