/**
 * `GenerateStream` on the wire: {@link GenerateEvent}s ↔
 * `ratatoskr.v1.GenerateEvent` messages, for either protocol revision.
 */
import { create } from "@bufbuild/protobuf";
import type { GenerateEvent, Usage } from "@ratatoskr/core";
import type { WireResponseMetadata } from "./chat-response-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { streamFinishFromProto, streamFinishToProto } from "./stream-finish-mapping.ts";
import { usageFromProto, usageToProto } from "./usage-mapping.ts";
import { wireError } from "./wire-values.ts";

/** A generate event as the wire carries it: `done` may also carry the request id and warnings. */
export type WireGenerateEvent =
  | Exclude<GenerateEvent, { type: "done" }>
  | (Omit<Extract<GenerateEvent, { type: "done" }>, keyof WireResponseMetadata> &
      WireResponseMetadata & { rawFinishReason?: string });

/**
 * Encodes one generate stream. The `usage` event is an extension: a client
 * of the original protocol (revision 0) gets none (the `finish` beside
 * `done` still carries usage, for clients that read it).
 */
export class GenerateEventEncoder {
  readonly #extended: boolean;

  /** @param protocolRevision the client's `GenerateRequest.protocol_revision`. */
  constructor(protocolRevision: number) {
    this.#extended = protocolRevision >= 1;
  }

  /** The messages to send for `event` (none or one). */
  encode(event: WireGenerateEvent): pb.GenerateEvent[] {
    switch (event.type) {
      case "text":
        return [create(pb.GenerateEventSchema, { event: { case: "text", value: event.text } })];
      case "usage":
        if (!this.#extended) return [];
        return [
          create(pb.GenerateEventSchema, {
            event: { case: "usage", value: usageToProto(event.usage) },
          }),
        ];
      case "done":
        return [
          create(pb.GenerateEventSchema, {
            event: { case: "done", value: true },
            finish: streamFinishToProto(event),
          }),
        ];
    }
  }
}

/**
 * Decodes one generate stream. An original server's `done` (no `finish`)
 * yields the finish reason `stop` with the last usage seen; a message with
 * no event fails as `data`.
 */
export class GenerateEventDecoder {
  #usage: Usage | undefined;

  /** The event `message` stands for. */
  decode(message: pb.GenerateEvent): WireGenerateEvent {
    const event = message.event;
    switch (event.case) {
      case "text":
        return { type: "text", text: event.value };
      case "usage":
        this.#usage = usageFromProto(event.value);
        return { type: "usage", usage: this.#usage };
      case "done":
        if (message.finish !== undefined) {
          return { type: "done", ...streamFinishFromProto(message.finish) };
        }
        return {
          type: "done",
          finishReason: "stop",
          ...(this.#usage === undefined ? {} : { usage: this.#usage }),
        };
      default:
        throw wireError(
          "response",
          "GenerateEvent.event",
          "must be set (the server sent an empty event)",
        );
    }
  }
}
