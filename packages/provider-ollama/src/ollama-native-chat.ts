/**
 * Chat over Ollama's native `/api/chat` (NDJSON streaming) through the
 * official `ollama` client: the default transport of `createOllama`.
 * `complete` streams too and collects the parts, so a long local generation
 * starts answering at once instead of after its last token.
 *
 * @see https://docs.ollama.com/api/chat
 */
import {
  abortedError,
  type ChatRequestV1,
  type ChatResultV1,
  type ChatStreamPartV1,
  collectChatStreamParts,
  withPartial,
} from "@ratatoskr/core";
import type { ChatRequest } from "ollama/browser";
import { buildOllamaChatRequest, type OllamaChatDefaults } from "./ollama-chat-request.ts";
import { OllamaChatStreamMapper, type OllamaWireChatChunk } from "./ollama-chat-stream-mapper.ts";
import {
  type OllamaClientContext,
  type OllamaRequest,
  openOllamaRequest,
} from "./ollama-client.ts";
import { mapOllamaError } from "./ollama-error.ts";

/** What the native chat transport needs: where to send, and the provider's defaults. */
export interface OllamaNativeChatContext extends OllamaClientContext {
  defaults: OllamaChatDefaults;
}

/**
 * One `/api/chat` turn as a stream of parts: the warnings first, then the
 * answer. Leaving the loop early or aborting `request.signal` closes the
 * upstream request; parts that arrived after the signal fired are not
 * delivered.
 */
export async function* streamOllamaChat(
  context: OllamaNativeChatContext,
  request: ChatRequestV1,
): AsyncGenerator<ChatStreamPartV1> {
  const signal = request.signal;
  const mapper = new OllamaChatStreamMapper({
    provider: context.provider,
    model: request.model,
    excludeReasoning: request.settings.reasoning?.exclude === true,
  });
  let upstream: OllamaRequest | undefined;
  let completed = false;
  try {
    if (signal.aborted) throw abortedError(signal);
    const { body, warnings } = buildOllamaChatRequest(request, context.defaults, true);
    upstream = await openOllamaRequest(context, {
      signal,
      model: request.model,
      stream: true,
      inspect: request.inspect,
    });
    const stream = await upstream.client.chat(body as unknown as ChatRequest & { stream: true });
    for (const warning of warnings) yield { type: "warning", warning };
    for await (const chunk of stream) {
      const parts = mapper.push(chunk as unknown as OllamaWireChatChunk);
      for (let position = 0; position < parts.length; position++) {
        if (signal.aborted) throw abortedError(signal, mapper.partial());
        yield parts[position]!;
      }
    }
    if (signal.aborted && !mapper.finished) throw abortedError(signal, mapper.partial());
    mapper.finish();
    completed = true;
  } catch (error) {
    throw withPartial(
      mapOllamaError(error, {
        provider: context.provider,
        model: request.model,
        baseURL: context.baseURL,
        signal,
        networkErrorHint: context.networkErrorHint,
      }),
      mapper.partial(),
      signal,
    );
  } finally {
    // Left early (break, abort, error): close the upstream request and its socket.
    if (!completed) upstream?.abort();
    upstream?.dispose();
  }
}

/** One `/api/chat` turn, complete (streamed on the wire, collected here). */
export function chatWithOllama(
  context: OllamaNativeChatContext,
  request: ChatRequestV1,
): Promise<ChatResultV1> {
  return collectChatStreamParts(streamOllamaChat(context, request), request.signal);
}
