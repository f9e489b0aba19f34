/**
 * The model the tests ask for, and the content events of a provider's
 * stream (what the gateway delivers), for the tests.
 */
import {
  type ChatEvent,
  type ChatResponse,
  type ChatStreamPartV1,
  collectChatStream,
} from "@ratatoskr/core";

/** The model most tests ask for. */
export const MODEL = "claude-sonnet-4-6";

/** Whether a part is a content event (what the gateway delivers), not a warning or response metadata. */
export function isContentEvent(part: ChatStreamPartV1): part is ChatEvent {
  return part.type !== "warning" && part.type !== "response_metadata";
}

/** The content events of a stream, as they come (for loops that stop or fail half-way). */
export async function* contentOf(
  stream: AsyncIterable<ChatStreamPartV1>,
): AsyncGenerator<ChatEvent> {
  for await (const part of stream) if (isContentEvent(part)) yield part;
}

/** Every content event of a stream. */
export async function drainEvents(stream: AsyncIterable<ChatStreamPartV1>): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of contentOf(stream)) events.push(event);
  return events;
}

/** The answer a stream adds up to, as the user API's `ChatResponse` (for `toAssistantMessage`). */
export function collectResponse(stream: AsyncIterable<ChatStreamPartV1>): Promise<ChatResponse> {
  return collectChatStream(contentOf(stream));
}
