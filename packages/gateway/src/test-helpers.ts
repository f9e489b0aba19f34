/**
 * Helpers shared by this package's tests (not exported from the package).
 */
import { Message, RatatoskrError } from "@ratatoskr/core";

/** A one-message conversation. */
export const hello = [Message.user("hello world")];

/** The RatatoskrError `promise` rejects with (throws if it resolves or rejects with something else). */
export async function errorOf(promise: Promise<unknown>): Promise<RatatoskrError> {
  try {
    await promise;
  } catch (error) {
    if (RatatoskrError.isInstance(error)) return error;
    throw new Error(`expected a RatatoskrError, got ${String(error)}`);
  }
  throw new Error("expected a rejection");
}

/** Every event of `stream`, in order. */
export async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}
