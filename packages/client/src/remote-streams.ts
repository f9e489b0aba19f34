/**
 * The chat and generate streams as a remote client delivers them: wire
 * messages decoded into core events, and a stream that ends without its
 * `done` event turned into a typed `stream` error, so nothing is reported
 * complete that was not.
 */
import {
  type ChatEvent,
  type GenerateEvent,
  type PartialOutput,
  RatatoskrError,
} from "@ratatoskr/core";
import {
  ChatEventDecoder,
  GenerateEventDecoder,
  type ChatEvent as WireChatEventMessage,
  type GenerateEvent as WireGenerateEventMessage,
} from "@ratatoskr/protocol";

/** The error of a stream that ended before `done`. */
function unfinished(partial: PartialOutput): RatatoskrError {
  return new RatatoskrError({
    code: "stream",
    message: "the daemon's stream ended before its done event",
    partial,
  });
}

/** Decodes `messages` into chat events; throws `stream` when no `done` came. */
export async function* decodeChatStream(
  messages: AsyncIterable<WireChatEventMessage>,
): AsyncGenerator<ChatEvent> {
  const decoder = new ChatEventDecoder();
  const partial: PartialOutput = { content: "" };
  let done = false;
  for await (const message of messages) {
    const event = decoder.decode(message) as ChatEvent;
    if (event.type === "content") partial.content += event.text;
    if (event.type === "reasoning") partial.reasoning = (partial.reasoning ?? "") + event.text;
    if (event.type === "done") done = true;
    yield event;
  }
  if (!done) throw unfinished(partial);
}

/** Decodes `messages` into generate events; throws `stream` when no `done` came. */
export async function* decodeGenerateStream(
  messages: AsyncIterable<WireGenerateEventMessage>,
): AsyncGenerator<GenerateEvent> {
  const decoder = new GenerateEventDecoder();
  const partial: PartialOutput = { content: "" };
  let done = false;
  for await (const message of messages) {
    const event = decoder.decode(message) as GenerateEvent;
    if (event.type === "text") partial.content += event.text;
    if (event.type === "done") done = true;
    yield event;
  }
  if (!done) throw unfinished(partial);
}
