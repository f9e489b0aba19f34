/**
 * One upstream attempt's cancellation: the signal the provider gets,
 * aborted when the parent signal (the caller's, or a batch's) aborts, when
 * the attempt deadline passes (a stream's first event, a unary call's
 * answer), or when the call's total deadline passes. One timer serves both
 * deadlines: it is armed for the earlier one and, once a stream started,
 * re-armed once for the total deadline alone. `race()` settles as soon as
 * the attempt aborts, even if the provider ignores its signal, without a
 * listener of its own. `dispose()` removes the parent listener and the timer.
 */
import { abortedError, RatatoskrError } from "@ratatoskr/core";
import type { CallScope } from "./call-scope.ts";

/** A timeout error of the given kind. */
export function timeoutError(
  kind: "attempt" | "idle",
  milliseconds: number,
  provider: string,
): RatatoskrError {
  return new RatatoskrError({
    code: "timeout",
    timeoutKind: kind,
    message:
      kind === "attempt"
        ? `${provider} did not start answering within the ${milliseconds} ms attempt timeout`
        : `${provider} sent nothing for ${milliseconds} ms (idle timeout between stream events)`,
    provider,
    isRetryable: true,
  });
}

const ignore = () => {};

/** The signal and timer of one attempt. */
export class AttemptScope {
  readonly #controller = new AbortController();
  readonly #call: CallScope;
  readonly #parent: AbortSignal | undefined;
  readonly #provider: string;
  readonly #attemptMs: number;
  #onParentAbort: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the armed timer is the attempt deadline (else the total). */
  #timerIsAttempt = false;
  /** Rejects the pending `race()`, if any. */
  #rejectRace: (() => void) | undefined;

  /**
   * `attemptMs`: the attempt deadline (0: none). The timer also covers the
   * call's total deadline.
   */
  constructor(
    call: CallScope,
    parent: AbortSignal | undefined,
    attemptMs: number,
    provider: string,
  ) {
    this.#call = call;
    this.#parent = parent;
    this.#provider = provider;
    this.#attemptMs = attemptMs > 0 && Number.isFinite(attemptMs) ? attemptMs : 0;
    if (parent !== undefined) {
      if (parent.aborted) {
        this.#controller.abort(parent.reason);
        return;
      }
      this.#onParentAbort = () => this.abort(parent.reason);
      parent.addEventListener("abort", this.#onParentAbort, { once: true });
    }
    const remaining = call.remainingMs();
    if (this.#attemptMs > 0 && this.#attemptMs < remaining) {
      this.#arm(this.#attemptMs, true);
    } else if (remaining !== Number.POSITIVE_INFINITY) {
      this.#arm(remaining, false);
    }
  }

  /** The signal handed to the provider for this attempt. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  #arm(milliseconds: number, isAttempt: boolean): void {
    this.#timerIsAttempt = isAttempt;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, Math.ceil(milliseconds)));
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#timerIsAttempt) {
      this.abort(timeoutError("attempt", this.#attemptMs, this.#provider));
      return;
    }
    this.#call.expire();
    this.abort(this.#call.totalTimeoutError());
  };

  /**
   * The attempt started answering (a stream's first event): the attempt
   * deadline no longer applies; the total deadline still does.
   */
  started(): void {
    if (!this.#timerIsAttempt || this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const remaining = this.#call.remainingMs();
    if (remaining !== Number.POSITIVE_INFINITY) this.#arm(remaining, false);
  }

  /** Abort this attempt (its provider request) with `reason`. */
  abort(reason: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(reason);
    this.#rejectRace?.();
  }

  /** Remove the parent listener and the timer. Idempotent. */
  dispose(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#onParentAbort !== undefined) {
      this.#parent!.removeEventListener("abort", this.#onParentAbort);
      this.#onParentAbort = undefined;
    }
  }

  /**
   * Settle with `promise`, or reject with the abort reason as soon as this
   * attempt aborts, even if the provider ignores its signal (so every call
   * ends within its deadlines). One race at a time.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    const signal = this.#controller.signal;
    if (signal.aborted) {
      promise.catch(ignore);
      return Promise.reject(abortedError(signal));
    }
    return new Promise<T>((resolve, reject) => {
      this.#rejectRace = () => {
        this.#rejectRace = undefined;
        promise.catch(ignore);
        reject(abortedError(signal));
      };
      promise.then(
        (value) => {
          this.#rejectRace = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.#rejectRace = undefined;
          reject(error);
        },
      );
    });
  }
}
