/**
 * @ratatoskr/telemetry: OpenTelemetry for the Ratatoskr gateway.
 * `openTelemetryHooks()` returns gateway hooks that trace each call as a
 * GenAI CLIENT span and record the `gen_ai.client.*` metrics, through
 * `@opentelemetry/api` only (bring your own SDK and exporter).
 *
 * @packageDocumentation
 */
export {
  ATTR,
  CAPABILITIES_WITH_OUTPUT,
  type Capability,
  GEN_AI_OPERATION_NAMES,
  METRICS,
  OPERATION_DURATION_BUCKETS,
  SPAN_EVENTS,
  TOKEN_USAGE_BUCKETS,
} from "./genai-names.ts";
export {
  INSTRUMENTATION_SCOPE,
  type OpenTelemetryHooksOptions,
  openTelemetryHooks,
} from "./open-telemetry-hooks.ts";
