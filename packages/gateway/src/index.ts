/**
 * @ratatoskr/gateway: the builder, provider registry and router that
 * compose v1 providers into one `ModelGateway`. Names no provider and
 * imports no provider package: the builder's shorthands come from
 * `@ratatoskr/catalog` and load their packages lazily.
 *
 * @packageDocumentation
 */
import { type BuilderOptions, RatatoskrBuilder } from "./ratatoskr-builder.ts";

export {
  CACHE_FORMAT_VERSION,
  type CacheKeyParts,
  cacheKey,
  canonicalJson,
} from "./cache-key.ts";
export {
  CACHED_KINDS,
  type CachedKind,
  type CacheOptions,
  DEFAULT_CACHE_STORE_TIMEOUT_MS,
  DEFAULT_CACHE_TTL_MS,
} from "./cache-options.ts";
export type { GatewayRouteDecision } from "./call-planner.ts";
export {
  type ChatObjectOptions,
  type ChatObjectResult,
  type ChatObjectStreamEvent,
  chatObject,
  chatObjectStream,
  DEFAULT_OBJECT_NAME,
  type DeepPartial,
  MAX_ERROR_ISSUES,
  MAX_ERROR_TEXT_LENGTH,
  type ObjectDoneEvent,
  type ObjectPartialEvent,
  stripCodeFence,
} from "./chat-object.ts";
export { combineHooks } from "./combine-hooks.ts";
export { DEFAULT_TIMEOUT_MS, Gateway, type GatewaySettings } from "./gateway.ts";
export type {
  CacheLookupEvent,
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
  WarningEvent,
} from "./gateway-hooks.ts";
export { MemoryBudgetStore, RATE_WINDOW_MS } from "./memory-budget-store.ts";
export {
  DEFAULT_MEMORY_CACHE_BYTES,
  MemoryCacheStore,
  type MemoryCacheStoreOptions,
  memoryEntryBytes,
} from "./memory-cache-store.ts";
export {
  type ModelKnowledgeSettings,
  PARAMETER_VALIDATION_POLICIES,
  type ParameterValidationPolicy,
} from "./model-knowledge.ts";
export {
  CHAT_SETTING_PARAMETERS,
  GENERATE_SETTING_PARAMETERS,
  type ParameterFinding,
  parameterFindings,
} from "./parameter-validation.ts";
export { PartialJsonParser, parsePartialJson } from "./partial-json.ts";
export {
  type BudgetStoreOptions,
  DEFAULT_BUDGET_STORE_TIMEOUT_MS,
  isBudgetRefusal,
  type ProviderLimitsMap,
} from "./provider-budgets.ts";
export {
  type CooldownOptions,
  DEFAULT_COOLDOWN,
  type ProviderCooldown,
} from "./provider-health.ts";
export {
  type BuilderOptions,
  type ProviderWithDescriptor,
  RatatoskrBuilder,
} from "./ratatoskr-builder.ts";
export {
  DEFAULT_TIMEOUTS,
  type FallbackTarget,
  type GatewayCallOptions,
  type ReliabilityCallOptions,
  type TimeoutOptions,
} from "./reliability-options.ts";
export { DEFAULT_RETRY, type ResolvedRetry, type RetryOptions } from "./retry-policy.ts";
export type { KnownProvider, RouteCandidate, RouteDecision, RouteHint } from "./router.ts";
export {
  type InferOutput,
  JSON_SCHEMA_TARGET,
  type SchemaIssue,
  type StandardJSONSchemaV1,
  type StandardSchemaV1,
  type StandardTypedV1,
} from "./standard-schema.ts";

/** Entry point: `Ratatoskr.builder()`. */
export const Ratatoskr = {
  /** Start composing a gateway. */
  builder(options?: BuilderOptions): RatatoskrBuilder {
    return new RatatoskrBuilder(options);
  },
} as const;

/** The catalog: the shorthands' settings types, `PROVIDER_CATALOG`, `loadConfiguredProviders()`, … */
export * from "@ratatoskr/catalog";
export * from "@ratatoskr/core";
/** The model registry: `ModelRegistry`, presets, `loadRegistry()`, `refreshRegistry()`, … */
export * from "@ratatoskr/models";
