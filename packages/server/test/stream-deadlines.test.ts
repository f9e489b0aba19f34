/**
 * `request_timeout_secs` as ratd applies it (`requestTimeouts` on the
 * gateway, `withoutStreamTotalDeadline` on what it serves): a stream longer
 * than the timeout but never silent that long completes; a stream silent
 * before its first event, and a unary call slower than the timeout, end in
 * `timeout`. Fake timers: no wall-clock dependence.
 */
import { type ChatEvent, Message, RatatoskrError } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { requestTimeouts, withoutStreamTotalDeadline } from "../src/index.ts";

const messages = [Message.user("Hello")];
const model = "mock-1";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Settle `promise` while advancing fake time in steps of `stepMs`. */
async function settle<T>(promise: Promise<T>, stepMs = 100): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => {});
  while (!settled) await vi.advanceTimersByTimeAsync(stepMs);
  return watched;
}

async function gatewayWithTimeout(mock: MockProvider) {
  // request_timeout_secs = 1; one attempt, so every deadline shows as it is.
  return Ratatoskr.builder().use(mock).timeouts(requestTimeouts(1)).retry(false).build();
}

/** Six content parts, each after `gapMs`, then done. */
function slowStream(mock: MockProvider, gapMs: number): void {
  mock.enqueueStream({
    events: [
      ...Array.from({ length: 6 }, (_, index) => ({ type: "content" as const, text: `${index} ` })),
      { type: "done", finishReason: "stop" },
    ],
    delayMs: gapMs,
  });
}

async function streamOutcome(stream: AsyncIterable<ChatEvent>) {
  const events: ChatEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error: error as RatatoskrError };
  }
}

it("a stream longer than the timeout, never silent that long, completes when served", async () => {
  const mock = createMockProvider();
  const served = withoutStreamTotalDeadline(await gatewayWithTimeout(mock));
  slowStream(mock, 600); // 4.2 s in all, 0.6 s between events
  const { events, error } = await settle(streamOutcome(served.chatStream(messages, { model })));
  expect(error).toBeUndefined();
  expect(events.filter((event) => event.type === "content")).toHaveLength(6);
  expect(events.at(-1)?.type).toBe("done");
});

it("without the wrapper, the gateway's total deadline cuts that stream (what it fixes)", async () => {
  const mock = createMockProvider();
  const gateway = await gatewayWithTimeout(mock);
  slowStream(mock, 600);
  const { events, error } = await settle(streamOutcome(gateway.chatStream(messages, { model })));
  expect(RatatoskrError.isInstance(error)).toBe(true);
  expect(error?.code).toBe("timeout");
  expect(events.some((event) => event.type === "done")).toBe(false);
});

it("served: a stream silent past the timeout ends in timeout (first-event or idle deadline)", async () => {
  const mock = createMockProvider();
  const served = withoutStreamTotalDeadline(await gatewayWithTimeout(mock));
  slowStream(mock, 1500);
  const { events, error } = await settle(streamOutcome(served.chatStream(messages, { model })));
  expect(events.filter((event) => event.type === "content")).toEqual([]);
  expect(error?.code).toBe("timeout");
});

it("served: a unary call slower than the timeout ends in timeout; a call's own timeout still wins for streams", async () => {
  const mock = createMockProvider();
  const served = withoutStreamTotalDeadline(await gatewayWithTimeout(mock));
  slowStream(mock, 1500);
  const unary = await settle(served.chat(messages, { model }).catch((error: unknown) => error));
  expect((unary as RatatoskrError).code).toBe("timeout");
  slowStream(mock, 600);
  const own = await settle(streamOutcome(served.chatStream(messages, { model, timeout: 2000 })));
  expect(own.error?.code).toBe("timeout");
});
