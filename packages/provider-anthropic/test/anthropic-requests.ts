/**
 * Requests as the gateway hands them to the provider (provider
 * specification v1), and the content events of a stream, for the tests.
 */
import {
  type ChatEvent,
  type ChatRequestV1,
  type ChatResponse,
  type ChatSettingsV1,
  type ChatStreamPartV1,
  collectChatStream,
  type Message,
} from "@ratatoskr/core";

/** The model most tests ask for. */
export const MODEL = "claude-sonnet-4-6";

/** What a test may set besides messages and settings. */
export type RequestExtras = Partial<
  Pick<ChatRequestV1, "model" | "signal" | "providerOptions" | "headers">
>;

/** A v1 chat request ({@link MODEL}, no provider options, a fresh signal unless given). */
export function chatRequest(
  messages: readonly Message[],
  settings: ChatSettingsV1 = {},
  extra: RequestExtras = {},
): ChatRequestV1 {
  return {
    model: MODEL,
    messages,
    settings,
    providerOptions: {},
    signal: new AbortController().signal,
    ...extra,
  };
}

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

/** Every part of a stream, warnings and response metadata included. */
export async function drainParts(
  stream: AsyncIterable<ChatStreamPartV1>,
): Promise<ChatStreamPartV1[]> {
  const parts: ChatStreamPartV1[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** The answer a stream adds up to, as the user API's `ChatResponse` (for `toAssistantMessage`). */
export function collectResponse(stream: AsyncIterable<ChatStreamPartV1>): Promise<ChatResponse> {
  return collectChatStream(contentOf(stream));
}
