/**
 * @ratatoskr/gateway: the builder, plugin registry and router that compose
 * provider plugins into one `ModelGateway`. Imports no provider package:
 * shorthands load theirs lazily.
 *
 * @packageDocumentation
 */
import { type BuilderOptions, RatatoskrBuilder } from "./ratatoskr-builder.ts";

export { DEFAULT_TIMEOUT_MS, Gateway, type GatewaySettings } from "./gateway.ts";
export { defaultImporter, type ModuleImporter } from "./provider-loader.ts";
export { ProviderRegistry } from "./provider-registry.ts";
export {
  type BuilderOptions,
  type DeviceSetting,
  type LocalModelSetting,
  type ProviderSettings,
  RatatoskrBuilder,
} from "./ratatoskr-builder.ts";
export {
  DEFAULT_ROUTING_RULES,
  KNOWN_PROVIDER_IDS,
  type RouteCandidate,
  type RouteDecision,
  type RoutingRule,
  routeModel,
} from "./router.ts";

/** Entry point: `Ratatoskr.builder()`. */
export const Ratatoskr = {
  /** Start composing a gateway. */
  builder(options?: BuilderOptions): RatatoskrBuilder {
    return new RatatoskrBuilder(options);
  },
} as const;

export * from "@ratatoskr/core";
