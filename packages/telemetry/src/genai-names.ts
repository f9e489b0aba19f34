/**
 * The names this package writes: OpenTelemetry GenAI semantic conventions
 * (`gen_ai.*`, `error.type`) where they define one, `ratatoskr.*` for what
 * they do not (retries, fallbacks, the response cache, warnings).
 */
import type { HookEventBase } from "@ratatoskr/gateway";

/** A gateway capability (`chat`, `generate`, `embed`, `nli`, `classify`, `countTokens`). */
export type Capability = HookEventBase["capability"];

/**
 * `gen_ai.operation.name` per capability. `chat`, `text_completion` and
 * `embeddings` are the conventions' own values; NLI, classification and
 * token counting have none, so they are named `nli`, `classify` and
 * `count_tokens` (custom values, as the conventions allow).
 */
export const GEN_AI_OPERATION_NAMES: Readonly<Record<Capability, string>> = Object.freeze({
  chat: "chat",
  generate: "text_completion",
  embed: "embeddings",
  nli: "nli",
  classify: "classify",
  countTokens: "count_tokens",
});

/** The capabilities whose usage has output tokens (the others report input tokens only). */
export const CAPABILITIES_WITH_OUTPUT: ReadonlySet<Capability> = new Set(["chat", "generate"]);

/** Attribute names of the GenAI conventions, and this package's own. */
export const ATTR = Object.freeze({
  OPERATION_NAME: "gen_ai.operation.name",
  PROVIDER_NAME: "gen_ai.provider.name",
  REQUEST_MODEL: "gen_ai.request.model",
  RESPONSE_MODEL: "gen_ai.response.model",
  INPUT_TOKENS: "gen_ai.usage.input_tokens",
  OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  CACHE_CREATION_INPUT_TOKENS: "gen_ai.usage.cache_creation.input_tokens",
  TOKEN_TYPE: "gen_ai.token.type",
  ERROR_TYPE: "error.type",
  HTTP_STATUS: "http.response.status_code",
  CALL_ID: "ratatoskr.call_id",
  STREAM: "ratatoskr.stream",
  ATTEMPTS: "ratatoskr.attempts",
  TIME_TO_FIRST_EVENT_MS: "ratatoskr.time_to_first_event_ms",
  PROVIDER_MODEL: "ratatoskr.provider_model",
  RETRY_ATTEMPT: "ratatoskr.retry.attempt",
  RETRY_WAIT_MS: "ratatoskr.retry.wait_ms",
  RETRY_WAIT_SOURCE: "ratatoskr.retry.wait_source",
  RETRY_CHUNK: "ratatoskr.retry.chunk",
  FALLBACK_FROM_PROVIDER: "ratatoskr.fallback.from.provider",
  FALLBACK_FROM_MODEL: "ratatoskr.fallback.from.model",
  FALLBACK_TO_PROVIDER: "ratatoskr.fallback.to.provider",
  FALLBACK_TO_MODEL: "ratatoskr.fallback.to.model",
  CACHE_STORE: "ratatoskr.cache.store",
  CACHE_HITS: "ratatoskr.cache.hits",
  CACHE_MISSES: "ratatoskr.cache.misses",
  WARNING_TYPE: "ratatoskr.warning.type",
  WARNING_SUBJECT: "ratatoskr.warning.subject",
} as const);

/** Span event names. */
export const SPAN_EVENTS = Object.freeze({
  RETRY: "ratatoskr.retry",
  FALLBACK: "ratatoskr.fallback",
  CACHE_LOOKUP: "ratatoskr.cache_lookup",
  WARNING: "ratatoskr.warning",
} as const);

/** Metric names of the GenAI client conventions. */
export const METRICS = Object.freeze({
  TOKEN_USAGE: "gen_ai.client.token.usage",
  OPERATION_DURATION: "gen_ai.client.operation.duration",
} as const);

/** The conventions' advised buckets of `gen_ai.client.token.usage`. */
export const TOKEN_USAGE_BUCKETS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);

/** The conventions' advised buckets of `gen_ai.client.operation.duration`, in seconds. */
export const OPERATION_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]);
