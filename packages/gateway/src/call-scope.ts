/**
 * One call's deadline and the caller's signal. It holds no controller,
 * timer or listener of its own: each attempt's {@link AttemptScope} arms
 * one timer for the earlier of its attempt deadline and the call's total
 * deadline, and waits between attempts are bounded by the time left, so a
 * call costs one timer per attempt and nothing to clean up here.
 */
import { abortedError, RatatoskrError } from "@ratatoskr/core";

/** A call's total deadline and the caller's signal. */
export class CallScope {
  /** The caller's signal, when it gave one. */
  readonly caller: AbortSignal | undefined;
  /** `performance.now()` value of the total deadline (Infinity when none). */
  readonly deadline: number;
  readonly #totalMs: number;
  #expired = false;

  constructor(caller: AbortSignal | undefined, totalMs: number | undefined) {
    this.caller = caller;
    const enabled = totalMs !== undefined && totalMs > 0 && Number.isFinite(totalMs);
    this.#totalMs = enabled ? totalMs : 0;
    this.deadline = enabled ? performance.now() + totalMs : Number.POSITIVE_INFINITY;
  }

  /** Milliseconds left before the total deadline (Infinity when none). */
  remainingMs(): number {
    if (this.deadline === Number.POSITIVE_INFINITY) return this.deadline;
    return this.#expired ? 0 : Math.max(0, this.deadline - performance.now());
  }

  /** The total deadline fired (an attempt's timer saw it). */
  expire(): void {
    this.#expired = true;
  }

  /** Whether the call is over: the caller aborted or the total deadline passed. */
  get over(): boolean {
    return this.caller?.aborted === true || this.#expired || this.remainingMs() === 0;
  }

  /** The error that ends an over call: the caller's abort, else the total timeout. */
  abortError(): RatatoskrError {
    if (this.caller?.aborted === true) return abortedError(this.caller);
    return this.totalTimeoutError();
  }

  /** The total-deadline timeout error. */
  totalTimeoutError(): RatatoskrError {
    return new RatatoskrError({
      code: "timeout",
      message: `The call did not finish within its ${this.#totalMs} ms deadline`,
      timeoutKind: "total",
      isRetryable: true,
    });
  }
}
