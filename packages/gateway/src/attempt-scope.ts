/**
 * One upstream attempt's cancellation: an AbortController linked to the
 * call's signal, so a timed-out attempt can be abandoned and retried while
 * the call goes on, plus the attempt timer. `dispose()` removes the link
 * and the timer.
 */
import { abortedError, RatatoskrError } from "@ratatoskr/core";
import { raceAbort } from "@ratatoskr/provider-utils";

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

/** The signal and timer of one attempt. */
export class AttemptScope {
  readonly #controller = new AbortController();
  readonly #parent: AbortSignal;
  #onParentAbort: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(parent: AbortSignal) {
    this.#parent = parent;
    if (parent.aborted) {
      this.#controller.abort(parent.reason);
    } else {
      this.#onParentAbort = () => this.#controller.abort(parent.reason);
      parent.addEventListener("abort", this.#onParentAbort, { once: true });
    }
  }

  /** The signal handed to the provider for this attempt. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Abort this attempt (its provider request) with `reason`. */
  abort(reason: unknown): void {
    this.#controller.abort(reason);
  }

  /** Abort with an attempt-timeout error unless {@link clearTimer} runs within `milliseconds`. */
  startTimer(milliseconds: number, provider: string): void {
    if (!(milliseconds > 0) || !Number.isFinite(milliseconds) || this.signal.aborted) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#controller.abort(timeoutError("attempt", milliseconds, provider));
    }, milliseconds);
  }

  /** Stop the attempt timer (the attempt started answering). */
  clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Remove the link to the call's signal and the timer. Idempotent. */
  dispose(): void {
    this.clearTimer();
    if (this.#onParentAbort !== undefined) {
      this.#parent.removeEventListener("abort", this.#onParentAbort);
      this.#onParentAbort = undefined;
    }
  }

  /**
   * Settle with `promise`, or reject as soon as this attempt aborts, even if
   * the provider ignores its signal.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    return raceAbort(promise, this.#controller.signal);
  }
}

/** Wait `milliseconds`, or reject with the abort error as soon as `signal` aborts. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortedError(signal));
  if (milliseconds <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
