/**
 * The gateway's chat stream: a hand-written async iterator (no generator
 * layer, one `then` per event). Before the first event it runs the attempt
 * loop (retries, fallbacks, the attempt timeout); from the first event on,
 * the answering attempt is committed and any failure is final and typed. It
 * checks the event protocol, stamps the answering provider and model on
 * `done`, ends a silent upstream with an idle timeout (one timer per
 * stream that re-arms itself for the rest of the current wait, so it fires
 * at the configured silence plus timer granularity; per event only a clock
 * read and two field writes), turns a
 * missing `done` into a `stream` error that keeps the partial output, and
 * aborts the provider when the consumer leaves the loop early.
 */
import {
  abortedError,
  type ChatEvent,
  ChatStreamAccumulator,
  type PartialOutput,
  RatatoskrError,
  type Usage,
  withPartial,
} from "@ratatoskr/core";
import { AttemptScope, timeoutError } from "./attempt-scope.ts";
import { type CallContext, type CallTarget, normalizeError, runAttempts } from "./call-runner.ts";
import type { CallScope } from "./call-scope.ts";
import { emitHook, summarizeError } from "./gateway-hooks.ts";

/** What a stream needs to run: the call's context and its targets (computed on first `next()`). */
export interface StreamPlan {
  context: CallContext;
  targets: readonly CallTarget[];
}

/** Starts one attempt's provider stream. */
export type StreamStarter<E> = (
  target: CallTarget,
  signal: AbortSignal,
  context: CallContext,
) => AsyncIterable<E>;

interface Started<E> {
  inner: AsyncIterator<E>;
  first: IteratorResult<E>;
  attemptScope: AttemptScope;
}

/** Shared machinery of the chat and generate streams. */
export abstract class RoutedStream<E extends { type: string }> implements AsyncIterableIterator<E> {
  readonly #plan: (scope: CallScope) => StreamPlan;
  readonly #startStream: StreamStarter<E>;
  readonly #openScope: () => CallScope;
  #scope: CallScope | undefined;
  #context: CallContext | undefined;
  #inner: AsyncIterator<E> | undefined;
  #attemptScope: AttemptScope | undefined;
  #target: CallTarget | undefined;
  #provider = "";
  #finished = false;
  #doneSeen = false;
  #reported = false;
  #firstEventMs: number | undefined;
  // Idle watchdog state: written once per next() (cheap), read by one timer.
  /** Whether the consumer waits on a `next()` of the provider's stream. */
  #waiting = false;
  /** `performance.now()` when that wait began. */
  #waitingSince = 0;
  #watchdog: ReturnType<typeof setTimeout> | undefined;

