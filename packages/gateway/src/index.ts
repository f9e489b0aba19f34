/**
 * @ratatoskr/gateway: the builder, plugin registry and router that compose
 * provider plugins into one `ModelGateway`. Imports no provider package:
 * shorthands load theirs lazily.
 *
 * @packageDocumentation
 */
import { type BuilderOptions, RatatoskrBuilder } from "./ratatoskr-builder.ts";

export { isFallbackEligible } from "./call-runner.ts";
export {
  DEFAULT_TIMEOUT_MS,
  Gateway,
  type GatewayRouteDecision,
  type GatewaySettings,
} from "./gateway.ts";
export type {
  CompleteEvent,
  ErrorEvent,
  ErrorSummary,
  FallbackEvent,
  GatewayHooks,
  HookErrorEvent,
  HookEventBase,
  HookName,
  RequestStartEvent,
  RetryEvent,
} from "./gateway-hooks.ts";
export {
  type CooldownOptions,
  DEFAULT_COOLDOWN,
  isProviderFailure,
  type ProviderCooldown,
} from "./provider-health.ts";
export { defaultImporter, type ModuleImporter } from "./provider-loader.ts";
export { ProviderRegistry } from "./provider-registry.ts";
export {
  type BuilderOptions,
  type DeviceSetting,
  RatatoskrBuilder,
} from "./ratatoskr-builder.ts";
export {
  DEFAULT_TIMEOUTS,
  type FallbackTarget,
  type GatewayCallOptions,
  type ReliabilityCallOptions,
  type TimeoutOptions,
} from "./reliability-options.ts";
export {
  backoffDelay,
  DEFAULT_RETRY,
  decideRetry,
  isRetryableError,
  type ResolvedRetry,
  type RetryDecision,
  type RetryOptions,
} from "./retry-policy.ts";
export {
  DEFAULT_ROUTING_RULES,
  KNOWN_PROVIDER_IDS,
  type RouteCandidate,
  type RouteDecision,
  type RoutingRule,
  routeModel,
} from "./router.ts";
export type {
  AnthropicShorthandSettings,
  HuggingFaceShorthandSettings,
  InstalledOr,
  LocalModelSetting,
  OllamaShorthandSettings,
  OpenAIShorthandSettings,
  OpenRouterShorthandSettings,
  ProviderSettings,
} from "./shorthand-settings.ts";

/** Entry point: `Ratatoskr.builder()`. */
export const Ratatoskr = {
  /** Start composing a gateway. */
  builder(options?: BuilderOptions): RatatoskrBuilder {
    return new RatatoskrBuilder(options);
  },
} as const;

export * from "@ratatoskr/core";
