/**
 * The attempt loop shared by unary calls, batches and streams: try each
 * target (routed provider, then configured fallbacks) with retries, backoff
 * and `retry-after`, within the call's deadline; cool down providers that
 * keep failing; report retries and fallbacks to the hooks. Whether an error
 * is retried, may fall back or counts for a cool-down is read from core's
 * error-trait table. A stream hands over to the caller after its first
 * event, so everything here happens before anything was delivered.
 */
import {
  abortedError,
  type Capability,
  errorTraits,
  RatatoskrError,
  withPartial,
} from "@ratatoskr/core";
import { sleep } from "@ratatoskr/provider-utils";
import type { CallScope } from "./call-scope.ts";
import { emitHook, type GatewayHooks, hookBase, summarizeError } from "./gateway-hooks.ts";
import { type BudgetSlot, isBudgetRefusal, type ProviderBudgets } from "./provider-budgets.ts";
import type { ProviderHealth } from "./provider-health.ts";
import type { RegisteredProvider } from "./registered-provider.ts";
import { decideRetry, type ResolvedRetry } from "./retry-policy.ts";

/** One provider/model pair to try. Targets of one `group` come from one route. */
export interface CallTarget {
  provider: RegisteredProvider;
  providerModel: string;
  /** 0: the requested model's route; 1…: the configured fallbacks, in order. */
  group: number;
}

/** Timeouts and retries of one call, defaults applied. */
export interface ReliabilityPolicy {
  retry: ResolvedRetry;
  /** Streams: until the first event; unary calls: until the answer. 0 = none. */
  attemptTimeout: number;
  /** Streams: longest silence between events after the first. 0 = none. */
  idleTimeout: number;
}

/** The state of one call, shared by the loop, the stream and the hooks. */
export interface CallContext {
  callId: number;
  capability: Capability;
  model: string;
  stream: boolean;
  /** `performance.now()` at the start. */
  startedAt: number;
  scope: CallScope;
  policy: ReliabilityPolicy;
  hooks: GatewayHooks | undefined;
  health: ProviderHealth;
  /** The providers' budgets (builder `.providerLimits()`); undefined: none, and attempts pay nothing for them. */
  budgets?: ProviderBudgets | undefined;
  /** Upstream attempts so far, across every target. */
  attempts: number;
  /** The provider of the latest attempt (undefined before the first). */
  lastProvider?: string;
}

/** Whether a failure before any delivery may move on to the next target (the error-trait table's `fallback`). */
export function isFallbackEligible(error: RatatoskrError): boolean {
  return errorTraits(error).fallback;
}

/** Turn whatever a provider threw into a RatatoskrError (the abort reason when `signal` aborted). */
export function normalizeError(
  error: unknown,
  provider: string,
  signal: AbortSignal | undefined,
): RatatoskrError {
  if (signal?.aborted && (!RatatoskrError.isInstance(error) || error.code === "aborted")) {
    const reason: unknown = signal.reason;
    if (RatatoskrError.isInstance(reason)) return reason;
  }
  if (RatatoskrError.isInstance(error)) return error;
  if (signal?.aborted) return withPartial(error, { content: "" }, signal);
  return new RatatoskrError({
    code: "provider",
    message: `Provider "${provider}" failed: ${error instanceof Error ? error.message : String(error)}`,
    provider,
    cause: error,
  });
}

/** Whether `targets` holds the same provider and model as `target`. */
function isSameTarget(targets: readonly CallTarget[], target: CallTarget): boolean {
  for (const other of targets) {
    if (other.provider === target.provider && other.providerModel === target.providerModel) {
      return true;
    }
  }
  return false;
}

/** Cooling targets go last (tried only when the others failed). */
function ordered(targets: readonly CallTarget[], health: ProviderHealth): readonly CallTarget[] {
  if (!health.tracking) return targets;
  let cooling: CallTarget[] | undefined;
  const ready: CallTarget[] = [];
  for (const target of targets) {
    if (health.cooldown(target.provider.id) === undefined) ready.push(target);
    else {
      cooling ??= [];
      cooling.push(target);
    }
  }
  return cooling === undefined ? targets : [...ready, ...cooling];
}

/**
 * Thrown by a target's run (see {@link runTargets}) when its failure ends the
 * call whatever the fallbacks: part of the work already succeeded on this
 * target (a chunk of a batch), so moving on would mix providers or redo it.
 */
export class FinalFailure {
  readonly error: RatatoskrError;

  constructor(error: RatatoskrError) {
    this.error = error;
  }
}

/** What {@link runTargets} runs on each target. */
export interface TargetRun<T> {
  /** Make the target's attempts; throw its final RatatoskrError (or a {@link FinalFailure}). */
  run(target: CallTarget): Promise<T>;
  /**
   * Called before the first attempt on each target; throws to rule the
   * target out without sending anything (strict mode's warnings).
   */
  check?(target: CallTarget): void;
}

/**
 * Try the targets in turn (cooling ones last). The next target is tried
 * when a failure allows a fallback; a decline (`model_not_available`)
 * moves on within the route. A target (same provider and provider model)
 * that already failed or declined is never run again, wherever it
 * reappears in the list.
 */
