/**
 * `route()` on the wire (extension RPC `Route`): where a call for a
 * capability and a model would go, and why. Protocol keeps no dependency
 * on the gateway: the decision is described structurally
 * ({@link WireRouteDecision}), which the gateway's `route()` answer
 * satisfies.
 */
import { create } from "@bufbuild/protobuf";
import { assertModel, CAPABILITIES, type Capability, invalidInput } from "@ratatoskr/core";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import type { WirePresetParameters } from "./service-info-mapping.ts";
import { fromJsonObject, toJsonText, wireError } from "./wire-values.ts";

/** How a provider was chosen. */
export type WireRouteRule = "explicit-prefix" | "routing-hint" | "first-accepting";

const RULES: readonly WireRouteRule[] = ["explicit-prefix", "routing-hint", "first-accepting"];

/** What one provider said when asked. */
export interface WireRouteCandidate {
  /** The provider asked. */
  readonly provider: string;
  /** Whether it would take the call. */
  readonly accepted: boolean;
  /** Why it declined. */
  readonly reason?: string;
}

/** The routing hint that chose a provider. */
export interface WireRouteHint {
  /** The provider the hint names. */
  readonly provider: string;
  /** The hint's pattern, as source text (`/^ft:/`). */
  readonly pattern: string;
  /** The hint's priority (higher wins). */
  readonly priority: number;
  /** Why the provider is the natural home for the model. */
  readonly reason: string;
}

/** A provider of the route cooling down now (tried last until `until`). */
export interface WireRouteCooldown {
  /** The provider cooling down. */
  readonly provider: string;
  /** When the cool-down ends (epoch ms). */
  readonly until: number;
  /** Consecutive failed attempts so far. */
  readonly failures: number;
  /** The error code of the last failure. */
  readonly lastError: string;
}

/** The preset a routed model string named. */
export interface WireRoutePreset {
  /** The preset string (`ratatoskr:budget/coding`). */
  readonly uri: string;
  /** The preset's tier (`budget`, `premium`, …). */
  readonly tier: string;
  /** The preset's capability part (`coding`, `embedding`, …). */
  readonly capability: string;
  /** The concrete model it stands for (what was routed). */
  readonly model: string;
  /** Default request parameters, by their registry (snake_case) names. */
  readonly parameters?: WirePresetParameters;
  /** Whose preset it is. */
  readonly source: "user" | "registry";
}

/** A routing decision, as the gateway's `route()` answers it. */
export interface WireRouteDecision {
  /** The capability routed. */
  readonly capability: Capability;
  /** The model string as given. */
  readonly model: string;
  /** The model name passed to the provider (prefix removed). */
  readonly providerModel: string;
  /** The chosen provider id, or undefined on a miss. */
  readonly provider: string | undefined;
  /** How it was chosen, or undefined on a miss. */
  readonly rule: WireRouteRule | undefined;
  /** The routing hint that chose the provider (rule `routing-hint`). */
  readonly hint?: WireRouteHint;
  /** Providers to try, in order (cooling providers last). */
  readonly providers: readonly string[];
  /** Every provider asked, with its answer. */
  readonly candidates: readonly WireRouteCandidate[];
  /** One paragraph explaining the decision or the miss. */
  readonly explanation: string;
  /** The configured fallback targets for the capability, in order (absent: none). */
  readonly fallbacks?: readonly string[];
  /** Providers of this route cooling down now (absent: none). */
  readonly cooldowns?: readonly WireRouteCooldown[];
  /** The preset the model string named (its model is what was routed). */
  readonly preset?: WireRoutePreset;
}

/** A route request read from the wire. */
export interface DecodedRouteRequest {
  /** The capability to route, checked. */
  capability: Capability;
  /** The model as a call would name it. */
  model: string;
}

/** A capability string, checked (`invalid_input` naming `capability` otherwise). */
function assertCapability(capability: unknown): asserts capability is Capability {
  if (!CAPABILITIES.includes(capability as Capability)) {
    throw invalidInput(
      `capability must be one of ${CAPABILITIES.join(", ")}; got ${typeof capability === "string" ? `"${capability.slice(0, 40)}"` : typeof capability}`,
      { field: "capability" },
    );
  }
}

/** `route(capability, model)` → `ratatoskr.v1.RouteRequest` (checked as the gateway checks it). */
export function routeRequestToProto(capability: Capability, model: string): pb.RouteRequest {
  assertCapability(capability);
  assertModel(model);
  return create(pb.RouteRequestSchema, { capability, model });
}

/** `ratatoskr.v1.RouteRequest` → `route`'s arguments (bad input is `invalid_input`). */
export function routeRequestFromProto(request: pb.RouteRequest): DecodedRouteRequest {
  assertCapability(request.capability);
  assertModel(request.model);
  return { capability: request.capability, model: request.model };
}

