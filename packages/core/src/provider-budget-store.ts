/**
 * Per-provider budgets of a gateway (builder `.providerLimits()`): how many
 * requests may be in flight to a provider at once, and how many may start
 * per minute. Each attempt takes a slot before its request is sent and
 * gives it back when the attempt ends. By default a gateway keeps its
 * budgets in memory; gateways that run side by side (several instances
 * behind a load balancer) share one budget through a
 * {@link ProviderBudgetStore} (builder `.budgetStore()`), such as
 * `@ratatoskr/redis`'s `createRedisProviderBudgets()`, so that N instances
 * together send a provider its allowance once, not N times.
 */

/** The budget of one provider. Both limits are optional; a missing one is no limit. */
export interface ProviderLimits {
  /** Most requests in flight to the provider at once (a positive integer). */
  readonly maxInFlight?: number;
  /**
   * Most requests started per minute (a positive integer), counted in fixed
   * windows of one minute aligned to the clock (the store's clock, for a
   * shared store).
   */
  readonly requestsPerMinute?: number;
}

/** A slot taken from a provider's budget, handed back with {@link ProviderBudgetStore.release}. */
export interface ProviderLease {
  /** The provider's id. */
  readonly provider: string;
  /** The lease's id, unique within its store. */
  readonly id: string;
}

/** Why a store refused a slot: the limit that is reached. */
export type BudgetLimit = "maxInFlight" | "requestsPerMinute";

/** What {@link ProviderBudgetStore.acquire} answers. */
export type BudgetDecision = BudgetGranted | BudgetRefused;

/** A slot is taken: release `lease` when the attempt ends. */
export interface BudgetGranted {
  /** Always true: the attempt may be sent. */
  readonly granted: true;
  /** The slot, to give back with `release()` when the attempt ends. */
  readonly lease: ProviderLease;
}

/** No slot: a limit is reached. */
export interface BudgetRefused {
  /** Always false: the attempt must not be sent. */
  readonly granted: false;
  /** Which limit is reached. */
  readonly limit: BudgetLimit;
  /** When known (the rate window): how long until the budget has room again, in ms. */
  readonly retryAfterMs?: number;
}

/**
 * Where a gateway keeps its providers' budgets. Both methods may reject (a
 * store that is unreachable) and neither may throw synchronously; the
 * gateway then falls back to its in-memory budget for that attempt, reports
 * an `other` warning naming the store through `onWarning`, and never fails
 * the call because of the store. Give each gateway instance its own store
 * object, on the same backing storage.
 *
 * A lease whose holder disappears (a killed instance) must come back by
 * itself after a time to live the store documents.
 */
export interface ProviderBudgetStore {
  /** A short name for warnings and docs (`"memory"`, `"redis"`). */
  readonly name: string;
  /** Take one slot of `provider`'s budget under `limits`, or say which limit refuses it. */
  acquire(provider: string, limits: ProviderLimits): Promise<BudgetDecision>;
  /** Give a slot back (an unknown or already released lease is ignored). */
  release(lease: ProviderLease): Promise<void>;
  /** Release connections and timers. Optional; the gateway never calls it on its own. */
  close?(): Promise<void>;
}
