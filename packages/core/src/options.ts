/**
 * Options of the gateway's methods. Every method takes {@link CallOptions}
 * (an AbortSignal and a timeout); chat and generate add their own.
 */
import type { RatatoskrError } from "./errors.ts";
import type { JsonSchema, ToolChoice, ToolDefinition } from "./tools.ts";

/**
 * Retry settings of the gateway's one retry layer (builder `.retry()` or per
 * call `options.retry`). Provider SDKs run with their own retries off.
 */
export interface RetryOptions {
  /** Attempts per target (provider/model), the first included. Default 3 (2 retries). `1` disables retries. */
  maxAttempts?: number;
  /** Backoff before the first retry, in ms. Default 500. */
  initialDelayMs?: number;
  /** Longest backoff, in ms. Default 8,000. */
  maxDelayMs?: number;
  /** Backoff growth factor per retry. Default 2. */
  multiplier?: number;
  /** Fraction of the backoff removed at random (0–1). Default 0.25. */
  jitter?: number;
  /**
   * Longest server-requested wait (`retry-after`) honoured, in ms. A longer
   * one ends the target at once with the rate-limit error carrying it.
   * Default 60,000.
   */
  maxRetryAfterMs?: number;
  /** Override the retry decision for an error. */
  shouldRetry?: (error: RatatoskrError) => boolean;
}

/**
 * Options for individual providers, keyed by provider id:
 * `{ openrouter: { transforms: ["middle-out"] }, anthropic: { … } }`. Each
 * provider receives only its own entry (after a fallback, the next provider
 * gets its own entry, never the previous one's); what an entry may hold is
 * documented by each provider package. An entry a provider does not know
 * comes back as an `unknown_provider_option` warning.
 */
export type ProviderOptions = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Options every async gateway method accepts. */
export interface CallOptions {
  /** Cancels the request; the promise rejects (or the stream ends) with an `aborted` error. */
  signal?: AbortSignal;
  /**
   * Overall deadline for this call in ms, retries and fallbacks included
   * (overrides the gateway default). Providers never see it: the gateway
   * aborts their signal when a deadline fires.
   */
  timeout?: number;
  /** Retry settings for this call, merged over the gateway's; `false`: one attempt per target. */
  retry?: RetryOptions | false;
  /** Per-attempt deadline in ms: until a stream's first event, or a unary call's response headers. */
  attemptTimeout?: number;
  /**
   * Longest silence between two stream events in ms; keep-alive comments do
   * not reset it. The gateway ends the stream after at least this much
   * silence and at most one watchdog tick more (a tick is an eighth of the
   * timeout, between 1 ms and 1 s).
   */
  idleTimeout?: number;
  /**
   * Fallback targets for this call (`"provider:model"` strings), replacing the
   * gateway's for the capability; `false`: none. Used only before anything
   * was delivered.
   */
  fallbacks?: readonly string[] | false;
  /** Options for individual providers, keyed by provider id; each provider reads only its own entry. */
  providerOptions?: ProviderOptions;
  /**
   * Turn every warning into an `invalid_input` error raised before any
   * request is sent: a setting the routed provider would ignore or could
   * not honour fails the call instead of being reported (builder
   * `.strict()` sets the default).
   */
  strict?: boolean;
  /**
   * Use the gateway's response cache for this call (builder `.cache()`):
   * `false` neither reads nor writes it. Default: the cache's own policy
   * for the capability (chat and generate are cached only when the cache
   * opts them in and the call is deterministic).
   */
  cache?: boolean;
}

/** How much the model should reason, for models that can. */
export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

/** Reasoning ("thinking") configuration. */
export interface ReasoningConfig {
  /** Effort level, for providers that take one (OpenAI o-series, OpenRouter). */
  effort?: ReasoningEffort;
  /** Token budget for reasoning (Anthropic `budget_tokens`, OpenRouter `max_tokens`). */
  maxTokens?: number;
  /** Reason, but do not return the reasoning text. */
  exclude?: boolean;
}

/** The format the model must answer in. */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      name: string;
      schema: JsonSchema;
      strict?: boolean;
      description?: string;
    };

/** Options of `chat` and `chatStream`. */
export interface ChatOptions extends CallOptions {
  /** Model name; may carry a `provider:` prefix (`ollama:llama3.2`). */
  model: string;
  /** Tools the model may call. */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Allow several tool calls in one turn (provider default when unset). */
  parallelToolCalls?: boolean;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  responseFormat?: ResponseFormat;
  /**
   * Cache the stable prefix of the prompt (system messages and tools) for
   * later calls. Providers with opt-in caching mark the prefix; providers
   * that cache on their own honour it as is; a provider that cannot cache
   * returns an `unsupported_setting` warning.
   */
  cachePrompt?: boolean;
  /** Sample only among the k most likely tokens (providers that lack it warn). */
  topK?: number;
  reasoning?: ReasoningConfig;
}

/** Options of `generate` and `generateStream` (raw text completion). */
export interface GenerateOptions extends CallOptions {
  model: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  /** Sample only among the k most likely tokens. */
  topK?: number;
  /** Seed for reproducible sampling. */
  seed?: number;
  stopSequences?: string[];
}

/** Options of `classifyZeroShot`. */
export interface ClassifyOptions extends CallOptions {
  /** Template turning a label into a hypothesis; `{}` is replaced by the label. Default `"This example is {}."`. */
  hypothesisTemplate?: string;
  /** Score each label independently (true) or as one distribution over labels (false, default). */
  multiLabel?: boolean;
}

/** Options of `countTokens`. */
export interface CountTokensOptions extends CallOptions {
  /** Accept an approximate count when no exact tokenizer is known for the model. Default false. */
  allowApproximate?: boolean;
}
