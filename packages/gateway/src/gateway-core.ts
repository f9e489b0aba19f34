/**
 * What every call of one gateway shares — the registry, the planner, the
 * reliability policy, the providers' health, the hooks and the defaults —
 * and the opening of one call: its targets, its policy (the gateway's,
 * unless the call overrides part of it), its scope and its context.
 */
import type { CallOptions, Capability } from "@ratatoskr/core";
import type { CallPlanner } from "./call-planner.ts";
import type { CallContext, CallTarget, ReliabilityPolicy } from "./call-runner.ts";
import { CallScope } from "./call-scope.ts";
import { emitHook, type GatewayHooks, hookBase } from "./gateway-hooks.ts";
import type { ModelKnowledge } from "./model-knowledge.ts";
import type { ProviderBudgets } from "./provider-budgets.ts";
import type { ProviderHealth } from "./provider-health.ts";
import type { ProviderRegistry } from "./provider-registry.ts";
import type { ResponseCache } from "./response-cache.ts";
import { mergeRetry } from "./retry-policy.ts";

/** The state one gateway's calls share. */
export interface GatewayCore {
  readonly registry: ProviderRegistry;
  readonly planner: CallPlanner;
  readonly policy: ReliabilityPolicy;
  readonly health: ProviderHealth;
  readonly hooks: GatewayHooks | undefined;
  /** The registry, presets and learned metadata. */
  readonly knowledge: ModelKnowledge;
  /** Default total deadline per call, in ms (0: none). */
  readonly timeout: number;
  /** Default of the `strict` call option. */
  readonly strict: boolean;
  /** The response cache (builder `.cache()`); undefined: none, and calls pay nothing for it. */
  readonly cache: ResponseCache | undefined;
  /** The providers' budgets (builder `.providerLimits()`); undefined: none, and calls pay nothing for them. */
  readonly budgets: ProviderBudgets | undefined;
  /** The next call id (increasing). */
  nextCallId(): number;
}

/** An opened call: its context and the targets to try. */
export interface OpenedCall {
  context: CallContext;
  targets: readonly CallTarget[];
}

/**
 * The policy of one call: the gateway's, unless the call overrides part of
 * it (options already validated: core's `assertCallOptions`).
 */
function policyFor(core: GatewayCore, options: CallOptions | undefined): ReliabilityPolicy {
  if (
    options === undefined ||
    (options.retry === undefined &&
      options.attemptTimeout === undefined &&
      options.idleTimeout === undefined)
  ) {
    return core.policy;
  }
  return {
    retry: mergeRetry(options.retry, core.policy.retry),
    attemptTimeout: options.attemptTimeout ?? core.policy.attemptTimeout,
    idleTimeout: options.idleTimeout ?? core.policy.idleTimeout,
  };
}

/**
 * Open a call: a preset string becomes its model, then its targets (a routing miss or a bad per-call fallback
 * throws before anything else happens), then its scope and context; a
 * unary call is announced to `onRequestStart` here (a stream announces
 * itself when it starts).
 */
export function openCall(
  core: GatewayCore,
  capability: Capability,
  model: string,
  options: CallOptions | undefined,
  stream: boolean,
): OpenedCall {
  const targets = core.planner.targets(
    capability,
    core.knowledge.concreteModel(model),
    options?.fallbacks,
  );
  const context: CallContext = {
    callId: core.nextCallId(),
    capability,
    model,
    stream,
    startedAt: performance.now(),
    scope: new CallScope(options?.signal, options?.timeout ?? core.timeout),
    policy: policyFor(core, options),
    hooks: core.hooks,
    health: core.health,
    budgets: core.budgets,
    attempts: 0,
  };
  if (core.hooks?.onRequestStart && !stream) {
    emitHook(core.hooks, "onRequestStart", {
      ...hookBase(context),
      timestamp: Date.now(),
    });
  }
  return { context, targets };
}

/** Whether the call runs in strict mode (its option, else the gateway's default). */
export function isStrict(core: GatewayCore, options: CallOptions | undefined): boolean {
  return options?.strict ?? core.strict;
}
