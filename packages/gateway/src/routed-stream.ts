/**
 * The gateway's streams (`chatStream`, `generateStream`): a hand-written
 * async iterator over the provider's stream parts, one `then` per part and
 * no copy of any part but the final `done`.
 *
 * On the first `next()` it validates the request and opens the call (so a
 * stream never iterated holds nothing). Until the first content part it
 * runs the attempt loop: strict-mode check, retries, fallbacks, the attempt
 * timeout (its `warning` and `response_metadata` parts are kept, not
 * delivered). From the first content part on, the answering attempt is
 * committed and any failure is final and typed. Then it checks the event
 * protocol, folds `warning` parts (reported to `onWarning` as they come)
 * and `response_metadata` parts into `done`, stamps the answering provider
 * and model on `done`, ends a silent upstream with an idle timeout (one
 * timer per stream that looks at the current wait at least every
 * `idleTick(idle)` ms; per part only two field writes and no clock read,
 * so it fires after between `idle` and `idle + idleTick(idle)` of silence,
 * plus timer lateness), turns a missing `done` into a
 * `stream` error that keeps the partial output, and aborts the provider
 * when the consumer leaves the loop early.
 */
import {
  abortedError,
  type CallOptions,
  type Capability,
  type ExchangeInspectorV1,
  mergeMetadata,
  type PartialOutput,
  RatatoskrError,
  type ResponseMetadataV1,
  type Usage,
  type Warning,
  type WarningV1,
  withPartial,
} from "@ratatoskr/core";
import { AttemptScope, timeoutError } from "./attempt-scope.ts";
import { joinWarnings } from "./call-preparation.ts";
import {
  type CallContext,
  type CallTarget,
  normalizeError,
  retryTarget,
  runTargets,
} from "./call-runner.ts";
import { assertNoWarnings, reportWarnings } from "./call-warnings.ts";
import { type GatewayCore, isStrict, openCall } from "./gateway-core.ts";
import { emitHook, hookBase, summarizeError } from "./gateway-hooks.ts";
import type { BudgetSlot } from "./provider-budgets.ts";
import { exchangeInspector } from "./provider-exchanges.ts";

/** The parts every provider stream may carry besides its content: warnings, metadata, one `done`. */
type SpecialPart =
  | { readonly type: "warning"; readonly warning: WarningV1 }
  | ({ readonly type: "response_metadata" } & ResponseMetadataV1)
  | { readonly type: "done" };

/** A started attempt: its iterator, its first content part, its scope. */
interface Started<Part> {
  inner: AsyncIterator<Part>;
  first: IteratorResult<Part>;
  attemptScope: AttemptScope;
  /** Warnings and metadata that came before the first content part. */
  warnings: WarningV1[];
  metadata: ResponseMetadataV1 | undefined;
  /** The attempt's slot of its provider's budget, when it has one. */
  slot: BudgetSlot | undefined;
}

/** A never-aborting signal, for requests built only to ask `warningsFor`. */
const PREVIEW_SIGNAL = new AbortController().signal;

/**
 * Shared machinery of the chat and generation streams. `Part` is the
 * provider's stream part, `Event` the caller's event: content parts are
 * events as they are.
 */
