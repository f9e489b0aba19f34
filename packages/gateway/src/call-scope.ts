/**
 * Per-call cancellation scope: one AbortController linked to the caller's
 * signal and the call's deadline. The provider always gets `scope.signal`;
 * `dispose()` removes every listener and timer so nothing outlives the call.
 */
import { abortedError, RatatoskrError } from "@ratatoskr/core";
import { raceAbort } from "@ratatoskr/provider-utils";

/** A call's signal, deadline and cleanup. */
export class CallScope {
  readonly #controller = new AbortController();
  readonly #parent: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onParentAbort: (() => void) | undefined;
  /** `performance.now()` value of the overall deadline (Infinity when none). */
  readonly deadline: number;

  constructor(parent: AbortSignal | undefined, timeoutMs: number | undefined) {
    this.#parent = parent;
    this.deadline = Number.POSITIVE_INFINITY;
    if (parent !== undefined) {
      if (parent.aborted) {
        this.#controller.abort(parent.reason);
      } else {
        this.#onParentAbort = () => this.#controller.abort(parent.reason);
        parent.addEventListener("abort", this.#onParentAbort, { once: true });
      }
    }
    if (
      timeoutMs !== undefined &&
      timeoutMs > 0 &&
      Number.isFinite(timeoutMs) &&
      !this.#controller.signal.aborted
    ) {
      this.deadline = performance.now() + timeoutMs;
      this.#timer = setTimeout(() => {
        this.#controller.abort(
          new RatatoskrError({
            code: "timeout",
            message: `The call did not finish within its ${timeoutMs} ms deadline`,
            timeoutKind: "total",
            isRetryable: true,
          }),
        );
      }, timeoutMs);
    }
  }

  /** The signal handed to the provider. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Milliseconds left before the overall deadline (Infinity when none). */
  remainingMs(): number {
    return this.deadline === Number.POSITIVE_INFINITY
      ? this.deadline
      : Math.max(0, this.deadline - performance.now());
  }

  /** The error to report for the current abort (timeout or caller abort). */
  abortError(): RatatoskrError {
    return abortedError(this.#controller.signal);
  }

  /** Abort the provider's work (e.g. the caller left a stream early). */
  abort(reason?: unknown): void {
    this.#controller.abort(reason);
  }

  /** Remove the parent listener and the deadline timer. Idempotent. */
  dispose(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#onParentAbort !== undefined) {
      this.#parent?.removeEventListener("abort", this.#onParentAbort);
      this.#onParentAbort = undefined;
    }
  }

  /**
   * Settle with `promise`, or reject as soon as the scope aborts, even if the
   * provider ignores its signal (so every call ends within its deadline).
   */
  race<T>(promise: Promise<T>): Promise<T> {
    return raceAbort(promise, this.#controller.signal);
  }
}
