/**
 * The presets on the OpenAI wire: OpenRouter (keep-alive comments
 * `: OPENROUTER PROCESSING`, mid-stream `data: {"error"}` after a 200) with
 * a local Ollama server as the fallback (its OpenAI-compatible `/v1`
 * transport), both loopback fakes.
 */
import { Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOllama } from "@ratatoskr/provider-ollama";
import { createOpenRouter } from "@ratatoskr/provider-openrouter";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { expectWaitOf, idleSlackMs, useFakeClock } from "./fake-clock.ts";
import { type FaultServer, startFaultServer } from "./fault-server.ts";
import {
  CANARY_KEY,
  consume,
  consumeLive,
  errorOf,
  everythingSaid,
  FAST_RETRY,
  recordingHooks,
} from "./suite-helpers.ts";
import { openaiErrorBody, openaiMidStreamError, openaiStream } from "./wire-formats.ts";

const hello = [Message.user("hello")];
const MODEL = "anthropic/claude-sonnet-4";
const PIECES = ["Routed ", "through ", "OpenRouter"];

let openrouter: FaultServer;
let ollama: FaultServer;

beforeAll(async () => {
  openrouter = await startFaultServer({ kind: "sse", chunks: openaiStream(PIECES) });
  ollama = await startFaultServer({ kind: "sse", chunks: openaiStream(["local ", "answer"]) });
});
afterAll(async () => {
  await openrouter.close();
  await ollama.close();
});
beforeEach(() => {
  openrouter.reset();
  ollama.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

async function gatewayFor(timeouts: { attempt?: number; idle?: number } = {}) {
  const recorder = recordingHooks();
  const gateway = await Ratatoskr.builder()
    .use(createOpenRouter({ apiKey: CANARY_KEY, baseURL: `${openrouter.url}/api/v1` }))
    .use(createOllama({ baseURL: ollama.url, transport: "openai" }))
    .fallbacks("chat", ["ollama:llama3.2"])
    .retry(FAST_RETRY)
    .timeouts(timeouts)
    .hooks(recorder.hooks)
    .build();
  return { gateway, hooks: recorder.events, recorder };
}

const processing = (chunks: string[]) => ({
  kind: "sse" as const,
  chunks,
  end: "hang" as const,
  keepAliveEveryMs: 10,
  keepAliveComment: ": OPENROUTER PROCESSING",
});

it("OpenRouter: keep-alive comments only → attempt timeouts, then Ollama serves", async () => {
  openrouter.enqueue(processing([]), processing([]), processing([]));
  const { gateway, hooks, recorder } = await gatewayFor({ attempt: 80 });
  useFakeClock();
  const live = consumeLive(gateway.chatStream(hello, { model: MODEL }));
  for (let attempt = 1; attempt <= 3; attempt++) {
    await openrouter.received(attempt);
    const failed = attempt < 3 ? recorder.nth("retry", attempt) : recorder.nth("fallback");
    await expectWaitOf(80, failed);
    if (attempt < 3)
      await vi.advanceTimersByTimeAsync(((await failed) as { waitMs: number }).waitMs);
  }
  const outcome = await live.done;
  expect(outcome.text).toBe("local answer");
  expect(outcome.events.at(-1)).toMatchObject({ provider: "ollama", model: expect.any(String) });
  expect(openrouter.hits).toBe(3);
  expect(hooks.find(([name]) => name === "fallback")?.[1]).toMatchObject({
    from: { provider: "openrouter", model: MODEL },
    to: { provider: "ollama", model: "llama3.2" },
    reason: { code: "timeout", timeoutKind: "attempt" },
  });
  await openrouter.allClosed();
});

it("OpenRouter: processing comments between events do not reset the idle timeout", async () => {
  openrouter.enqueue(processing(openaiStream(PIECES).slice(0, 2)));
  const { gateway } = await gatewayFor({ idle: 100 });
  useFakeClock();
  const live = consumeLive(gateway.chatStream(hello, { model: MODEL }));
  await live.when(({ text }) => text === "Routed ");
  await expectWaitOf(100, live.done, idleSlackMs(100));
  const outcome = await live.done;
  expect(outcome.error).toMatchObject({ code: "timeout", timeoutKind: "idle" });
  expect(outcome.error?.partial?.content).toBe("Routed ");
  expect(ollama.hits).toBe(0);
});

it("OpenRouter: a mid-stream error after content is final (no fallback), typed, with the partial", async () => {
  openrouter.enqueue({
    kind: "sse",
    chunks: [
      ...openaiStream(PIECES).slice(0, 3),
      openaiMidStreamError(502, "Provider returned error"),
    ],
  });
  const { gateway } = await gatewayFor();
  const outcome = await consume(gateway.chatStream(hello, { model: MODEL }));
  expect(outcome.error?.partial?.content).toBe("Routed through ");
  expect(outcome.text).toBe("Routed through ");
  expect(ollama.hits).toBe(0);
  expect(openrouter.hits).toBe(1);
});

it("OpenRouter: 402 out of credits is not retried; the key appears nowhere", async () => {
  openrouter.enqueue({
    kind: "json",
    status: 402,
    body: openaiErrorBody(`Insufficient credits for key ${CANARY_KEY}`, "payment_required"),
  });
  const { gateway, hooks } = await gatewayFor();
  const error = await errorOf(gateway.chat(hello, { model: MODEL, fallbacks: false }));
  expect(openrouter.hits).toBe(1);
  expect(error.status).toBe(402);
  expect(everythingSaid(error, hooks)).not.toContain(CANARY_KEY);
});