export abstract class RoutedStream<Part extends { readonly type: string }, Event>
  implements AsyncIterableIterator<Event>
{
  readonly #core: GatewayCore;
  readonly #capability: Capability;
  readonly #options: CallOptions;
  #context: CallContext | undefined;
  #inner: AsyncIterator<Part> | undefined;
  #attemptScope: AttemptScope | undefined;
  /** The scope of the attempt being started (aborted if the consumer leaves meanwhile). */
  #pending: AttemptScope | undefined;
  #target: CallTarget | undefined;
  /** The answering attempt's budget slot, released when the stream ends. */
  #slot: BudgetSlot | undefined;
  #provider = "";
  #finished = false;
  #doneSeen = false;
  #reported = false;
  #firstEventMs: number | undefined;
  #warnings: Warning[] | undefined;
  #metadata: ResponseMetadataV1 | undefined;
  // Idle watchdog state: written once per next() (cheap), read by one timer.
  /** Whether the consumer waits on a `next()` of the provider's stream. */
  #waiting = false;
  /** How many waits on the provider have begun (identifies the current one without a clock read). */
  #waits = 0;
  /** The wait the watchdog saw at its last tick while the consumer waited (-1: none). */
  #watchedWait = -1;
  /** `performance.now()` at the tick that first saw that wait: no earlier than the wait's start. */
  #watchedSince = 0;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  /** The first `next()`, while the stream is being started. */
  #starting: Promise<IteratorResult<Event>> | undefined;

  constructor(core: GatewayCore, capability: Capability, options: CallOptions) {
    this.#core = core;
    this.#capability = capability;
    this.#options = options;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Validate and prepare the request (runs on the first `next()`; throws
   * `invalid_input`): returns the model to route (a preset resolved).
   */
  protected abstract validate(): string;
  /** The gateway's own warnings about the request (presets, parameter validation), reported first. */
  protected gatewayWarnings(): readonly WarningV1[] {
    return [];
  }
  /** The provider's stream for `target`, with the attempt's `signal` and the call's exchange inspector (when set). */
  protected abstract open(
    target: CallTarget,
    signal: AbortSignal,
    inspect: ExchangeInspectorV1 | undefined,
  ): AsyncIterable<Part>;
  /** Strict mode: the warnings `target`'s provider would give (undefined: none known). */
  protected abstract warningsFor(
    target: CallTarget,
    signal: AbortSignal,
  ): readonly WarningV1[] | undefined;
  /** Inspect a content or `done` part (protocol checks, partial output). Throws on a violation. */
  protected abstract observe(part: Part): void;
  /** What the stream delivered so far (attached to its error). */
  protected abstract partial(): PartialOutput;
  /** The caller's `done` from the provider's, with the answering provider, model, request id and warnings. */
  protected abstract finish(
    done: Part,
    provider: string,
    model: string,
    requestId: string | undefined,
    warnings: Warning[] | undefined,
  ): Event;
  /** The answering attempt's usage, once `done` was seen (undefined when unknown). */
  protected abstract usage(): Usage | undefined;

  next(): Promise<IteratorResult<Event>> {
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
    return this.#pull();
  }

  #pull(): Promise<IteratorResult<Event>> {
    this.#waiting = true;
    this.#waits++;
    return this.#inner!.next().then(this.#onResult, this.#onError);
  }

  async #start(): Promise<IteratorResult<Event>> {
    let context: CallContext;
    let targets: readonly CallTarget[];
    try {
      const model = this.validate();
      ({ context, targets } = openCall(this.#core, this.#capability, model, this.#options, true));
    } catch (error) {
      this.#finish();
      throw error;
    }
    this.#context = context;
    if (context.hooks?.onRequestStart) {
      emitHook(context.hooks, "onRequestStart", {
        ...hookBase(context),
        timestamp: Date.now(),
      });
    }
    const parent = context.scope.caller;
    let started: Started<Part>;
    let target: CallTarget;
    try {
      ({ value: started, target } = await runTargets(context, targets, {
        run: (candidate) =>
          retryTarget(
            context,
            candidate,
            (slot) => this.#attempt(candidate, context, slot),
            parent,
          ),
        ...(isStrict(this.#core, this.#options)
          ? {
              check: (candidate: CallTarget) =>
                assertNoWarnings(candidate, this.warningsFor(candidate, PREVIEW_SIGNAL)),
            }
          : {}),
      }));
    } catch (error) {
      this.#finish();
      // The loop throws typed errors only (the attempt's, or the call's end).
      throw this.#report(this.#decorate(error, undefined));
    }
    this.#pending = undefined;
    if (this.#finished) {
      // The consumer left (return()) while the first event was on its way.
      started.attemptScope.dispose();
      started.slot?.release();
      closeQuietly(started.inner);
      throw this.#report(this.#decorate(undefined, started.attemptScope.signal));
    }
    this.#inner = started.inner;
    this.#attemptScope = started.attemptScope;
    this.#slot = started.slot;
    this.#target = target;
    this.#provider = target.provider.id;
    this.#metadata = started.metadata;
    this.#warnings = reportWarnings(
      context,
      target,
      joinWarnings(this.gatewayWarnings(), started.warnings),
    );
    this.#firstEventMs = performance.now() - context.startedAt;
    const idle = context.policy.idleTimeout;
    if (idle > 0 && Number.isFinite(idle)) this.#armWatchdog(idleTick(idle));
    return this.#onResult(started.first);
  }

  /**
   * One attempt: start the provider's stream and wait for its first content
   * part (attempt timeout), keeping the warnings and metadata before it.
   */
  async #attempt(
    target: CallTarget,
    context: CallContext,
    slot: BudgetSlot | undefined,
  ): Promise<Started<Part>> {
    const provider = target.provider.id;
    const attemptScope = new AttemptScope(
      context.scope,
      context.scope.caller,
      context.policy.attemptTimeout,
      provider,
    );
    this.#pending = attemptScope;
    let inner: AsyncIterator<Part> | undefined;
    const warnings: WarningV1[] = [];
    let metadata: ResponseMetadataV1 | undefined;
    try {
      const inspect = exchangeInspector(context, target);
      inner = this.open(target, attemptScope.signal, inspect)[Symbol.asyncIterator]();
      for (;;) {
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
        const part = first.value as Part & SpecialPart;
        if (part.type === "warning") warnings.push(part.warning);
        else if (part.type === "response_metadata") metadata = mergeMetadata(metadata, part);
        else {
          attemptScope.started();
          // The provider's request ends when the attempt aborts (caller, deadline, idle,
          // consumer gone), even if the consumer never calls next() again: so does the slot.
          if (slot !== undefined) {
            attemptScope.signal.addEventListener("abort", () => slot.release(), { once: true });
          }
          return { inner, first, attemptScope, warnings, metadata, slot };
        }
      }
    } catch (error) {
      const normalized = normalizeError(error, provider, attemptScope.signal);
      attemptScope.abort(normalized);
      attemptScope.dispose();
      if (inner !== undefined) closeQuietly(inner);
      throw normalized;
    }
  }

  #armWatchdog(milliseconds: number): void {
    this.#watchdog = setTimeout(this.#onWatchdog, milliseconds);
    this.#watchdog.unref?.();
  }

  /**
   * The idle watchdog looks at the stream. The silence that counts is the
   * consumer's current wait on the provider (a slow consumer is never the
   * provider's silence). The watchdog looks at least every tick, so a wait
   * it sees for the first time began at most a tick ago: its silence is
   * counted from now, and the timeout never fires early and at most a tick
   * late. A wait seen before is checked again a tick later, or exactly when
   * its idle timeout is due, and aborts the attempt once it has lasted that.
   */
  #onWatchdog = (): void => {
    this.#watchdog = undefined;
    if (this.#finished) return;
    const idle = this.#context!.policy.idleTimeout;
    const tick = idleTick(idle);
    if (!this.#waiting) {
      this.#watchedWait = -1;
      this.#armWatchdog(tick);
      return;
    }
    const now = performance.now();
    if (this.#watchedWait !== this.#waits) {
      this.#watchedWait = this.#waits;
      this.#watchedSince = now;
      this.#armWatchdog(tick);
      return;
    }
    const silent = now - this.#watchedSince;
    if (silent < idle) {
      this.#armWatchdog(Math.min(tick, Math.ceil(idle - silent)));
      return;
    }
    this.#attemptScope?.abort(timeoutError("idle", idle, this.#provider));
  };

  #onResult = (
    result: IteratorResult<Part>,
  ): IteratorResult<Event> | Promise<IteratorResult<Event>> => {
    this.#waiting = false;
    if (result.done === true) {
      this.#finish();
      if (this.#doneSeen) {
        this.#complete();
        return { done: true, value: undefined };
      }
      const signal = this.#signal();
      throw this.#report(
        this.#decorate(
          signal?.aborted
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
    const signal = this.#attemptScope!.signal;
    if (signal.aborted) {
      // Aborted (caller, deadline, idle) while a part was on its way: nothing more is delivered.
      this.#abandon();
      throw this.#report(this.#decorate(undefined, signal));
    }
    const part = result.value as Part & SpecialPart;
    switch (part.type) {
      case "warning": {
        const stamped = reportWarnings(this.#context!, this.#target!, [part.warning])!;
        this.#warnings = this.#warnings === undefined ? stamped : [...this.#warnings, ...stamped];
        return this.#afterDone() ?? this.#pull();
      }
      case "response_metadata":
        this.#metadata = mergeMetadata(this.#metadata, part);
        return this.#afterDone() ?? this.#pull();
    }
    try {
      this.observe(part);
    } catch (error) {
      this.#abandon();
      throw this.#report(this.#decorate(error, this.#signal()));
    }
    if (part.type !== "done") return result as unknown as IteratorResult<Event>;
    this.#doneSeen = true;
    return {
      done: false,
      value: this.finish(
        part,
        this.#provider,
        this.#metadata?.model ?? this.#target!.providerModel,
        this.#metadata?.requestId,
        this.#warnings,
      ),
    };
  };

  /** A part after `done` is a protocol violation. */
  #afterDone(): never | undefined {
    if (!this.#doneSeen) return undefined;
    this.#abandon();
    throw this.#report(
      this.#decorate(
        new RatatoskrError({
          code: "stream",
          message: `The stream from "${this.#provider}" sent a part after "done"`,
          provider: this.#provider,
        }),
        this.#signal(),
      ),
    );
  }

  #onError = (error: unknown): IteratorResult<Event> => {
    this.#waiting = false;
    this.#finish();
    if (this.#doneSeen) {
      // The caller already has `done`: a failure after the finish marker loses nothing.
      this.#complete();
      return { done: true, value: undefined };
    }
    throw this.#report(this.#decorate(error, this.#signal()));
  };

  /** The answering attempt's signal (aborted with the idle/total/caller reason). */
  #signal(): AbortSignal | undefined {
    return this.#attemptScope?.signal;
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
    this.#slot?.release();
  }

  #complete(): void {
    const context = this.#context;
    if (this.#reported || context === undefined) return;
    this.#reported = true;
    context.health.success(this.#provider);
    if (context.hooks?.onComplete === undefined) return;
    const usage = this.usage();
    emitHook(context.hooks, "onComplete", {
      ...hookBase(context),
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
        ...hookBase(context),
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
    (this.#attemptScope ?? this.#pending)?.abort(reason);
    this.#finish();
    if (inner !== undefined) closeQuietly(inner);
  }

  /**
   * The error to throw for `error`, with the partial output attached: the
   * abort reason (idle/total timeout, caller abort) when `signal` fired and
   * the provider threw nothing more specific; the call's end (caller abort,
   * total deadline) when there is no attempt signal.
   */
  #decorate(error: unknown, signal: AbortSignal | undefined): RatatoskrError {
    const partial = this.partial();
    if (
      signal?.aborted &&
      (error === undefined || !RatatoskrError.isInstance(error) || error.code === "aborted")
    ) {
      return withPartial(abortedError(signal, partial), partial);
    }
    if (error === undefined) {
      const scope = this.#context?.scope;
      return withPartial(scope?.over ? scope.abortError() : consumerLeft(), partial);
    }
    return withPartial(error, partial, signal);
  }

  /** Leaving a `for await` loop early: aborts the provider's request. */
  return(): Promise<IteratorResult<Event>> {
    if (!this.#finished) {
      const reason = consumerLeft();
      if (this.#doneSeen) this.#complete();
      else if (this.#inner !== undefined) this.#report(reason);
      this.#abandon(reason);
    }
    return Promise.resolve({ done: true, value: undefined });
  }
}

/** Close a provider iterator, ignoring whatever its `return()` does. */
function closeQuietly(inner: AsyncIterator<unknown>): void {
  try {
    inner.return?.()?.catch(() => {});
  } catch {
    // A provider iterator whose return() throws has nothing left to close.
  }
}

function consumerLeft(): RatatoskrError {
  return new RatatoskrError({
    code: "aborted",
    message: "The consumer stopped reading the stream",
  });
}

/**
 * How often, at least, the idle watchdog looks at a stream, in ms: an
 * eighth of the idle timeout, between 1 ms and 1 s. The timeout fires after between
 * `idle` and `idle + idleTick(idle)` of silence (plus timer lateness): the
 * price of keeping clock reads off the per-part path.
 */
export function idleTick(idle: number): number {
  return Math.min(1_000, Math.max(1, Math.ceil(idle / 8)));
}
