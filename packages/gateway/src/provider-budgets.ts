/**
 * Per-provider budgets at run time (builder `.providerLimits()`,
 * `.budgetStore()`): before an attempt's request is sent it takes a slot of
 * its provider's budget, and gives it back when the attempt ends. A spent
 * budget refuses the attempt with a `rate_limited` error of the gateway's
 * own (`provider` unset, `details.gatewayBudget` set; nothing was sent),
 * which the attempt loop treats like a decline: the call moves on to its
 * other targets, and fails with that error only when none can take it.
 *
 * Without a shared store the budgets are in memory and synchronous (no
 * await on the hot path). With one, a store that rejects, throws, answers
 * nonsense or does not answer within `timeoutMs` never fails a call: the
 * attempt takes a slot of the in-memory budget instead, and an `other`
 * warning naming the store goes to `onWarning`. A provider without limits
 * costs nothing.
 */
import {
  type BudgetDecision,
  type BudgetLimit,
  type ProviderBudgetStore,
  type ProviderLimits,
  RatatoskrError,
  redactSecrets,
} from "@ratatoskr/core";
import type { CallContext, CallTarget } from "./call-runner.ts";
import { reportWarnings } from "./call-warnings.ts";
import { MemoryBudgetStore } from "./memory-budget-store.ts";

/** Budgets per provider id (builder `.providerLimits()`). */
export type ProviderLimitsMap = Readonly<Record<string, ProviderLimits>>;

/** Options of builder `.budgetStore()`. */
export interface BudgetStoreOptions {
  /** Longest wait for the store's answer to one `acquire`, in ms (default 1,000). */
  timeoutMs?: number;
}

/** The default {@link BudgetStoreOptions.timeoutMs}. */
export const DEFAULT_BUDGET_STORE_TIMEOUT_MS = 1_000;

/** A slot an attempt holds; `release()` is idempotent. */
export interface BudgetSlot {
  release(): void;
}

const LIMIT_FIELDS = ["maxInFlight", "requestsPerMinute"] as const;

function configuration(message: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message });
}

/**
 * Check `.providerLimits()`'s argument: an object of provider ids, each an
 * object whose limits are positive integers. Throws `configuration` naming
 * the field. Returns a frozen copy without the absent limits.
 */
export function resolveProviderLimits(limits: unknown): ProviderLimitsMap {
  if (typeof limits !== "object" || limits === null || Array.isArray(limits)) {
    throw configuration("providerLimits takes an object of provider ids to limits");
  }
  const resolved: Record<string, ProviderLimits> = {};
  for (const [provider, entry] of Object.entries(limits)) {
    const field = `providerLimits.${provider}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw configuration(`${field} must be an object ({ maxInFlight?, requestsPerMinute? })`);
    }
    const unknown = Object.keys(entry).filter(
      (key) => !(LIMIT_FIELDS as readonly string[]).includes(key),
    );
    if (unknown.length > 0) {
      throw configuration(
        `${field}.${unknown[0]} is not a limit; the limits are ${LIMIT_FIELDS.join(", ")}`,
      );
    }
    const copy: { maxInFlight?: number; requestsPerMinute?: number } = {};
    for (const name of LIMIT_FIELDS) {
      const value = (entry as Record<string, unknown>)[name];
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
        throw configuration(`${field}.${name} must be a positive integer, got ${String(value)}`);
      }
      copy[name] = value;
    }
    if (copy.maxInFlight !== undefined || copy.requestsPerMinute !== undefined) {
      resolved[provider] = Object.freeze(copy);
    }
  }
  return Object.freeze(resolved);
}

const METHODS = ["acquire", "release"] as const;

/** Throws `configuration` unless `store` has the {@link ProviderBudgetStore} methods. */
export function assertBudgetStore(store: unknown): asserts store is ProviderBudgetStore {
  const missing =
    typeof store !== "object" || store === null
      ? [...METHODS]
      : METHODS.filter((name) => typeof (store as Record<string, unknown>)[name] !== "function");
  if (missing.length > 0) {
    throw configuration(
      `budgetStore(store) takes a ProviderBudgetStore (such as @ratatoskr/redis's createRedisProviderBudgets()); missing ${missing.join(", ")}`,
    );
  }
}

/** Check `.budgetStore()`'s options; returns the timeout. */
export function resolveBudgetStoreTimeout(options: BudgetStoreOptions | undefined): number {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_BUDGET_STORE_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw configuration(
      `budgetStore options.timeoutMs must be a positive integer, got ${String(timeoutMs)}`,
    );
  }
  return timeoutMs;
}

/** Errors that are a budget's refusal (never a provider's answer). */
const refusals = new WeakSet<RatatoskrError>();

/** Whether `error` is the gateway's own budget refusal (a `rate_limited` error no provider sent; see `docs/reliability.md`, "Provider budgets"). */
export function isBudgetRefusal(error: RatatoskrError): boolean {
  return refusals.has(error);
}

