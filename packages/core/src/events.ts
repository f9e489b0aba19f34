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
  /** Always `"content"`. */
  type: "content";
  /** The next piece of the answer, in order. */
  text: string;
}
/** A piece of reasoning text. */
export interface ReasoningEvent {
  /** Always `"reasoning"`. */
  type: "reasoning";
  /** The next piece of the reasoning, in order. */
  text: string;
}
/** A complete reasoning record to keep for the next turn (signature, encrypted block, …). */
export interface ReasoningDetailEvent {
  /** Always `"reasoning_detail"`. */
  type: "reasoning_detail";
  /** The record, to send back unchanged in the assistant message's `reasoningDetails`. */
  detail: ReasoningDetail;
}
/** A tool call begins; `index` identifies it among this turn's calls. */
export interface ToolCallStartEvent {
  /** Always `"tool_call_start"`. */
  type: "tool_call_start";
  /** Which call of this turn (0-based); its deltas and end carry the same index. */
  index: number;
  /** The call's id, to answer with a tool message's `toolCallId`. */
  id: string;
  /** The name of the tool called. */
  name: string;
}
/** A fragment of a tool call's JSON arguments, in order. */
export interface ToolCallDeltaEvent {
  /** Always `"tool_call_delta"`. */
  type: "tool_call_delta";
  /** The call the fragment belongs to (as in its `tool_call_start`). */
  index: number;
  /** The next fragment of the JSON argument text. */
  arguments: string;
}
/**
 * A tool call is complete: its argument buffer is the whole JSON text. The
 * event repeats the call's id and name and carries the complete arguments, so
 * a tool loop can run the call from this one event without bookkeeping.
 */
export interface ToolCallEndEvent {
  /** Always `"tool_call_end"`. */
  type: "tool_call_end";
  /** The call that is complete (as in its `tool_call_start`). */
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
  /** Always `"server_tool_call"`. */
  type: "server_tool_call";
  /** The tool the provider ran, and its input. */
  call: ServerToolCall;
}
/** The result of a server tool call, as the provider reported it. */
export interface ServerToolResultEvent {
  /** Always `"server_tool_result"`. */
  type: "server_tool_result";
  /** The result, as the provider reported it. */
  result: ServerToolResult;
}
/** Usage for this request, when the provider reports it. */
export interface UsageEvent {
  /** Always `"usage"`. */
  type: "usage";
  /** The tokens the request used. */
  usage: Usage;
}
/** The stream completed after the provider's finish marker. */
export interface DoneEvent {
  /** Always `"done"`. */
  type: "done";
  /** Why the model stopped. */
  finishReason: FinishReason;
  /** The provider's own finish reason string, when it had one. */
  rawFinishReason?: string;
  /** Undefined when the provider did not report usage. */
  usage?: Usage;
  /** The model that answered, as the provider named it. */
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
  /** Always `"text"`. */
  type: "text";
  /** The next piece of the text, in order. */
  text: string;
}

/** A generation stream completed after the provider's finish marker. */
export interface GenerateDoneEvent {
  /** Always `"done"`. */
  type: "done";
  /** Why the model stopped. */
  finishReason: FinishReason;
  /** Undefined when the provider did not report usage. */
  usage?: Usage;
  /** The model that answered, as the provider named it. */
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
