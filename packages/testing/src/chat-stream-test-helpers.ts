/**
 * Small helpers for tests that read chat streams and expect typed errors
 * (part of the `@ratatoskr/testing/conformance` entry: `failure` uses vitest's `expect`).
 */
import { type ChatEvent, RatatoskrError } from "@ratatoskr/core";
import { expect } from "vitest";

/** Every event of a stream, in order. */
export async function drain(stream: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Events already collected, as a stream again (for `collectChatStream`). */
export async function* replay(events: readonly ChatEvent[]): AsyncGenerator<ChatEvent> {
  yield* events;
}

/** The {@link RatatoskrError} a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<RatatoskrError> {
  try {
    await promise;
  } catch (error) {
    expect(RatatoskrError.isInstance(error), `not a RatatoskrError: ${String(error)}`).toBe(true);
    return error as RatatoskrError;
  }
  throw new Error("expected a rejection");
}