/**
 * A routing decision → `ratatoskr.v1.RouteResponse`. A cool-down's
 * remaining time is taken against `now` (default `Date.now()`).
 */
export function routeDecisionToProto(
  decision: WireRouteDecision,
  now: number = Date.now(),
): pb.RouteResponse {
  const proto = create(pb.RouteResponseSchema, {
    capability: decision.capability,
    model: decision.model,
    providerModel: decision.providerModel,
    providers: [...decision.providers],
    candidates: decision.candidates.map((candidate) => {
      const wire = create(pb.RouteCandidateSchema, {
        provider: candidate.provider,
        accepted: candidate.accepted,
      });
      if (candidate.reason !== undefined) wire.reason = candidate.reason;
      return wire;
    }),
    explanation: decision.explanation,
    fallbacks: [...(decision.fallbacks ?? [])],
    cooldowns: (decision.cooldowns ?? []).map((cooldown) =>
      create(pb.CoolingProviderSchema, {
        provider: cooldown.provider,
        cooldown: create(pb.ProviderCooldownSchema, {
          untilMs: cooldown.until,
          remainingMs: Math.max(0, cooldown.until - now),
        }),
        failures: cooldown.failures,
        lastError: cooldown.lastError,
      }),
    ),
  });
  if (decision.provider !== undefined) proto.provider = decision.provider;
  if (decision.rule !== undefined) proto.rule = decision.rule;
  if (decision.hint !== undefined) {
    const { provider, pattern, priority, reason } = decision.hint;
    proto.hint = create(pb.RouteHintSchema, { provider, pattern, priority, reason });
  }
  const preset = decision.preset;
  if (preset !== undefined) {
    const wire = create(pb.RoutePresetSchema, {
      uri: preset.uri,
      tier: preset.tier,
      capability: preset.capability,
      model: preset.model,
      source: preset.source,
    });
    if (preset.parameters !== undefined) {
      wire.parametersJson = toJsonText(preset.parameters, "response", "preset.parameters");
    }
    proto.preset = wire;
  }
  return proto;
}

/** `ratatoskr.v1.RouteResponse` → the routing decision (a malformed answer is a `data` error). */
export function routeDecisionFromProto(proto: pb.RouteResponse): WireRouteDecision {
  if (!CAPABILITIES.includes(proto.capability as Capability)) {
    throw wireError("response", "capability", `is not a capability: "${proto.capability}"`);
  }
  let rule: WireRouteRule | undefined;
  if (proto.rule !== undefined) {
    if (!RULES.includes(proto.rule as WireRouteRule)) {
      throw wireError("response", "rule", `is not a routing rule: "${proto.rule}"`);
    }
    rule = proto.rule as WireRouteRule;
  }
  return {
    capability: proto.capability as Capability,
    model: proto.model,
    providerModel: proto.providerModel,
    provider: proto.provider,
    rule,
    ...(proto.hint === undefined
      ? {}
      : {
          hint: {
            provider: proto.hint.provider,
            pattern: proto.hint.pattern,
            priority: proto.hint.priority,
            reason: proto.hint.reason,
          },
        }),
    providers: [...proto.providers],
    candidates: proto.candidates.map((candidate) => ({
      provider: candidate.provider,
      accepted: candidate.accepted,
      ...(candidate.reason === undefined ? {} : { reason: candidate.reason }),
    })),
    explanation: proto.explanation,
    ...(proto.fallbacks.length === 0 ? {} : { fallbacks: [...proto.fallbacks] }),
    ...(proto.cooldowns.length === 0
      ? {}
      : {
          cooldowns: proto.cooldowns.map((entry) => ({
            provider: entry.provider,
            until: entry.cooldown?.untilMs ?? 0,
            failures: entry.failures,
            lastError: entry.lastError,
          })),
        }),
    ...(proto.preset === undefined ? {} : { preset: routePresetFromProto(proto.preset) }),
  };
}

function routePresetFromProto(proto: pb.RoutePreset): WireRoutePreset {
  if (proto.source !== "user" && proto.source !== "registry") {
    throw wireError("response", "preset.source", `must be "user" or "registry"`);
  }
  return {
    uri: proto.uri,
    tier: proto.tier,
    capability: proto.capability,
    model: proto.model,
    ...(proto.parametersJson === undefined || proto.parametersJson === ""
      ? {}
      : {
          parameters: fromJsonObject(
            proto.parametersJson,
            "response",
            "preset.parameters_json",
          ) as WirePresetParameters,
        }),
    source: proto.source,
  };
}
