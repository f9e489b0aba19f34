/**
 * Where calls go: the routing decision for a capability and model, the
 * targets of a call (the route's providers, then each configured or
 * per-call fallback's), and `gateway.route()` with the live state
 * (fallbacks, cool-downs). Decisions and target lists are cached per
 * (capability, model) — the registry is fixed once built — in caches
 * bounded in entries and bytes, so a call that hits them costs one lookup.
 */
import {
  assertFallbackTargets,
  CAPABILITIES,
  type Capability,
  invalidInput,
  RatatoskrError,
} from "@ratatoskr/core";
import type { PresetResolution } from "@ratatoskr/models";
import { asConfiguration } from "./as-configuration.ts";
import type { CallTarget } from "./call-runner.ts";
import type { ProviderCooldown, ProviderHealth } from "./provider-health.ts";
import type { ProviderRegistry } from "./provider-registry.ts";
import type { FallbackTarget } from "./reliability-options.ts";
import { callTargetsBytes, RouteCache, routeDecisionBytes } from "./route-cache.ts";
import { type KnownProvider, type RouteDecision, routeModel } from "./router.ts";

/** A routing decision plus the gateway's live state: fallbacks and cool-downs. */
export interface GatewayRouteDecision extends RouteDecision {
  /** The configured fallback targets for the capability, in order. */
  fallbacks?: readonly FallbackTarget[];
  /** Providers of this route that are cooling down now (tried last until `until`). */
  cooldowns?: ProviderCooldown[];
  /** The preset the model string named (its model is what was routed). */
  preset?: PresetResolution;
}

/** Most entries of each route cache (decisions; target lists). */
const ROUTE_CACHE_ENTRIES = 1024;
/**
 * Most estimated bytes of each route cache: with model strings capped at
 * core's `MAX_MODEL_LENGTH`, a cache holds at least a few hundred of the
 * longest names and all 1,024 entries of ordinary ones.
 */
const ROUTE_CACHE_BYTES = 4 * 1024 * 1024;

