/**
 * Routing: which registered provider serves a capability for a model
 * string. The gateway knows no provider; preferences come from the routing
 * hints of the registered providers' descriptors.
 *
 * In order:
 * 1. An explicit `provider:` prefix naming a registered provider id or
 *    alias wins (`acme:model-1` → acme, model `model-1`). No fallback to
 *    others. A prefix naming a *known* provider (one the application could
 *    install, e.g. from the catalog) that is not registered is a miss with a
 *    hint, not part of the model name.
 * 2. Routing hints: among the registered providers' hints that match the
 *    model for the capability, the highest priority wins, then registration
 *    order. A hint applies only when its provider accepts the model
 *    (`supports()`); otherwise the next hint is tried.
 * 3. Otherwise the first registered provider (in registration order) that
 *    offers the capability and accepts the model.
 *
 * Every decision lists the providers asked and what they said, so a miss
 * explains itself.
 */
import type { Capability } from "@ratatoskr/core";
import type { ProviderRegistry } from "./provider-registry.ts";
import type { RegisteredHint, RegisteredProvider } from "./registered-provider.ts";

/** A provider the application could register (not necessarily installed), for "add it" hints. */
export interface KnownProvider {
  readonly id: string;
  readonly aliases?: readonly string[];
  /** Human name, for messages. */
  readonly displayName?: string;
  /** The npm package that implements it. */
  readonly packageName?: string;
}

/** What one provider said when asked. */
export interface RouteCandidate {
  provider: string;
  accepted: boolean;
  reason?: string;
}

/** The routing hint that chose a provider. */
export interface RouteHint {
  provider: string;
  /** The hint's pattern, as source text (`/^ft:/`). */
  pattern: string;
  priority: number;
  /** Why the provider is the natural home for the model (the descriptor's words). */
  reason: string;
}

/** A routing decision: the providers to try in order, or why there is none. */
export interface RouteDecision {
  capability: Capability;
  /** The model string as given. */
  model: string;
  /** The model name passed to the provider (prefix removed). */
  providerModel: string;
  /** The chosen provider id, or undefined on a miss. */
  provider: string | undefined;
  /** How it was chosen: `explicit-prefix`, `routing-hint` or `first-accepting`. */
  rule: "explicit-prefix" | "routing-hint" | "first-accepting" | undefined;
  /** The routing hint that chose the provider (rule `routing-hint`). */
  hint?: RouteHint;
  /** Providers to try, in order (a provider may still decline at call time). */
  providers: string[];
  /** Every provider asked, with its answer. */
  candidates: RouteCandidate[];
  /** One-paragraph explanation of the decision or the miss. */
  explanation: string;
}

function ask(provider: RegisteredProvider, capability: Capability, model: string): RouteCandidate {
  const answer = provider.supports(capability, model);
  return answer.supported
    ? { provider: provider.id, accepted: true }
    : { provider: provider.id, accepted: false, reason: answer.reason ?? "declined" };
}

/** A known provider by id or alias. */
function findKnown(known: readonly KnownProvider[], name: string): KnownProvider | undefined {
  for (const provider of known) {
    if (provider.id === name || provider.aliases?.includes(name)) return provider;
  }
  return undefined;
}

function describeHint(hint: RegisteredHint): RouteHint {
  return {
    provider: hint.provider.id,
    pattern: String(hint.pattern),
    priority: hint.priority,
    reason: hint.reason,
  };
}

/** The hints matching `model` for `capability`: highest priority first, then registration order. */
function matchingHints(
  registry: ProviderRegistry,
  capability: Capability,
  model: string,
): RegisteredHint[] {
  const matching: RegisteredHint[] = [];
  for (const provider of registry.forCapability(capability)) {
    for (const hint of provider.routing) {
      if (hint.capabilities !== undefined && !hint.capabilities.includes(capability)) continue;
      if (hint.pattern.test(model)) matching.push(hint);
    }
  }
  return matching.sort((a, b) => b.priority - a.priority || a.provider.index - b.provider.index);
}

