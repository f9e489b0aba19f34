/**
 * What the playground's routes share: the gateway with what the playground
 * knows about its providers, the configuration, and the browser bundle.
 */
import type { Capability } from "@ratatoskr/core";
import type { PlaygroundGateway } from "../build-playground-gateway.ts";
import type { ClientAssets } from "../client-assets.ts";
import type { PlaygroundConfig } from "../playground-config.ts";

/** Everything the server needs. */
export interface PlaygroundServerContext extends PlaygroundGateway {
  config: PlaygroundConfig;
  assets: ClientAssets;
}

/** Where the gateway sends `model` for `capability`, as the browser shows it. */
export async function routeSummary(
  context: PlaygroundServerContext,
  capability: Capability,
  model: string,
) {
  const decision = await context.gateway.route(capability, model);
  return {
    provider: decision.provider,
    rule: decision.rule,
    providerModel: decision.providerModel,
    explanation: decision.explanation,
  };
}
