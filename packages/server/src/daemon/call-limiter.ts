/**
 * The daemon's call gate: a global limit on concurrent calls (beyond it a
 * call is refused as `rate_limited`, `RESOURCE_EXHAUSTED`), the calls in
 * flight (each linked to an AbortController, so a shutdown can abort their
 * gateway calls), and no new calls once closing (`UNAVAILABLE`).
 */
import type { HandlerContext } from "@connectrpc/connect";
import { RatatoskrError } from "@ratatoskr/core";
import type { CallGate, CallSlot } from "../service/call-gate.ts";

/** The gate of a running daemon. */
export class CallLimiter implements CallGate {
  readonly #maxConcurrent: number;
  readonly #inFlight = new Set<AbortController>();
  #closing = false;
  #drained: Array<() => void> = [];

  /** @param maxConcurrent the most calls served at once. */
  constructor(maxConcurrent: number) {
    this.#maxConcurrent = maxConcurrent;
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Whether new calls are still admitted. */
  get accepting(): boolean {
    return !this.#closing;
  }

  enter(context: HandlerContext): CallSlot {
    if (this.#closing) {
      throw new RatatoskrError({
        code: "network",
        message: "ratd is shutting down; retry against another instance",
        isRetryable: true,
      });
    }
    if (this.#inFlight.size >= this.#maxConcurrent) {
      throw new RatatoskrError({
        code: "rate_limited",
        message: `ratd is serving its limit of ${this.#maxConcurrent} concurrent calls; retry later`,
        details: { maxConcurrentCalls: this.#maxConcurrent },
      });
    }
    const controller = new AbortController();
    this.#inFlight.add(controller);
    let left = false;
    return {
      signal: AbortSignal.any([context.signal, controller.signal]),
      leave: () => {
        if (left) return;
        left = true;
        this.#inFlight.delete(controller);
        if (this.#inFlight.size === 0) this.#notifyDrained();
      },
    };
  }

  /** Refuse new calls from now on. */
  close(): void {
    this.#closing = true;
  }

  /** Resolves once no call is in flight. */
  drained(): Promise<void> {
    if (this.#inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Abort every call in flight (their gateway calls see the signal abort). */
  abortAll(reason: unknown): void {
    for (const controller of this.#inFlight) controller.abort(reason);
  }

  #notifyDrained(): void {
    const waiting = this.#drained;
    this.#drained = [];
    for (const resolve of waiting) resolve();
  }
}
