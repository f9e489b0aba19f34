/**
 * Small helpers for tests that read streams and expect typed errors (part
 * of the `@ratatoskr/testing/conformance` entry: `failure` uses vitest's
 * `expect`).
 */
import { RatatoskrError } from "@ratatoskr/core";
import { expect } from "vitest";

/** Every event (or part) of a stream, in order. */
export async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Events already collected, as a stream again (for `collectChatStream`, `collectChatStreamParts`). */
export async function* replay<T>(events: readonly T[]): AsyncGenerator<T> {
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