/** Routing, targets and fallbacks of one gateway. */
export class CallPlanner {
  readonly #registry: ProviderRegistry;
  readonly #known: readonly KnownProvider[];
  readonly #fallbacks: Partial<Record<Capability, readonly FallbackTarget[]>>;
  readonly #decisions = new RouteCache<RouteDecision>({
    maxEntries: ROUTE_CACHE_ENTRIES,
    maxBytes: ROUTE_CACHE_BYTES,
    sizeOf: routeDecisionBytes,
  });
  readonly #targets = new RouteCache<readonly CallTarget[]>({
    maxEntries: ROUTE_CACHE_ENTRIES,
    maxBytes: ROUTE_CACHE_BYTES,
    sizeOf: callTargetsBytes,
  });

  /**
   * Checks the configured fallbacks now: each must name a capability, and
   * each target a registered provider that serves it (`configuration`
   * errors otherwise).
   */
  constructor(
    registry: ProviderRegistry,
    fallbacks: Partial<Record<Capability, readonly FallbackTarget[]>>,
    known: readonly KnownProvider[],
  ) {
    this.#registry = registry;
    this.#known = known;
    this.#fallbacks = fallbacks;
    for (const [capability, targets] of Object.entries(fallbacks)) {
      if (!CAPABILITIES.includes(capability as Capability)) {
        throw new RatatoskrError({
          code: "configuration",
          message: `fallbacks.${capability} names no capability; the capabilities are ${CAPABILITIES.join(", ")}`,
        });
      }
      asConfiguration(() => assertFallbackTargets(targets, `fallbacks.${capability}`));
      for (const target of targets ?? []) this.#fallbackRoute(capability as Capability, target);
    }
  }

  /** The cached routing decision for `capability` and `model`. */
  decision(capability: Capability, model: string): RouteDecision {
    const key = `${capability}\u0000${model}`;
    const cached = this.#decisions.get(key);
    if (cached !== undefined) return cached;
    const decision = routeModel(this.#registry, capability, model, this.#known);
    this.#decisions.set(key, decision);
    return decision;
  }

  /**
   * The targets of a call: the route's providers (group 0; the next one is
   * tried only when one declines the model), then each fallback's (the
   * configured ones, or `perCall` when given; `false`: none). Throws
   * `not_implemented` when no provider offers the capability, `no_provider`
   * on a miss, `invalid_input` for a bad per-call fallback.
   */
  targets(
    capability: Capability,
    model: string,
    perCall: readonly FallbackTarget[] | false | undefined,
  ): readonly CallTarget[] {
    if (perCall !== undefined) {
      return this.#buildTargets(capability, model, perCall === false ? [] : perCall, true);
    }
    const key = `${capability}\u0000${model}`;
    const cached = this.#targets.get(key);
    if (cached !== undefined) return cached;
    const targets = this.#buildTargets(capability, model, this.#fallbacks[capability] ?? []);
    this.#targets.set(key, targets);
    return targets;
  }

  /**
   * Where a call for `capability` and `model` would go, and why; on a miss,
   * which providers were asked and what they said; with the configured
   * fallbacks and the providers cooling down now.
   */
  route(capability: Capability, model: string, health: ProviderHealth): GatewayRouteDecision {
    const decision = this.decision(capability, model);
    const fallbacks = this.#fallbacks[capability];
    const cooldowns: ProviderCooldown[] = [];
    if (health.tracking) {
      for (const provider of decision.providers) {
        const cooldown = health.cooldown(provider);
        if (cooldown !== undefined) cooldowns.push(cooldown);
      }
    }
    if ((fallbacks === undefined || fallbacks.length === 0) && cooldowns.length === 0) {
      return decision;
    }
    const result: GatewayRouteDecision = { ...decision };
    if (fallbacks !== undefined && fallbacks.length > 0) {
      result.fallbacks = fallbacks;
      result.explanation += `; fallbacks: ${fallbacks.join(", ")}`;
    }
    if (cooldowns.length > 0) {
      const cooling = new Set(cooldowns.map((cooldown) => cooldown.provider));
      result.cooldowns = cooldowns;
      result.providers = [
        ...decision.providers.filter((provider) => !cooling.has(provider)),
        ...decision.providers.filter((provider) => cooling.has(provider)),
      ];
      result.explanation += `; cooling down (tried last): ${cooldowns
        .map(
          (cooldown) =>
            `${cooldown.provider} for ${Math.max(0, Math.ceil((cooldown.until - Date.now()) / 1000))} s after ${cooldown.failures} failures (last: ${cooldown.lastError})`,
        )
        .join(", ")}`;
    }
    return result;
  }

  /**
   * The route of a fallback target. Its `provider:` prefix must name a
   * registered provider (a target is never re-read as a bare model name,
   * which could route back to the failing primary), and that provider must
   * serve it. A bad configured target is a `configuration` error; a bad
   * per-call one (`field` set) is `invalid_input`.
   */
  #fallbackRoute(capability: Capability, target: FallbackTarget, field?: string): RouteDecision {
    const colon = target.indexOf(":");
    const prefix = colon > 0 ? target.slice(0, colon) : target;
    let problem: string;
    let decision: RouteDecision | undefined;
    if (this.#registry.get(prefix) === undefined) {
      problem = `names provider "${prefix}", which is not registered (registered: ${this.#registry.describe()})`;
    } else {
      decision = this.decision(capability, target);
      if (decision.providers.length > 0) return decision;
      problem = `is not served by any registered provider: ${decision.explanation}`;
    }
    if (field !== undefined) throw invalidInput(`${field} ("${target}") ${problem}`, { field });
    throw new RatatoskrError({
      code: "configuration",
      message: `Fallback "${target}" for ${capability} ${problem}`,
      ...(decision === undefined ? {} : { details: { route: decision } }),
    });
  }

  #buildTargets(
    capability: Capability,
    model: string,
    fallbacks: readonly FallbackTarget[],
    perCall = false,
  ): CallTarget[] {
    const decision = this.decision(capability, model);
    if (decision.providers.length === 0) throw this.#miss(capability, model, decision);
    const targets: CallTarget[] = decision.providers.map((id) => ({
      provider: this.#registry.get(id)!,
      providerModel: decision.providerModel,
      group: 0,
    }));
    for (const [index, fallback] of fallbacks.entries()) {
      const route = this.#fallbackRoute(
        capability,
        fallback,
        perCall ? `options.fallbacks[${index}]` : undefined,
      );
      for (const id of route.providers) {
        targets.push({
          provider: this.#registry.get(id)!,
          providerModel: route.providerModel,
          group: index + 1,
        });
      }
    }
    return targets;
  }

  #miss(capability: Capability, model: string, decision: RouteDecision): RatatoskrError {
    const offered = this.#registry.forCapability(capability).length > 0;
    return new RatatoskrError({
      code: offered ? "no_provider" : "not_implemented",
      message: offered
        ? `No provider for ${capability} with model "${model}": ${decision.explanation}`
        : `No registered provider offers ${capability} (registered: ${this.#registry.describe()}); ${decision.explanation}`,
      model,
      details: { route: decision },
    });
  }
}
