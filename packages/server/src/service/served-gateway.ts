/**
 * The gateway a service serves: a `ModelGateway`, of which the model
 * information methods may be missing (their RPCs answer `UNIMPLEMENTED`),
 * and optionally the composed `Gateway`'s presets, provider list and
 * routing decisions.
 */
import type { Capability, ModelGateway } from "@ratatoskr/core";
import type { WirePresetResolution, WireRouteDecision } from "@ratatoskr/protocol";

/** The `ModelGateway` methods every served gateway has. */
type RequiredMethods =
  | "chat"
  | "chatStream"
  | "generate"
  | "generateStream"
  | "embed"
  | "embedBatch"
  | "inferNli"
  | "inferNliBatch"
  | "classifyZeroShot"
  | "classifyStance"
  | "countTokens"
  | "capabilities";

/**
 * A gateway to serve: `Gateway` from `@ratatoskr/gateway` has everything;
 * any `ModelGateway` works, and an RPC whose method it lacks answers
 * `UNIMPLEMENTED`.
 */
export type ServedGateway = Pick<ModelGateway, RequiredMethods> &
  Partial<Omit<ModelGateway, RequiredMethods>> & {
    /** Resolve a `ratatoskr:<tier>/<capability>` preset (throws `invalid_input` for an unknown one). */
    resolvePreset?(uri: string): WirePresetResolution;
    /** Every preset. */
    listPresets?(): readonly WirePresetResolution[];
    /** The registered providers, in routing order. */
    providers?(): readonly { readonly id: string }[];
    /** Where a call for `capability` and `model` would go, and why (`Gateway.route()`). */
    route?(capability: Capability, model: string): WireRouteDecision;
    /** The providers cooling down now after failures (`Gateway.cooldowns()`). */
    cooldowns?(): readonly {
      readonly provider: string;
      readonly until: number;
      readonly failures: number;
      readonly lastError: string;
    }[];
  };

/**
 * The ids of the gateway's providers: its `providers()` when it has them,
 * else every provider its capabilities name, in order of first appearance.
 */
export function providerIds(gateway: ServedGateway): string[] {
  if (typeof gateway.providers === "function") {
    return gateway.providers().map((provider) => provider.id);
  }
  const ids = new Set<string>();
  for (const list of Object.values(gateway.capabilities().providers)) {
    for (const id of list ?? []) ids.add(id);
  }
  return [...ids];
}
