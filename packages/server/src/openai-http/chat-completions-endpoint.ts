/**
 * `POST /v1/chat/completions`: `gateway.chat`, or `gateway.chatStream` as
 * server-sent `chat.completion.chunk` events when `stream` is true.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import { ChatChunkMapper } from "./chat-chunks.ts";
import { chatCompletion } from "./chat-completion.ts";
import { parseChatCompletionRequest } from "./chat-request.ts";
import type { EndpointCall } from "./endpoint.ts";
import { serveEventStream } from "./event-stream.ts";
import { responseId, unixSeconds } from "./openai-wire.ts";
import { sendJson } from "./send-json.ts";

/** Serve one chat completion request. */
export async function serveChatCompletions(call: EndpointCall): Promise<void> {
  const request = parseChatCompletionRequest(call.body);
  const options = { ...request.options, signal: call.signal };
  if (!request.stream) {
    const response = await call.gateway.chat(request.messages, options);
    sendJson(call.response, 200, chatCompletion(response, request.options.model));
    return;
  }
  const mapper = new ChatChunkMapper({
    id: responseId("chatcmpl"),
    created: unixSeconds(),
    model: request.options.model,
    includeUsage: request.includeUsage,
  });
  await serveEventStream(
    call.response,
    call.signal,
    call.gateway.chatStream(request.messages, options),
    (event) => mapper.chunksOf(event),
    () => [mapper.first()],
  );
}
