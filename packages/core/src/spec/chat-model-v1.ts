import type { ChatEvent, DoneEvent } from "../events.ts";
import type { Message } from "../messages.ts";
import type { ReasoningConfig, ResponseFormat } from "../options.ts";
import type { ChatResponse, FinishReason } from "../responses.ts";
import type { ToolChoice, ToolDefinition } from "../tools.ts";
import type { Usage } from "../usage.ts";
import type { CallRequestV1 } from "./call-request-v1.ts";
import type { ResponseMetadataV1, ResultMetadataV1 } from "./response-metadata-v1.ts";
import type { WarningV1 } from "./warning-v1.ts";

/**
 * The standard chat settings, already validated by the gateway (finite
 * numbers in range, integers where required). A provider maps what it
 * supports and returns a {@link WarningV1} for each setting it ignores.
 */
export interface ChatSettingsV1 {
  /** Sampling temperature, 0–2. */
  readonly temperature?: number;
  /** Nucleus sampling: the probability mass to sample from, 0–1. */
  readonly topP?: number;
  /** Sample only among the k most likely tokens (a positive integer). */
  readonly topK?: number;
  /** Most tokens to generate (a positive integer). */
  readonly maxTokens?: number;
  /** Sequences that end the answer. */
  readonly stop?: readonly string[];
  /** Seed for reproducible sampling (an integer). */
  readonly seed?: number;
  /** Penalty for tokens by how often they appeared, −2–2. */
  readonly frequencyPenalty?: number;
  /** Penalty for tokens that appeared at all, −2–2. */
  readonly presencePenalty?: number;
  /** Text, any JSON object, or JSON matching a schema. */
  readonly responseFormat?: ResponseFormat;
  /** Reasoning effort or budget, and whether to return the reasoning. */
  readonly reasoning?: ReasoningConfig;
  /** Provider-neutral tools: name, description, JSON Schema of the arguments. */
  readonly tools?: readonly ToolDefinition[];
  /** How the model may use the tools. */
  readonly toolChoice?: ToolChoice;
  /** Allow several tool calls in one turn (provider default when unset). */
  readonly parallelToolCalls?: boolean;
  /**
   * Cache the stable prefix of the prompt (system messages and tools) for
   * later calls. Providers with opt-in caching mark the prefix (Anthropic's
   * `cache_control`); providers that cache on their own honour it as is; a
   * provider that cannot cache returns an `unsupported_setting` warning.
   */
  readonly cachePrompt?: boolean;
}

/** A chat call. */
export interface ChatRequestV1 extends CallRequestV1 {
  /** The conversation, validated (roles, tool calls with JSON arguments, reasoning details). */
  readonly messages: readonly Message[];
  /** The standard settings the caller set (only those). */
  readonly settings: ChatSettingsV1;
}

/** A complete chat answer from a provider (the gateway adds the provider id). */
export interface ChatResultV1
  extends ResultMetadataV1,
    Omit<ChatResponse, "provider" | "model" | "warnings" | "requestId"> {}

/** The finish part of a provider's chat stream: exactly one, last. */
export interface ChatFinishPartV1
  extends Omit<DoneEvent, "provider" | "model" | "warnings" | "requestId"> {
  readonly type: "done";
  readonly finishReason: FinishReason;
  readonly usage?: Usage;
}

/** A warning known once the stream started (settings the provider ignored). */
export interface ChatWarningPartV1 {
  /** Always `"warning"`. */
  readonly type: "warning";
  /** The warning. */
  readonly warning: WarningV1;
}

/** What the provider reported about the answer, as soon as it knows (e.g. from the first chunk). */
export interface ChatResponseMetadataPartV1 extends ResponseMetadataV1 {
  /** Always `"response_metadata"`. */
  readonly type: "response_metadata";
}

/**
 * A part of a provider's chat stream: the content events of the user API
 * (`content`, `reasoning`, `tool_call_start`, …), plus `warning` and
 * `response_metadata` parts that the gateway folds into the response, and
 * one final `done`. A noun-verb discriminated union on `type`.
 */
export type ChatStreamPartV1 =
  | Exclude<ChatEvent, DoneEvent>
  | ChatWarningPartV1
  | ChatResponseMetadataPartV1
  | ChatFinishPartV1;

/**
 * The chat capability. Implement `complete`, `stream` or both: the gateway
 * derives the missing one once, when the provider is registered (collecting
 * a stream, or synthesising parts from a complete answer).
 */
export interface ChatModelV1 {
  /** Whether the provider sends tools to the model (default true). */
  readonly toolUse?: boolean;
  /** One complete answer. */
  complete?(request: ChatRequestV1): Promise<ChatResultV1>;
  /**
   * A stream of parts. Must not throw synchronously: report every failure,
   * validation included, through the iterator, as a `RatatoskrError`.
   */
  stream?(request: ChatRequestV1): AsyncIterable<ChatStreamPartV1>;
  /**
   * The warnings this request would produce, without sending anything. The
   * gateway calls it in strict mode, before the first attempt on this
   * provider, and fails the call with `invalid_input` if there are any.
   * Absent: the provider never warns before seeing the answer.
   */
  warningsFor?(request: ChatRequestV1): readonly WarningV1[];
}