function refusal(
  provider: string,
  limits: ProviderLimits,
  decision: Extract<BudgetDecision, { granted: false }>,
  store: string,
  model: string,
): RatatoskrError {
  const limit: BudgetLimit = decision.limit === "maxInFlight" ? "maxInFlight" : "requestsPerMinute";
  const retryAfterMs =
    typeof decision.retryAfterMs === "number" &&
    Number.isFinite(decision.retryAfterMs) &&
    decision.retryAfterMs >= 0
      ? Math.ceil(decision.retryAfterMs)
      : undefined;
  const reached =
    limit === "maxInFlight"
      ? `${limits.maxInFlight} requests already in flight (maxInFlight)`
      : `${limits.requestsPerMinute} requests this minute (requestsPerMinute)`;
  const error = new RatatoskrError({
    code: "rate_limited",
    message: `The gateway's own budget for provider "${provider}" is spent: ${reached}. Nothing was sent to "${provider}"; this is the gateway's limit (providerLimits), not the provider's answer${retryAfterMs === undefined ? "" : `; room again in ${retryAfterMs} ms`}`,
    model,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    details: { gatewayBudget: { provider, limit, store } },
  });
  refusals.add(error);
  return error;
}

function isDecision(value: unknown): value is BudgetDecision {
  if (typeof value !== "object" || value === null) return false;
  const decision = value as Record<string, unknown>;
  if (decision.granted === true) {
    const lease = decision.lease as Record<string, unknown> | null | undefined;
    return typeof lease === "object" && lease !== null && typeof lease.id === "string";
  }
  return decision.granted === false;
}

function ignore(): void {}

/** The budgets of one gateway. */
export class ProviderBudgets {
  readonly #limits: ProviderLimitsMap;
  readonly #local: MemoryBudgetStore;
  readonly #store: ProviderBudgetStore | undefined;
  readonly #timeoutMs: number;

  /**
   * `limits` already resolved ({@link resolveProviderLimits}); `registered`
   * the gateway's provider ids: a limit for any other id is a
   * `configuration` error (a typo would otherwise limit nothing).
   */
  constructor(
    limits: ProviderLimitsMap,
    registered: readonly string[],
    store?: ProviderBudgetStore,
    timeoutMs: number = DEFAULT_BUDGET_STORE_TIMEOUT_MS,
    now: () => number = Date.now,
  ) {
    for (const provider of Object.keys(limits)) {
      if (!registered.includes(provider)) {
        throw configuration(
          `providerLimits.${provider} names no registered provider (registered: ${registered.join(", ")})`,
        );
      }
    }
    this.#limits = limits;
    this.#local = new MemoryBudgetStore(now);
    this.#store = store;
    this.#timeoutMs = timeoutMs;
  }

  /** The in-memory budget (the default store, and the fallback of a shared one). */
  get local(): MemoryBudgetStore {
    return this.#local;
  }

  /**
   * Take a slot of `target`'s provider for one attempt: `undefined` when the
   * provider has no limits; a slot (at once from the in-memory budget, or a
   * promise of one from a shared store). Throws (or rejects with) the
   * budget's `rate_limited` refusal when the budget is spent.
   */
  acquire(context: CallContext, target: CallTarget): BudgetSlot | undefined | Promise<BudgetSlot> {
    const provider = target.provider.id;
    const limits = this.#limits[provider];
    if (limits === undefined) return undefined;
    if (this.#store === undefined) return this.#takeLocal(provider, limits, context, "memory");
    return this.#takeShared(this.#store, provider, limits, context, target);
  }

  #takeLocal(
    provider: string,
    limits: ProviderLimits,
    context: CallContext,
    store: string,
  ): BudgetSlot {
    const decision = this.#local.take(provider, limits);
    if (!decision.granted) throw refusal(provider, limits, decision, store, context.model);
    const local = this.#local;
    const { lease } = decision;
    return { release: () => local.give(lease) };
  }

  async #takeShared(
    store: ProviderBudgetStore,
    provider: string,
    limits: ProviderLimits,
    context: CallContext,
    target: CallTarget,
  ): Promise<BudgetSlot> {
    let decision: BudgetDecision;
    try {
      decision = await this.#bounded(store, provider, limits);
    } catch (error) {
      this.#warn(context, target, store, error);
      return this.#takeLocal(provider, limits, context, "memory");
    }
    if (!decision.granted) throw refusal(provider, limits, decision, store.name, context.model);
    const { lease } = decision;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        // A failed release is left to the store's lease time to live.
        try {
          store.release(lease).catch(ignore);
        } catch {
          // A store that throws synchronously is ignored like one that rejects.
        }
      },
    };
  }

  /** The store's answer within the timeout, checked; a late grant is released. */
  #bounded(
    store: ProviderBudgetStore,
    provider: string,
    limits: ProviderLimits,
  ): Promise<BudgetDecision> {
    return new Promise<BudgetDecision>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new Error(`no answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      timer.unref?.();
      const answer = new Promise<unknown>((inner) => inner(store.acquire(provider, limits)));
      answer.then(
        (value) => {
          if (settled) {
            if (isDecision(value) && value.granted) {
              new Promise<void>((inner) => inner(store.release(value.lease))).catch(ignore);
            }
            return;
          }
          settled = true;
          clearTimeout(timer);
          if (isDecision(value)) resolve(value);
          else reject(new Error("the store answered something that is not a BudgetDecision"));
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #warn(
    context: CallContext,
    target: CallTarget,
    store: ProviderBudgetStore,
    error: unknown,
  ): void {
    if (!context.hooks?.onWarning) return;
    const reason = redactSecrets(error instanceof Error ? error.message : String(error));
    reportWarnings(context, target, [
      {
        type: "other",
        message: `The provider budget store "${store.name}" is unavailable (${reason}); this attempt used the gateway's in-memory budget for "${target.provider.id}"`,
      },
    ]);
  }
}
