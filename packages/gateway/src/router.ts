/**
 * Routing: which provider serves a capability for a model string.
 *
 * Rules, in order:
 * 1. An explicit `provider:` prefix naming a registered provider id or alias
 *    wins (`ollama:llama3.2` → ollama, model `llama3.2`). No fallback.
 * 2. Built-in preferences: `vendor/model` → openrouter; `claude*` →
 *    anthropic; `gpt*`, `chatgpt*`, `o1`/`o3`/`o4` → openai; a name with
 *    `:` (an Ollama tag) → ollama. A preference applies only when that
 *    provider is registered, offers the capability and accepts the model.
 * 3. Otherwise the first registered provider (in registration order) that
 *    offers the capability and accepts the model.
 *
 * Every decision lists the providers asked and what they said, so a miss
 * explains itself.
 */
import {
  type Capability,
  normalizeSupport,
  type ProviderPlugin,
  RatatoskrError,
} from "@ratatoskr/core";
import type { ProviderRegistry } from "./provider-registry.ts";

/** A built-in routing preference. */
export interface RoutingRule {
  /** Human-readable name, shown in route explanations. */
  name: string;
  /** The provider id this rule prefers. */
  provider: string;
  matches(model: string): boolean;
}

/** Throw a `configuration` error unless `rules` is an array of {@link RoutingRule}s. */
export function assertRoutingRules(rules: unknown): asserts rules is readonly RoutingRule[] {
  if (!Array.isArray(rules)) {
    throw new RatatoskrError({
      code: "configuration",
      message: `routingRules must be an array of {name, provider, matches(model)}, got ${typeof rules}`,
    });
  }
  rules.forEach((rule: unknown, index) => {
    const candidate = rule as Partial<RoutingRule> | null;
    if (
      typeof candidate !== "object" ||
      candidate === null ||
      typeof candidate.name !== "string" ||
      typeof candidate.provider !== "string" ||
      typeof candidate.matches !== "function"
    ) {
      throw new RatatoskrError({
        code: "configuration",
        message: `routingRules[${index}] must be {name: string, provider: string, matches(model): boolean}`,
      });
    }
  });
}

/** The built-in preferences (rule 2). */
export const DEFAULT_ROUTING_RULES: readonly RoutingRule[] = [
  {
    name: "vendor/model → openrouter",
    provider: "openrouter",
    matches: (model) => model.includes("/"),
  },
  {
    name: "claude* → anthropic",
    provider: "anthropic",
    matches: (model) => /^claude/i.test(model),
  },
  {
    name: "gpt*/o1/o3/o4 → openai",
    provider: "openai",
    matches: (model) => /^(gpt|chatgpt)/i.test(model) || /^o[134](-|$)/i.test(model),
  },
  { name: "name:tag → ollama", provider: "ollama", matches: (model) => model.includes(":") },
];

/**
 * Provider ids the ecosystem ships; a prefix naming one of these that is not
 * registered is a miss (with a hint), not part of the model name.
 */
export const KNOWN_PROVIDER_IDS: readonly string[] = [
  "openai",
  "openrouter",
  "anthropic",
  "ollama",
  "huggingface",
  "hf",
  "local",
  "onnx",
  "tokenizers",
];

/** What one provider said when asked. */
export interface RouteCandidate {
  provider: string;
  accepted: boolean;
  reason?: string;
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
  /** How it was chosen: `explicit-prefix`, a rule name, or `first-accepting`. */
  rule: string | undefined;
  /** Providers to try, in order (a provider may still decline at call time). */
  providers: string[];
  /** Every provider asked, with its answer. */
  candidates: RouteCandidate[];
  /** One-paragraph explanation of the decision or the miss. */
  explanation: string;
}

