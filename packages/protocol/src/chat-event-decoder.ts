/**
 * A client's side of `ChatStream`: `ratatoskr.v1.ChatEvent` messages →
 * {@link ChatEvent}s, from a server of this protocol or of the original one.
 */
import { toolCallEndEvent, type Usage } from "@ratatoskr/core";
import type { WireChatEvent } from "./chat-event-encoder.ts";
import type * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  reasoningDetailFromProto,
  serverToolCallFromProto,
  serverToolResultFromProto,
} from "./message-mapping.ts";
import { streamFinishFromProto } from "./stream-finish-mapping.ts";
import { usageFromProto } from "./usage-mapping.ts";
import { wireError } from "./wire-values.ts";

/**
 * Decodes one chat stream, message by message (one decoder per stream). It
 * tracks tool calls by index, so that an original server's `tool_call_end`
 * (index only) still yields the call's id, name and complete arguments, and
 * an original server's `done` (no `finish`) yields the finish reason
 * `tool_calls` when the turn called a tool, else `stop`, with the last usage
 * seen. A message with no event, or a tool call index never started, fails
 * as `data`; a tool call whose arguments are not JSON fails as `stream`.
 */
export class ChatEventDecoder {
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();
  #calledTools = false;
  #usage: Usage | undefined;

  /** The event `message` stands for. */
  decode(message: pb.ChatEvent): WireChatEvent {
    const event = message.event;
    switch (event.case) {
      case "content":
        return { type: "content", text: event.value };
      case "reasoning":
        return { type: "reasoning", text: event.value };
      case "toolCallStart":
        this.#calledTools = true;
        this.#calls.set(event.value.index, {
          id: event.value.id,
          name: event.value.name,
          arguments: "",
        });
        return {
          type: "tool_call_start",
          index: event.value.index,
          id: event.value.id,
          name: event.value.name,
        };
      case "toolCallDelta":
        this.#call(event.value.index, "tool_call_delta").arguments += event.value.arguments;
        return {
          type: "tool_call_delta",
          index: event.value.index,
          arguments: event.value.arguments,
        };
      case "toolCallEnd":
        return this.#end(event.value);
      case "usage":
        this.#usage = usageFromProto(event.value);
        return { type: "usage", usage: this.#usage };
      case "reasoningDetail":
        return { type: "reasoning_detail", detail: reasoningDetailFromProto(event.value) };
      case "serverToolCall":
        return { type: "server_tool_call", call: serverToolCallFromProto(event.value) };
      case "serverToolResult":
        return { type: "server_tool_result", result: serverToolResultFromProto(event.value) };
      case "done":
        return this.#done(message.finish);
      default:
        throw wireError(
          "response",
          "ChatEvent.event",
          "must be set (the server sent an empty event)",
        );
    }
  }

  #call(index: number, type: string): { id: string; name: string; arguments: string } {
    const call = this.#calls.get(index);
    if (call === undefined) {
      throw wireError("response", `${type}.index`, `names tool call ${index}, which never started`);
    }
    return call;
  }

  #end(end: pb.ToolCallEnd): WireChatEvent {
    if (end.id !== "") {
      this.#calls.delete(end.index);
      return toolCallEndEvent(end.index, { id: end.id, name: end.name, arguments: end.arguments });
    }
    const call = this.#call(end.index, "tool_call_end");
    this.#calls.delete(end.index);
    return toolCallEndEvent(end.index, call);
  }

  #done(finish: pb.StreamFinish | undefined): WireChatEvent {
    if (finish !== undefined) return { type: "done", ...streamFinishFromProto(finish) };
    return {
      type: "done",
      finishReason: this.#calledTools ? "tool_calls" : "stop",
      ...(this.#usage === undefined ? {} : { usage: this.#usage }),
    };
  }
}
