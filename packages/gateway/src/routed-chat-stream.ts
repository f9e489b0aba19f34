/**
 * The gateway's chat stream: a hand-written async iterator (no generator
 * layer, one `then` per event) that starts the routed provider's stream,
 * falls back to the next candidate when a provider declines the model
 * before delivering anything, checks the event protocol, stamps the
 * answering provider on `done`, and turns every failure into a typed error
 * that keeps the partial output.
 */
import {
  type ChatEvent,
  ChatStreamAccumulator,
  RatatoskrError,
  withPartial,
} from "@ratatoskr/core";
import type { CallScope } from "./call-scope.ts";

/** One provider attempt: its id and a function starting its stream. */
export interface StreamCandidate<E> {
  provider: string;
  start: (signal: AbortSignal) => AsyncIterable<E>;
}

/** Shared machinery of the chat and generate streams. */
export abstract class RoutedStream<E extends { type: string }> implements AsyncIterableIterator<E> {
  readonly #candidates: () => Array<StreamCandidate<E>>;
  readonly #scope: CallScope;
  #inner: AsyncIterator<E> | undefined;
  #provider = "";
  #finished = false;
  #doneSeen = false;
  #started = false;

  constructor(candidates: () => Array<StreamCandidate<E>>, scope: CallScope) {
    this.#candidates = candidates;
    this.#scope = scope;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Inspect an event (protocol checks, partial output). Throws on a violation. */
  protected abstract observe(event: E): void;
  /** The error to throw for `error`, with partial output attached. */
  protected abstract decorate(error: unknown, signal: AbortSignal): RatatoskrError;
  /** A `done` event with the provider stamped on it. */
  protected abstract stamp(event: E, provider: string): E;

  next(): Promise<IteratorResult<E>> {
    if (this.#finished) return Promise.resolve({ done: true, value: undefined });
    if (this.#inner === undefined) return this.#start();
    return this.#inner.next().then(this.#onResult, this.#onError);
  }

  async #start(): Promise<IteratorResult<E>> {
    if (this.#started)
      throw new RatatoskrError({ code: "stream", message: "A stream can be consumed only once" });
    this.#started = true;
    let candidates: Array<StreamCandidate<E>>;
    try {
      candidates = this.#candidates();
    } catch (error) {
      this.#finish();
      throw error;
    }
    let lastDecline: unknown;
    for (const candidate of candidates) {
      if (this.#scope.signal.aborted) break;
      let inner: AsyncIterator<E>;
      let first: IteratorResult<E>;
      try {
        inner = candidate.start(this.#scope.signal)[Symbol.asyncIterator]();
        first = await inner.next();
      } catch (error) {
        if (
          RatatoskrError.isInstance(error, "model_not_available") &&
          !this.#scope.signal.aborted
        ) {
          lastDecline = error;
          continue;
        }
        this.#provider = candidate.provider;
        return this.#onError(error);
      }
      this.#inner = inner;
      this.#provider = candidate.provider;
      return this.#onResult(first);
    }
    this.#finish();
    if (this.#scope.signal.aborted) throw this.decorate(undefined, this.#scope.signal);
    throw lastDecline;
  }

  #onResult = (result: IteratorResult<E>): IteratorResult<E> => {
    if (result.done === true) {
      this.#finish();
      if (this.#doneSeen) return result;
      const signal = this.#scope.signal;
      throw this.decorate(
        signal.aborted
          ? undefined
          : new RatatoskrError({
              code: "stream",
              message: `The stream from "${this.#provider}" ended without a finish marker`,
              provider: this.#provider,
            }),
        signal,
      );
    }
    const event = result.value;
    try {
      this.observe(event);
    } catch (error) {
      this.#abandon();
      throw this.decorate(error, this.#scope.signal);
    }
    if (event.type === "done") {
      this.#doneSeen = true;
      return { done: false, value: this.stamp(event, this.#provider) };
    }
    return result;
  };

  #onError = (error: unknown): never => {
    this.#finish();
    throw this.decorate(error, this.#scope.signal);
  };

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#scope.dispose();
  }

  #abandon(): void {
    const inner = this.#inner;
    this.#scope.abort(
      new RatatoskrError({ code: "aborted", message: "The consumer stopped reading the stream" }),
    );
    this.#finish();
    inner?.return?.()?.catch(() => {});
  }

  /** Leaving a `for await` loop early: aborts the provider's request. */
  return(): Promise<IteratorResult<E>> {
    if (!this.#finished || this.#inner !== undefined) this.#abandon();
    return Promise.resolve({ done: true, value: undefined });
  }
}

/** The chat stream returned by `gateway.chatStream()`. */
export class RoutedChatStream extends RoutedStream<ChatEvent> {
  readonly #accumulator = new ChatStreamAccumulator();

  protected observe(event: ChatEvent): void {
    this.#accumulator.push(event);
  }

  protected decorate(error: unknown, signal: AbortSignal): RatatoskrError {
    const partial = this.#accumulator.partial();
    if (
      signal.aborted &&
      (error === undefined || !RatatoskrError.isInstance(error) || error.code === "aborted")
    ) {
      return withPartial(signal.reason instanceof Error ? signal.reason : error, partial, signal);
    }
    return withPartial(error, partial, signal);
  }

  protected stamp(event: ChatEvent, provider: string): ChatEvent {
    return { ...event, provider } as ChatEvent;
  }
}