function ask(plugin: ProviderPlugin, capability: Capability, model: string): RouteCandidate {
  if (!plugin.capabilities.includes(capability)) {
    return { provider: plugin.id, accepted: false, reason: `does not offer ${capability}` };
  }
  if (plugin.supports === undefined) return { provider: plugin.id, accepted: true };
  let answer: ReturnType<typeof normalizeSupport>;
  try {
    answer = normalizeSupport(plugin.supports(capability, model));
  } catch (error) {
    return {
      provider: plugin.id,
      accepted: false,
      reason: `supports() threw: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return answer.supported
    ? { provider: plugin.id, accepted: true }
    : {
        provider: plugin.id,
        accepted: false,
        reason: answer.reason ?? `declined model "${model}"`,
      };
}

/** Decide the route for `capability` and `model`. Pure: calls only `supports()`. */
export function routeModel(
  registry: ProviderRegistry,
  capability: Capability,
  model: string,
  rules: readonly RoutingRule[] = DEFAULT_ROUTING_RULES,
): RouteDecision {
  const base = { capability, model };
  const colon = model.indexOf(":");
  if (colon > 0) {
    const prefix = model.slice(0, colon);
    const providerModel = model.slice(colon + 1);
    const plugin = registry.get(prefix);
    if (plugin !== undefined) {
      const candidate = ask(plugin, capability, providerModel);
      return {
        ...base,
        providerModel,
        provider: candidate.accepted ? plugin.id : undefined,
        rule: "explicit-prefix",
        providers: candidate.accepted ? [plugin.id] : [],
        candidates: [candidate],
        explanation: candidate.accepted
          ? `"${prefix}:" names provider "${plugin.id}" explicitly`
          : `"${prefix}:" names provider "${plugin.id}" explicitly, but it ${candidate.reason}`,
      };
    }
    if (KNOWN_PROVIDER_IDS.includes(prefix)) {
      return {
        ...base,
        providerModel,
        provider: undefined,
        rule: "explicit-prefix",
        providers: [],
        candidates: [],
        explanation: `"${prefix}:" names provider "${prefix}", which is not registered; add it to the builder (registered: ${names(registry)})`,
      };
    }
  }

  const candidates: RouteCandidate[] = [];
  const notes: string[] = [];
  for (const rule of rules) {
    if (!rule.matches(model)) continue;
    const plugin = registry.get(rule.provider);
    if (plugin === undefined) {
      notes.push(`rule ${rule.name} matched, but "${rule.provider}" is not registered`);
      continue;
    }
    const candidate = ask(plugin, capability, model);
    candidates.push(candidate);
    if (candidate.accepted) {
      return {
        ...base,
        providerModel: model,
        provider: plugin.id,
        rule: rule.name,
        providers: [
          plugin.id,
          ...acceptingOthers(registry, capability, model, plugin.id, candidates),
        ],
        candidates,
        explanation: `rule ${rule.name}`,
      };
    }
    notes.push(`rule ${rule.name} matched, but "${plugin.id}" ${candidate.reason}`);
  }

  const accepting: string[] = [];
  for (const plugin of registry.all()) {
    if (candidates.some((candidate) => candidate.provider === plugin.id)) continue;
    const candidate = ask(plugin, capability, model);
    candidates.push(candidate);
    if (candidate.accepted) accepting.push(plugin.id);
  }
  const first = accepting[0];
  const asked = candidates
    .map(
      (candidate) => `${candidate.provider}: ${candidate.accepted ? "accepts" : candidate.reason}`,
    )
    .join("; ");
  return {
    ...base,
    providerModel: model,
    provider: first,
    rule: first === undefined ? undefined : "first-accepting",
    providers: accepting,
    candidates,
    explanation: [
      ...notes,
      first === undefined
        ? `no registered provider serves ${capability} for "${model}" (${asked || "none registered"})`
        : `first registered provider that accepts: "${first}"`,
    ].join("; "),
  };
}

function acceptingOthers(
  registry: ProviderRegistry,
  capability: Capability,
  model: string,
  chosen: string,
  candidates: RouteCandidate[],
): string[] {
  const others: string[] = [];
  for (const plugin of registry.all()) {
    if (plugin.id === chosen || candidates.some((candidate) => candidate.provider === plugin.id))
      continue;
    const candidate = ask(plugin, capability, model);
    candidates.push(candidate);
    if (candidate.accepted) others.push(plugin.id);
  }
  return others;
}

function names(registry: ProviderRegistry): string {
  const ids = registry.all().map((plugin) => plugin.id);
  return ids.length === 0 ? "none" : ids.join(", ");
}
