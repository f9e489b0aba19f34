/**
 * How a served call enters and leaves the daemon: the gate may refuse it
 * (a concurrency limit), and gives it the signal its gateway call runs
 * under (the client's disconnect, the daemon's shutdown).
 */
import type { HandlerContext } from "@connectrpc/connect";

/** One admitted call: the signal of its gateway call, and the way out. */
export interface CallSlot {
  /** Aborts when the client goes away (or the daemon stops waiting for the call). */
  readonly signal: AbortSignal;
  /** Called once when the call has ended (answered, failed or aborted). */
  leave(): void;
}

/** Admits served calls; throws a `RatatoskrError` to refuse one. */
export interface CallGate {
  /**
   * Admit the call of `context` (before it runs); the service calls the
   * slot's `leave` once the call has ended. Throws a `RatatoskrError` to
   * refuse it.
   */
  enter(context: HandlerContext): CallSlot;
}

/** The gate of a service served on its own: admits every call, under the client's signal. */
export const OPEN_CALL_GATE: CallGate = {
  enter: (context) => ({ signal: context.signal, leave: () => {} }),
};
