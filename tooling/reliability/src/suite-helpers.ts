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

/** Hooks that record every payload (as JSON text too, for secret checks). */
export function recordingHooks(): { hooks: GatewayHooks; events: Array<[string, unknown]> } {
  const events: Array<[string, unknown]> = [];
  const record = (name: string) => (event: unknown) => {
    events.push([name, event]);
  };
  return {
    events,
    hooks: {
      onRequestStart: record("start"),
      onRetry: record("retry"),
      onFallback: record("fallback"),
      onComplete: record("complete"),
      onError: record("error"),
    },
  };
}

/** Wait until `condition()` holds (polling every 5 ms), at most `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
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
