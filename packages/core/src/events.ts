/**
 * Stream events. `ChatEvent` and `GenerateEvent` are discriminated unions on
 * `type`. A stream ends with exactly one `done`, or throws a RatatoskrError.
 */
import type { ReasoningDetail } from "./messages.ts";
import type { FinishReason } from "./responses.ts";
import type { ServerToolCall, ServerToolResult } from "./server-tools.ts";
import type { Usage } from "./usage.ts";
import type { Warning } from "./warning.ts";

/** A piece of answer text. */
export interface ContentEvent {
  type: "content";
  text: string;
}
/** A piece of reasoning text. */
export interface ReasoningEvent {
  type: "reasoning";
  text: string;
}
/** A complete reasoning record to keep for the next turn (signature, encrypted block, …). */
export interface ReasoningDetailEvent {
  type: "reasoning_detail";
  detail: ReasoningDetail;
}
/** A tool call begins; `index` identifies it among this turn's calls. */
export interface ToolCallStartEvent {
  type: "tool_call_start";
  index: number;
  id: string;
  name: string;
}
/** A fragment of a tool call's JSON arguments, in order. */
export interface ToolCallDeltaEvent {
  type: "tool_call_delta";
  index: number;
  arguments: string;
}
/**
 * A tool call is complete: its argument buffer is the whole JSON text. The
 * event repeats the call's id and name and carries the complete arguments, so
 * a tool loop can run the call from this one event without bookkeeping.
 */
export interface ToolCallEndEvent {
  type: "tool_call_end";
  index: number;
  /** The call's id, as in its `tool_call_start`. */
  id: string;
  /** The tool's name, as in its `tool_call_start`. */
  name: string;
  /** The complete JSON argument text exactly as the model produced it (every delta joined). */
  arguments: string;
  /** `arguments` parsed (`{}` for an empty buffer). */
  parsedArguments: unknown;
}
/**
 * The provider executed a tool on its side (web search, code execution, an
 * MCP server's tool), with this complete input. Not a client tool call:
 * nothing for the caller to run, and it never produces `tool_call_*` events.
 */
export interface ServerToolCallEvent {
  type: "server_tool_call";
  call: ServerToolCall;
}
/** The result of a server tool call, as the provider reported it. */
export interface ServerToolResultEvent {
  type: "server_tool_result";
  result: ServerToolResult;
}
/** Usage for this request, when the provider reports it. */
export interface UsageEvent {
  type: "usage";
  usage: Usage;
}
/** The stream completed after the provider's finish marker. */
export interface DoneEvent {
  type: "done";
  finishReason: FinishReason;
  rawFinishReason?: string;
  /** Undefined when the provider did not report usage. */
  usage?: Usage;
  model?: string;
  /** The id of the provider that answered (set by the gateway). */
  provider?: string;
  /** The provider's id of the request or response, when it gave one (set by the gateway). */
  requestId?: string;
  /** Settings the provider ignored or could not honour (absent: none; set by the gateway). */
  warnings?: Warning[];
}

/** An event of a chat stream. */
export type ChatEvent =
  | ContentEvent
  | ReasoningEvent
  | ReasoningDetailEvent
  | ToolCallStartEvent
  | ToolCallDeltaEvent
  | ToolCallEndEvent
  | ServerToolCallEvent
  | ServerToolResultEvent
  | UsageEvent
  | DoneEvent;

/** The `type` of every {@link ChatEvent}. */
export type ChatEventType = ChatEvent["type"];

/** A piece of generated text. */
export interface TextEvent {
  type: "text";
  text: string;
}

/** A generation stream completed after the provider's finish marker. */
export interface GenerateDoneEvent {
  type: "done";
  finishReason: FinishReason;
  /** Undefined when the provider did not report usage. */
  usage?: Usage;
  model?: string;
  /** The id of the provider that answered (set by the gateway). */
  provider?: string;
  /** The provider's id of the request or response, when it gave one (set by the gateway). */
  requestId?: string;
  /** Settings the provider ignored or could not honour (absent: none; set by the gateway). */
  warnings?: Warning[];
}

/** An event of a text-generation stream. */
export type GenerateEvent = TextEvent | UsageEvent | GenerateDoneEvent;
