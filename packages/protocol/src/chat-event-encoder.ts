/**
 * A server's side of `ChatStream`: {@link ChatEvent}s → `ratatoskr.v1.ChatEvent`
 * messages, for the protocol revision the client announced.
 */
import { create } from "@bufbuild/protobuf";
import type { ChatEvent, DoneEvent } from "@ratatoskr/core";
import type { WireResponseMetadata } from "./chat-response-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  reasoningDetailToProto,
  serverToolCallToProto,
  serverToolResultToProto,
} from "./message-mapping.ts";
import { streamFinishToProto } from "./stream-finish-mapping.ts";
import { usageToProto } from "./usage-mapping.ts";
import { toUint32 } from "./wire-values.ts";

/** A chat event as the wire carries it: `done` may also carry the request id and warnings. */
export type WireChatEvent =
  | Exclude<ChatEvent, DoneEvent>
  | (Omit<DoneEvent, keyof WireResponseMetadata> & WireResponseMetadata);

/**
 * Encodes one chat stream, event by event (one encoder per stream). For a
 * client of the original protocol (revision 0) it leaves out the events that
 * protocol does not know (`reasoning_detail`, `server_tool_call`,
 * `server_tool_result`: its client would read them as the end of the
 * stream), and sends a `done` that carries usage as a `usage` event first
 * when no `usage` event preceded it. `done` always carries the extension
 * `finish` beside it, which such a client ignores.
 */
export class ChatEventEncoder {
  readonly #extended: boolean;
  #usageSent = false;

  /** @param protocolRevision the client's `ChatRequest.protocol_revision`. */
  constructor(protocolRevision: number) {
    this.#extended = protocolRevision >= 1;
  }

  /** The messages to send for `event`: none, one, or (a `done` to an original client) two. */
  encode(event: WireChatEvent): pb.ChatEvent[] {
    switch (event.type) {
      case "content":
        return [chatEvent({ case: "content", value: event.text })];
      case "reasoning":
        return [chatEvent({ case: "reasoning", value: event.text })];
      case "tool_call_start":
        return [
          chatEvent({
            case: "toolCallStart",
            value: create(pb.ToolCallStartSchema, {
              index: toUint32(event.index, "response", "tool_call_start.index"),
              id: event.id,
              name: event.name,
            }),
          }),
        ];
      case "tool_call_delta":
        return [
          chatEvent({
            case: "toolCallDelta",
            value: create(pb.ToolCallDeltaSchema, {
              index: toUint32(event.index, "response", "tool_call_delta.index"),
              arguments: event.arguments,
            }),
          }),
        ];
      case "tool_call_end":
        return [
          chatEvent({
            case: "toolCallEnd",
            value: create(pb.ToolCallEndSchema, {
              index: toUint32(event.index, "response", "tool_call_end.index"),
              id: event.id,
              name: event.name,
              arguments: event.arguments,
            }),
          }),
        ];
      case "usage":
        this.#usageSent = true;
        return [chatEvent({ case: "usage", value: usageToProto(event.usage) })];
      case "reasoning_detail":
        if (!this.#extended) return [];
        return [
          chatEvent({ case: "reasoningDetail", value: reasoningDetailToProto(event.detail) }),
        ];
      case "server_tool_call":
        if (!this.#extended) return [];
        return [chatEvent({ case: "serverToolCall", value: serverToolCallToProto(event.call) })];
      case "server_tool_result":
        if (!this.#extended) return [];
        return [
          chatEvent({ case: "serverToolResult", value: serverToolResultToProto(event.result) }),
        ];
      case "done":
        return this.#done(event);
    }
  }

  #done(event: Extract<WireChatEvent, { type: "done" }>): pb.ChatEvent[] {
    const messages: pb.ChatEvent[] = [];
    if (!this.#extended && !this.#usageSent && event.usage !== undefined) {
      messages.push(chatEvent({ case: "usage", value: usageToProto(event.usage) }));
    }
    const done = chatEvent({ case: "done", value: true });
    done.finish = streamFinishToProto(event);
    messages.push(done);
    return messages;
  }
}

function chatEvent(event: pb.ChatEvent["event"]): pb.ChatEvent {
  return create(pb.ChatEventSchema, { event });
}
