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
  /** The operation ({@link GEN_AI_OPERATION_NAMES}). */
  OPERATION_NAME: "gen_ai.operation.name",
  /** The id of the provider that answered or was tried. */
  PROVIDER_NAME: "gen_ai.provider.name",
  /** The model as the caller gave it. */
  REQUEST_MODEL: "gen_ai.request.model",
  /** The model name sent to the answering provider. */
  RESPONSE_MODEL: "gen_ai.response.model",
  /** Prompt tokens of the answering attempt. */
  INPUT_TOKENS: "gen_ai.usage.input_tokens",
  /** Completion tokens of the answering attempt (chat and generate). */
  OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  /** Prompt tokens read from the provider's prompt cache. */
  CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  /** Prompt tokens written to the provider's prompt cache. */
  CACHE_CREATION_INPUT_TOKENS: "gen_ai.usage.cache_creation.input_tokens",
  /** `input` or `output`, on the token usage metric. */
  TOKEN_TYPE: "gen_ai.token.type",
  /** The error's code (`rate_limited`, `timeout`, …). */
  ERROR_TYPE: "error.type",
  /** The HTTP status of the failed response, when there was one. */
  HTTP_STATUS: "http.response.status_code",
  /** The gateway's id of the call (correlates with its hook events). */
  CALL_ID: "ratatoskr.call_id",
  /** Whether the call is a stream. */
  STREAM: "ratatoskr.stream",
  /** Upstream attempts made across every target. */
  ATTEMPTS: "ratatoskr.attempts",
  /** Streams: milliseconds until the first event reached the caller. */
  TIME_TO_FIRST_EVENT_MS: "ratatoskr.time_to_first_event_ms",
  /** The model name sent to the provider. */
  PROVIDER_MODEL: "ratatoskr.provider_model",
  /** The attempt that failed (1-based, per target). */
  RETRY_ATTEMPT: "ratatoskr.retry.attempt",
  /** Milliseconds waited before the next attempt. */
  RETRY_WAIT_MS: "ratatoskr.retry.wait_ms",
  /** `retry-after` (the server's) or `backoff`. */
  RETRY_WAIT_SOURCE: "ratatoskr.retry.wait_source",
  /** For a batch in chunks: the chunk retried (0-based). */
  RETRY_CHUNK: "ratatoskr.retry.chunk",
  /** The provider that failed. */
  FALLBACK_FROM_PROVIDER: "ratatoskr.fallback.from.provider",
  /** The model it was asked for. */
  FALLBACK_FROM_MODEL: "ratatoskr.fallback.from.model",
  /** The provider tried next. */
  FALLBACK_TO_PROVIDER: "ratatoskr.fallback.to.provider",
  /** The model it is asked for. */
  FALLBACK_TO_MODEL: "ratatoskr.fallback.to.model",
  /** The response cache's store (`memory`, `redis`, …). */
  CACHE_STORE: "ratatoskr.cache.store",
  /** Entries found in the response cache. */
  CACHE_HITS: "ratatoskr.cache.hits",
  /** Entries not found (they go upstream). */
  CACHE_MISSES: "ratatoskr.cache.misses",
  /** The warning's type (`unsupported_setting`, …). */
  WARNING_TYPE: "ratatoskr.warning.type",
  /** What the warning is about: the setting, tool, option or store (`other`: its message). */
  WARNING_SUBJECT: "ratatoskr.warning.subject",
} as const);

/** Span event names. */
export const SPAN_EVENTS = Object.freeze({
  /** An attempt failed and will be retried. */
  RETRY: "ratatoskr.retry",
  /** A target failed; the next one is tried. */
  FALLBACK: "ratatoskr.fallback",
  /** The response cache was consulted. */
  CACHE_LOOKUP: "ratatoskr.cache_lookup",
  /** The answering provider returned a warning. */
  WARNING: "ratatoskr.warning",
} as const);

/** Metric names of the GenAI client conventions. */
export const METRICS = Object.freeze({
  /** Histogram of tokens per call, by `gen_ai.token.type`. */
  TOKEN_USAGE: "gen_ai.client.token.usage",
  /** Histogram of call durations, in seconds. */
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
