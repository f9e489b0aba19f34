/**
 * Requests in flight, limited globally and per client (by remote address).
 * A request over either limit is refused at once (429 with `retry-after`),
 * never queued.
 */

/** The limits; absent: unlimited. */
export interface ConcurrencyLimits {
  readonly maxConcurrentRequests?: number | undefined;
  readonly maxConcurrentRequestsPerClient?: number | undefined;
}

/** Counts requests in flight against {@link ConcurrencyLimits}. */
export class ConcurrencyLimit {
  readonly #limits: ConcurrencyLimits;
  readonly #perClient = new Map<string, number>();
  #total = 0;

  /** A counter for `limits`. */
  constructor(limits: ConcurrencyLimits) {
    this.#limits = limits;
  }

  /**
   * Take a place for a request of `client`: the function that gives it back
   * (idempotent), or undefined when a limit is reached.
   */
  tryAcquire(client: string): (() => void) | undefined {
    const { maxConcurrentRequests, maxConcurrentRequestsPerClient } = this.#limits;
    const ofClient = this.#perClient.get(client) ?? 0;
    if (maxConcurrentRequests !== undefined && this.#total >= maxConcurrentRequests) return;
    if (
      maxConcurrentRequestsPerClient !== undefined &&
      ofClient >= maxConcurrentRequestsPerClient
    ) {
      return;
    }
    this.#total += 1;
    this.#perClient.set(client, ofClient + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#perClient.get(client) ?? 1) - 1;
      if (left === 0) this.#perClient.delete(client);
      else this.#perClient.set(client, left);
    };
  }
}