  /**
   * `openScope` runs on the first `next()`: it validates the request (bad
   * input rejects that `next()` before anything links to the caller's
   * signal) and opens the call's scope, so a stream that is never iterated
   * holds no timer and no listener on the caller's signal. `plan` runs next.
   */
  constructor(
    plan: (scope: CallScope) => StreamPlan,
    start: StreamStarter<E>,
    openScope: () => CallScope,
  ) {
    this.#plan = plan;
    this.#startStream = start;
    this.#openScope = openScope;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Inspect an event (protocol checks, partial output). Throws on a violation. */
  protected abstract observe(event: E): void;
  /** What the stream delivered so far (attached to its error). */
  protected abstract partial(): PartialOutput;
  /** A `done` event with the answering provider and model stamped on it. */
  protected abstract stamp(event: E, provider: string, model: string): E;
  /** The answering attempt's usage, once `done` was seen (undefined when unknown). */
  protected abstract usage(): Usage | undefined;

  /** The first `next()`, while the stream is being started. */
  #starting: Promise<IteratorResult<E>> | undefined;

  next(): Promise<IteratorResult<E>> {
    if (this.#finished) return Promise.resolve({ done: true, value: undefined });
    if (this.#inner === undefined) {
      // A second next() while the first is still starting waits for it, as an async generator's would.
      if (this.#starting !== undefined) {
        const again = () => this.next();
        return this.#starting.then(again, again);
      }
      this.#starting = this.#start();
      return this.#starting;
    }
    this.#waiting = true;
    // The one clock read per event, and only with an idle timeout (its timer is armed then).
    if (this.#watchdog !== undefined) this.#waitingSince = performance.now();
    return this.#inner.next().then(this.#onResult, this.#onError);
  }

  async #start(): Promise<IteratorResult<E>> {
    let scope: CallScope;
    let plan: StreamPlan;
    try {
      scope = this.#openScope();
      this.#scope = scope;
      plan = this.#plan(scope);
    } catch (error) {
      this.#finish();
      throw error;
    }
    const context = plan.context;
    this.#context = context;
    if (context.hooks?.onRequestStart) {
      emitHook(context.hooks, "onRequestStart", {
        callId: context.callId,
        capability: context.capability,
        model: context.model,
        stream: true,
        timestamp: Date.now(),
      });
    }
    let started: Started<E>;
    let target: CallTarget;
    try {
      ({ value: started, target } = await runAttempts(context, plan.targets, (candidate) =>
        this.#attempt(candidate, context),
      ));
    } catch (error) {
      this.#finish();
      throw this.#report(this.#decorate(error, scope.signal));
    }
    if (this.#finished) {
      // The consumer left (return()) while the first event was on its way.
      started.attemptScope.dispose();
      started.inner.return?.()?.catch(() => {});
      throw this.#report(this.#decorate(undefined, scope.signal));
    }
    this.#inner = started.inner;
    this.#attemptScope = started.attemptScope;
    this.#target = target;
    this.#provider = target.plugin.id;
    this.#firstEventMs = performance.now() - context.startedAt;
    const idle = context.policy.idleTimeout;
    if (idle > 0 && Number.isFinite(idle)) this.#armWatchdog(idle);
    return this.#onResult(started.first);
  }

  /** One attempt: start the provider's stream and wait for its first event (attempt timeout). */
  async #attempt(target: CallTarget, context: CallContext): Promise<Started<E>> {
    const provider = target.plugin.id;
    const attemptScope = new AttemptScope(context.scope.signal);
    attemptScope.startTimer(context.policy.attemptTimeout, provider);
    let inner: AsyncIterator<E> | undefined;
    try {
      inner = this.#startStream(target, attemptScope.signal, context)[Symbol.asyncIterator]();
      const first = await attemptScope.race(inner.next());
      if (first.done === true) {
        throw attemptScope.signal.aborted
          ? abortedError(attemptScope.signal)
          : new RatatoskrError({
              code: "stream",
              message: `The stream from "${provider}" ended before any event`,
              provider,
            });
      }
      attemptScope.clearTimer();
      return { inner, first, attemptScope };
    } catch (error) {
      const normalized = normalizeError(error, provider, attemptScope.signal);
      if (!attemptScope.signal.aborted) attemptScope.abort(normalized);
      attemptScope.dispose();
      try {
        inner?.return?.()?.catch(() => {});
      } catch {
        // A provider iterator whose return() throws has nothing left to close.
      }
      throw normalized;
    }
  }

  #armWatchdog(milliseconds: number): void {
    this.#watchdog = setTimeout(this.#onWatchdog, milliseconds);
    this.#watchdog.unref?.();
  }

  /**
   * The idle timer fired. The silence that counts is the consumer's current
   * wait on the provider (a slow consumer is never the provider's silence):
   * when it has lasted the idle timeout, abort the attempt; otherwise sleep
   * exactly until it would (or a whole timeout when nobody waits). A wait
   * begins after the timer was armed, so the timer is never late for it.
   */
  #onWatchdog = (): void => {
    this.#watchdog = undefined;
    if (this.#finished) return;
    const idle = this.#context!.policy.idleTimeout;
    if (!this.#waiting) {
      this.#armWatchdog(idle);
      return;
    }
    const silent = performance.now() - this.#waitingSince;
    if (silent < idle) {
      this.#armWatchdog(Math.ceil(idle - silent));
      return;
    }
    this.#attemptScope?.abort(timeoutError("idle", idle, this.#provider));
  };

