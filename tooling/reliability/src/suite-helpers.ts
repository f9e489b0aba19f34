/**
 * Shared helpers of the fault suites: draining streams, catching typed
 * errors, recording every hook payload, and the canary API key that must
 * never show up anywhere.
 */
import { type ChatEvent, RatatoskrError } from "@ratatoskr/core";
import type { GatewayHooks } from "@ratatoskr/gateway";

/** The canary key every suite configures; the suites assert it appears nowhere. */
export const CANARY_KEY = "sk-test-key-canary-123456-reliability";

/** Fast retries for tests: 1–4 ms backoff, 3 attempts. */
export const FAST_RETRY = { initialDelayMs: 1, maxDelayMs: 4, maxAttempts: 3 } as const;

/** The error `promise` rejects with (fails the test if it resolves or throws something else). */
export async function errorOf(promise: Promise<unknown>): Promise<RatatoskrError> {
  try {
    await promise;
  } catch (error) {
    if (RatatoskrError.isInstance(error)) return error;
    throw new Error(`expected a RatatoskrError, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected a rejection");
}

/** The outcome of consuming a stream: the events seen and the error, if any. */
export interface StreamOutcome {
  events: ChatEvent[];
  text: string;
  error: RatatoskrError | undefined;
}

/** Consume `stream` to its end, keeping the events and the error. */
export async function consume(stream: AsyncIterable<ChatEvent>): Promise<StreamOutcome> {
  const events: ChatEvent[] = [];
  let text = "";
  try {
    for await (const event of stream) {
      events.push(event);
      if (event.type === "content") text += event.text;
    }
    return { events, text, error: undefined };
  } catch (error) {
    if (!RatatoskrError.isInstance(error)) throw error;
    return { events, text, error };
  }
}

/** A stream being consumed in the background: its outcome so far, and events to wait for. */
export interface LiveStream extends StreamOutcome {
  /** Resolves once `condition` holds for what arrived so far (checked at every event). */
  when(condition: (outcome: StreamOutcome) => boolean): Promise<void>;
  /** Resolves with the whole outcome once the stream ended. */
  done: Promise<StreamOutcome>;
}

/** Consume `stream` in the background; wait on its events with `when()`. */
export function consumeLive(stream: AsyncIterable<ChatEvent>): LiveStream {
  const waiters: Array<{ condition: (outcome: StreamOutcome) => boolean; resolve: () => void }> =
    [];
  const outcome: StreamOutcome = { events: [], text: "", error: undefined };
  const done = (async () => {
    try {
      for await (const event of stream) {
        outcome.events.push(event);
        if (event.type === "content") outcome.text += event.text;
        for (const waiter of waiters.filter((each) => each.condition(outcome))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    } catch (error) {
      if (!RatatoskrError.isInstance(error)) throw error;
      outcome.error = error;
    }
    return { ...outcome };
  })();
  return Object.assign(outcome, {
    done,
    when(condition: (current: StreamOutcome) => boolean): Promise<void> {
      if (condition(outcome)) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ condition, resolve }));
    },
  });
}

/** Recorded hook payloads, and a way to wait for the next one of a kind. */
export interface HookRecorder {
  hooks: GatewayHooks;
  events: Array<[string, unknown]>;
  /** Resolves with the `count`-th payload of hook `name` (1-based), once it was emitted. */
  nth(name: string, count?: number): Promise<unknown>;
}

/** Hooks that record every payload (as JSON text too, for secret checks). */
export function recordingHooks(): HookRecorder {
  const events: Array<[string, unknown]> = [];
  const waiters: Array<{ name: string; count: number; resolve: (event: unknown) => void }> = [];
  const ofName = (name: string) => events.filter(([each]) => each === name);
  const record = (name: string) => (event: unknown) => {
    events.push([name, event]);
    const seen = ofName(name).length;
    for (const waiter of waiters.filter((each) => each.name === name && each.count === seen)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  };
  return {
    events,
    nth(name, count = 1) {
      const seen = ofName(name);
      if (seen.length >= count) return Promise.resolve(seen[count - 1]![1]);
      return new Promise((resolve) => waiters.push({ name, count, resolve }));
    },
    hooks: {
      onRequestStart: record("start"),
      onRetry: record("retry"),
      onFallback: record("fallback"),
      onComplete: record("complete"),
      onError: record("error"),
    },
  };
}

/** Everything a secret must not appear in: the error's message, JSON, stack and the hooks. */
export function everythingSaid(error: RatatoskrError | undefined, hookEvents: unknown[]): string {
  return [
    error?.message ?? "",
    error === undefined ? "" : JSON.stringify(error.toJSON()),
    error?.stack ?? "",
    error?.body ?? "",
    JSON.stringify(hookEvents),
  ].join("\n");
}
