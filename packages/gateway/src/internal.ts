/**
 * `@ratatoskr/gateway/internal`: the gateway's parts that other workspace
 * packages (the reliability suite, service mode) may reuse. Unstable: not
 * part of the public API, may change in any release.
 *
 * @packageDocumentation
 */
export { isFallbackEligible, normalizeError } from "./call-runner.ts";
export { isProviderFailure, ProviderHealth } from "./provider-health.ts";
export { ProviderRegistry } from "./provider-registry.ts";
export { type RegisteredProvider, registerProvider } from "./registered-provider.ts";
export {
  backoffDelay,
  decideRetry,
  isRetryableError,
  type RetryDecision,
} from "./retry-policy.ts";
export { routeModel } from "./router.ts";