  #onResult = (result: IteratorResult<E>): IteratorResult<E> => {
    this.#waiting = false;
    if (result.done === true) {
      this.#finish();
      if (this.#doneSeen) {
        this.#complete();
        return result;
      }
      const signal = this.#signal();
      throw this.#report(
        this.#decorate(
          signal.aborted
            ? undefined
            : new RatatoskrError({
                code: "stream",
                message: `The stream from "${this.#provider}" ended without a finish marker`,
                provider: this.#provider,
              }),
          signal,
        ),
      );
    }
    const event = result.value;
    try {
      this.observe(event);
    } catch (error) {
      this.#abandon();
      throw this.#report(this.#decorate(error, this.#signal()));
    }
    if (event.type === "done") {
      this.#doneSeen = true;
      return {
        done: false,
        value: this.stamp(event, this.#provider, this.#target?.providerModel ?? ""),
      };
    }
    return result;
  };

  #onError = (error: unknown): IteratorResult<E> => {
    this.#waiting = false;
    this.#finish();
    if (this.#doneSeen) {
      // The caller already has `done`: a failure after the finish marker loses nothing.
      this.#complete();
      return { done: true, value: undefined };
    }
    throw this.#report(this.#decorate(error, this.#signal()));
  };

  /** The answering attempt's signal (aborted with the idle/total/caller reason), else the call's. */
  #signal(): AbortSignal {
    return this.#attemptScope?.signal ?? this.#scope!.signal;
  }

  #stopWatchdog(): void {
    if (this.#watchdog !== undefined) {
      clearTimeout(this.#watchdog);
      this.#watchdog = undefined;
    }
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#stopWatchdog();
    this.#attemptScope?.dispose();
    this.#scope?.dispose();
  }

  #complete(): void {
    const context = this.#context;
    if (this.#reported || context === undefined) return;
    this.#reported = true;
    context.health.success(this.#provider);
    if (context.hooks?.onComplete === undefined) return;
    const usage = this.usage();
    emitHook(context.hooks, "onComplete", {
      callId: context.callId,
      capability: context.capability,
      model: context.model,
      stream: true,
      provider: this.#provider,
      providerModel: this.#target?.providerModel ?? "",
      attempts: context.attempts,
      latencyMs: performance.now() - context.startedAt,
      ...(this.#firstEventMs === undefined ? {} : { timeToFirstEventMs: this.#firstEventMs }),
      ...(usage === undefined ? {} : { usage }),
    });
  }

  #report(error: RatatoskrError): RatatoskrError {
    const context = this.#context;
    if (this.#reported || context === undefined) return error;
    this.#reported = true;
    // A committed attempt that broke counts towards its provider's cool-down
    // (failures before the first event were counted by the attempt loop; a
    // consumer leaving is no failure of the provider).
    if (this.#inner !== undefined) context.health.failure(this.#provider, error);
    if (context.hooks?.onError) {
      emitHook(context.hooks, "onError", {
        callId: context.callId,
        capability: context.capability,
        model: context.model,
        stream: true,
        ...(context.lastProvider === undefined ? {} : { provider: context.lastProvider }),
        attempts: context.attempts,
        latencyMs: performance.now() - context.startedAt,
        error: summarizeError(error),
      });
    }
    return error;
  }

  #abandon(reason: RatatoskrError = consumerLeft()): void {
    const inner = this.#inner;
    this.#scope?.abort(reason);
    this.#finish();
    inner?.return?.()?.catch(() => {});
  }

  /**
   * The error to throw for `error`, with the partial output attached: the
   * abort reason (idle/total timeout, caller abort) when `signal` fired and
   * the provider threw nothing more specific.
   */
  #decorate(error: unknown, signal: AbortSignal): RatatoskrError {
    const partial = this.partial();
    if (
      signal.aborted &&
      (error === undefined || !RatatoskrError.isInstance(error) || error.code === "aborted")
    ) {
      return withPartial(abortedError(signal, partial), partial);
    }
    return withPartial(error, partial, signal);
  }

  /** Leaving a `for await` loop early: aborts the provider's request. */
  return(): Promise<IteratorResult<E>> {
    if (!this.#finished) {
      const reason = consumerLeft();
      if (this.#doneSeen) this.#complete();
      else if (this.#inner !== undefined) this.#report(reason);
      this.#abandon(reason);
    }
    return Promise.resolve({ done: true, value: undefined });
  }
}

function consumerLeft(): RatatoskrError {
  return new RatatoskrError({
    code: "aborted",
    message: "The consumer stopped reading the stream",
  });
}

/** The chat stream returned by `gateway.chatStream()`. */
export class RoutedChatStream extends RoutedStream<ChatEvent> {
  readonly #accumulator = new ChatStreamAccumulator();

  protected observe(event: ChatEvent): void {
    this.#accumulator.push(event);
  }

  protected partial(): PartialOutput {
    return this.#accumulator.partial();
  }

  protected stamp(event: ChatEvent, provider: string, model: string): ChatEvent {
    if (event.type !== "done") return event;
    return { ...event, provider, model: event.model ?? model };
  }

  protected usage(): Usage | undefined {
    return this.#accumulator.isDone ? this.#accumulator.toResponse().usage : undefined;
  }
}