export async function runTargets<T>(
  context: CallContext,
  targets: readonly CallTarget[],
  { run, check }: TargetRun<T>,
): Promise<{ value: T; target: CallTarget }> {
  const { scope, health } = context;
  let lastError: RatatoskrError | undefined;
  let previous: CallTarget | undefined;
  let failedGroups: Set<number> | undefined;
  // Targets that failed or declined: a fallback never tries one again.
  let failedTargets: CallTarget[] | undefined;
  // The last budget refusal: the call's error only when no target was tried.
  let refused: RatatoskrError | undefined;
  for (const target of ordered(targets, health)) {
    if (failedGroups?.has(target.group)) continue;
    if (failedTargets !== undefined && isSameTarget(failedTargets, target)) continue;
    if (
      previous !== undefined &&
      (lastError ?? refused) !== undefined &&
      context.hooks?.onFallback
    ) {
      emitHook(context.hooks, "onFallback", {
        ...hookBase(context),
        from: { provider: previous.provider.id, model: previous.providerModel },
        to: { provider: target.provider.id, model: target.providerModel },
        reason: summarizeError((lastError ?? refused)!),
      });
    }
    previous = target;
    let error: RatatoskrError;
    try {
      check?.(target);
      return { value: await run(target), target };
    } catch (raw) {
      if (raw instanceof FinalFailure) throw raw.error;
      error = raw as RatatoskrError;
    }
    // The call is over (caller abort or total deadline): final.
    if (scope.over) throw scope.abortError();
    failedTargets ??= [];
    failedTargets.push(target);
    // The gateway's own budget is spent: nothing was sent; like a decline, try the next target.
    if (isBudgetRefusal(error)) {
      refused = error;
      continue;
    }
    lastError = error;
    if (error.code === "model_not_available") continue; // a decline: next target
    if (!isFallbackEligible(error)) throw error;
    failedGroups ??= new Set();
    failedGroups.add(target.group);
  }
  if (lastError === undefined) {
    if (scope.over) throw scope.abortError();
    if (refused !== undefined) throw refused;
    throw new RatatoskrError({
      code: "no_provider",
      message: `No provider left to try for ${context.capability} with model "${context.model}"`,
      model: context.model,
    });
  }
  throw lastError;
}

/** The error that ends the retries now: the parent's abort, or the call's end. */
function endOf(context: CallContext, parent: AbortSignal | undefined): RatatoskrError | undefined {
  if (parent?.aborted) return abortedError(parent);
  return context.scope.over ? context.scope.abortError() : undefined;
}

/**
 * Make `attempt` on one target until it succeeds or its retries are spent:
 * backoff or `retry-after` between attempts, within the call's deadline;
 * each failure counts towards the provider's cool-down (as the error-trait
 * table says). `parent` ends the waits (the caller's signal, or a batch's,
 * which a failing sibling chunk aborts). Throws the final RatatoskrError:
 * the abort's when the call or batch is over, else the last attempt's.
 * `chunk` (0-based) is reported in the retry hook when the attempt is one
 * chunk of a batch. With budgets (builder `.providerLimits()`), each attempt
 * first takes a slot of its provider's budget and `attempt` gets it: it is
 * released here when the attempt fails or a unary attempt settles; a
 * stream's successful attempt hands it to the stream, which releases it
 * when it ends. A spent budget throws its refusal before any attempt.
 */
export async function retryTarget<T>(
  context: CallContext,
  target: CallTarget,
  attempt: (slot: BudgetSlot | undefined) => Promise<T>,
  parent: AbortSignal | undefined,
  chunk?: number,
): Promise<T> {
  const { scope, policy, health } = context;
  const provider = target.provider.id;
  for (let attemptNumber = 1; ; attemptNumber++) {
    const ended = endOf(context, parent);
    if (ended !== undefined) throw ended;
    // A slot of the provider's budget before anything is sent (a refusal throws:
    // no attempt, no retry, no cool-down). Without budgets: no await.
    let slot: BudgetSlot | undefined;
    if (context.budgets !== undefined) {
      const taken = context.budgets.acquire(context, target);
      slot = taken instanceof Promise ? await taken : taken;
    }
    context.attempts++;
    context.lastProvider = provider;
    let error: RatatoskrError;
    try {
      const value = await attempt(slot);
      // A stream's attempt succeeds only when it completes (the routed stream records it
      // and holds the slot until the stream ends).
      if (!context.stream) {
        slot?.release();
        health.success(provider);
      }
      return value;
    } catch (raw) {
      slot?.release();
      error = RatatoskrError.isInstance(raw) ? raw : normalizeError(raw, provider, parent);
    }
    // The call (or the batch) is over: final, no retry.
    const over = endOf(context, parent);
    if (over !== undefined) throw over;
    if (error.code === "model_not_available") throw error; // a decline: no retry
    health.failure(provider, error);
    const decision = decideRetry(policy.retry, error, attemptNumber);
    if (!decision.retry || decision.waitMs >= scope.remainingMs()) throw error;
    if (context.hooks?.onRetry) {
      emitHook(context.hooks, "onRetry", {
        ...hookBase(context),
        provider,
        providerModel: target.providerModel,
        attempt: attemptNumber,
        waitMs: decision.waitMs,
        waitSource: decision.source,
        reason: summarizeError(error),
        ...(chunk === undefined ? {} : { chunk }),
      });
    }
    await sleep(decision.waitMs, parent).catch(() => {
      throw abortedError(parent);
    });
  }
}