function explicitPrefix(
  registry: ProviderRegistry,
  capability: Capability,
  model: string,
  known: readonly KnownProvider[],
): RouteDecision | undefined {
  const colon = model.indexOf(":");
  if (colon <= 0) return undefined;
  const prefix = model.slice(0, colon);
  const providerModel = model.slice(colon + 1);
  const base = { capability, model, providerModel, rule: "explicit-prefix" as const };
  const provider = registry.get(prefix);
  if (provider !== undefined) {
    const candidate = ask(provider, capability, providerModel);
    return {
      ...base,
      provider: candidate.accepted ? provider.id : undefined,
      providers: candidate.accepted ? [provider.id] : [],
      candidates: [candidate],
      explanation: candidate.accepted
        ? `"${prefix}:" names provider "${provider.id}" explicitly`
        : `"${prefix}:" names provider "${provider.id}" explicitly, but it ${candidate.reason}`,
    };
  }
  const knownProvider = findKnown(known, prefix);
  if (knownProvider === undefined) return undefined;
  const what = [knownProvider.displayName, knownProvider.packageName]
    .filter((part) => part !== undefined)
    .join(", ");
  return {
    ...base,
    provider: undefined,
    providers: [],
    candidates: [],
    explanation: `"${prefix}:" names provider "${knownProvider.id}"${what === "" ? "" : ` (${what})`}, which is not registered; add it to the builder (registered: ${registry.describe()})`,
  };
}

/**
 * Decide the route for `capability` and `model`. Pure: reads the registry
 * and calls only `supports()`. `known` lists providers that could be
 * registered, for the explicit-prefix miss.
 */
export function routeModel(
  registry: ProviderRegistry,
  capability: Capability,
  model: string,
  known: readonly KnownProvider[] = [],
): RouteDecision {
  const explicit = explicitPrefix(registry, capability, model, known);
  if (explicit !== undefined) return explicit;

  const candidates: RouteCandidate[] = [];
  const asked = new Set<RegisteredProvider>();
  const notes: string[] = [];
  const accepting: string[] = [];
  let chosen: RegisteredHint | undefined;
  for (const hint of matchingHints(registry, capability, model)) {
    if (asked.has(hint.provider)) continue;
    asked.add(hint.provider);
    const candidate = ask(hint.provider, capability, model);
    candidates.push(candidate);
    if (candidate.accepted) {
      accepting.push(hint.provider.id);
      chosen ??= hint;
    } else if (chosen === undefined) {
      notes.push(
        `the routing hint of "${hint.provider.id}" matched (${hint.reason}), but it ${candidate.reason}`,
      );
    }
  }
  for (const provider of registry.forCapability(capability)) {
    if (asked.has(provider)) continue;
    const candidate = ask(provider, capability, model);
    candidates.push(candidate);
    if (candidate.accepted) accepting.push(provider.id);
  }
  const base = { capability, model, providerModel: model, providers: accepting, candidates };
  if (chosen !== undefined) {
    return {
      ...base,
      provider: chosen.provider.id,
      rule: "routing-hint",
      hint: describeHint(chosen),
      explanation: [
        ...notes,
        `routing hint of "${chosen.provider.id}" (priority ${chosen.priority}): ${chosen.reason}`,
      ].join("; "),
    };
  }
  const first = accepting[0];
  const answers = candidates
    .map(
      (candidate) => `${candidate.provider}: ${candidate.accepted ? "accepts" : candidate.reason}`,
    )
    .join("; ");
  return {
    ...base,
    provider: first,
    rule: first === undefined ? undefined : "first-accepting",
    explanation: [
      ...notes,
      first === undefined
        ? `no registered provider serves ${capability} for "${model}" (${answers || "none registered"})`
        : `first registered provider that accepts: "${first}"`,
    ].join("; "),
  };
}
