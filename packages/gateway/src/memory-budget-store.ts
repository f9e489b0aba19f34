/**
 * The in-memory {@link ProviderBudgetStore}: a gateway's own budgets (the
 * default of `.providerLimits()`), and the fallback when a shared store is
 * unreachable. In-flight slots are a set of lease ids per provider (so a
 * lease released twice frees one slot); requests per minute are counted in
 * fixed one-minute windows aligned to the clock. Synchronous underneath
 * (`take`, `give`): the gateway calls those directly, with no await.
 */
import type {
  BudgetDecision,
  ProviderBudgetStore,
  ProviderLease,
  ProviderLimits,
} from "@ratatoskr/core";

/** One minute, the rate window. */
export const RATE_WINDOW_MS = 60_000;

interface RateWindow {
  /** Index of the window (`floor(now / RATE_WINDOW_MS)`). */
  index: number;
  count: number;
}

/** Budgets kept in this process's memory; see the module comment. */
export class MemoryBudgetStore implements ProviderBudgetStore {
  readonly name = "memory";
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Set<string>>();
  readonly #windows = new Map<string, RateWindow>();
  #ids = 0;

  /** `now`: the clock (`Date.now` by default; tests pass a fake one). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Take a slot of `provider` under `limits`, synchronously. */
  take(provider: string, limits: ProviderLimits): BudgetDecision {
    const { maxInFlight, requestsPerMinute } = limits;
    let leases = this.#inFlight.get(provider);
    if (maxInFlight !== undefined && (leases?.size ?? 0) >= maxInFlight) {
      return { granted: false, limit: "maxInFlight" };
    }
    if (requestsPerMinute !== undefined) {
      const now = this.#now();
      const index = Math.floor(now / RATE_WINDOW_MS);
      let window = this.#windows.get(provider);
      if (window === undefined || window.index !== index) {
        window = { index, count: 0 };
        this.#windows.set(provider, window);
      }
      if (window.count >= requestsPerMinute) {
        return {
          granted: false,
          limit: "requestsPerMinute",
          retryAfterMs: (index + 1) * RATE_WINDOW_MS - now,
        };
      }
      window.count++;
    }
    const lease: ProviderLease = { provider, id: `m${++this.#ids}` };
    if (maxInFlight !== undefined) {
      if (leases === undefined) {
        leases = new Set();
        this.#inFlight.set(provider, leases);
      }
      leases.add(lease.id);
    }
    return { granted: true, lease };
  }

  /** Give a slot back, synchronously (idempotent). */
  give(lease: ProviderLease): void {
    const leases = this.#inFlight.get(lease.provider);
    if (leases === undefined) return;
    leases.delete(lease.id);
    if (leases.size === 0) this.#inFlight.delete(lease.provider);
  }

  /** How many slots of `provider` are held now (for tests and diagnostics). */
  inFlight(provider: string): number {
    return this.#inFlight.get(provider)?.size ?? 0;
  }

  acquire(provider: string, limits: ProviderLimits): Promise<BudgetDecision> {
    return Promise.resolve(this.take(provider, limits));
  }

  release(lease: ProviderLease): Promise<void> {
    this.give(lease);
    return Promise.resolve();
  }
}
