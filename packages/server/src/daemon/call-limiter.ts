/**
 * The daemon's call gate: a global limit on concurrent calls and a limit
 * per client (see `client-identity.ts`); beyond either a call is refused at
 * once, never queued, as `rate_limited` (`RESOURCE_EXHAUSTED`, HTTP 429)
 * with a retry-after. It also keeps the calls in flight (each linked to an
 * AbortController, so a shutdown can abort their gateway calls), and admits
 * no new calls once closing (`UNAVAILABLE`).
 */
import type { HandlerContext } from "@connectrpc/connect";
import { RatatoskrError } from "@ratatoskr/core";
import type { CallGate, CallSlot } from "../service/call-gate.ts";
import { clientKeyOfCall } from "./client-identity.ts";

/** Options of {@link CallLimiter}. */
export interface CallLimits {
  /** The most calls served at once, all clients together. */
  readonly maxConcurrent: number;
  /** The most calls served at once for one client; absent: only the global limit. */
  readonly maxConcurrentPerClient?: number | undefined;
  /** The wait a refused call is told to take before retrying, in seconds. */
  readonly retryAfterSeconds: number;
}

/** The gate of a running daemon. */
export class CallLimiter implements CallGate {
  readonly #limits: CallLimits;
  readonly #inFlight = new Set<AbortController>();
  readonly #perClient = new Map<string, number>();
  #closing = false;
  #drained: Array<() => void> = [];

  /** A gate enforcing `limits`. */
  constructor(limits: CallLimits) {
    this.#limits = limits;
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Whether new calls are still admitted. */
  get accepting(): boolean {
    return !this.#closing;
  }

  /** Admit a Connect call (its client from the call's context values). */
  enter(context: HandlerContext): CallSlot {
    return this.admit(clientKeyOfCall(context), context.signal);
  }

  /**
   * Admit a call of `client` running under `signal`, or throw the typed
   * refusal: `network` (retryable) when closing, `rate_limited` with
   * `retryAfterMs` beyond a limit.
   */
  admit(client: string, signal: AbortSignal): CallSlot {
    if (this.#closing) {
      throw new RatatoskrError({
        code: "network",
        message: "ratd is shutting down; retry against another instance",
        isRetryable: true,
      });
    }
    const { maxConcurrent, maxConcurrentPerClient } = this.#limits;
    if (this.#inFlight.size >= maxConcurrent) {
      throw this.#refusal(
        `ratd is serving its limit of ${maxConcurrent} concurrent calls; retry later`,
        { limit: "global", maxConcurrentCalls: maxConcurrent },
      );
    }
    const ofClient = this.#perClient.get(client) ?? 0;
    if (maxConcurrentPerClient !== undefined && ofClient >= maxConcurrentPerClient) {
      throw this.#refusal(
        `this client has ${ofClient} calls in flight, ratd's per-client limit; retry later`,
        { limit: "per_client", maxConcurrentCallsPerClient: maxConcurrentPerClient },
      );
    }
    const controller = new AbortController();
    this.#inFlight.add(controller);
    this.#perClient.set(client, ofClient + 1);
    let left = false;
    return {
      signal: AbortSignal.any([signal, controller.signal]),
      leave: () => {
        if (left) return;
        left = true;
        this.#inFlight.delete(controller);
        const remaining = (this.#perClient.get(client) ?? 1) - 1;
        if (remaining === 0) this.#perClient.delete(client);
        else this.#perClient.set(client, remaining);
        if (this.#inFlight.size === 0) this.#notifyDrained();
      },
    };
  }

  #refusal(message: string, details: Record<string, unknown>): RatatoskrError {
    return new RatatoskrError({
      code: "rate_limited",
      message,
      retryAfterMs: this.#limits.retryAfterSeconds * 1000,
      details,
    });
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
