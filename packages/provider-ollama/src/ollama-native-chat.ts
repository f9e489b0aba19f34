/**
 * Chat over Ollama's native `/api/chat` (NDJSON streaming) through the
 * official `ollama` client: the default transport of `createOllama`.
 * `chat` streams too and collects the events, so a long local generation
 * starts answering at once instead of after its last token.
 *
 * @see https://docs.ollama.com/api/chat
 */
import {
  abortedError,
  assertMessages,
  assertModel,
  type ChatEvent,
  type ChatOptions,
  type ChatResponse,
  collectChatStream,
  type Message,
  withPartial,
} from "@ratatoskr/core";
import type { ChatRequest } from "ollama/browser";
import {
  buildOllamaChatRequest,
  type OllamaChatDefaults,
  type OllamaWarning,
} from "./ollama-chat-request.ts";
import { OllamaChatStreamMapper, type OllamaWireChatChunk } from "./ollama-chat-stream-mapper.ts";
import {
  type OllamaClientContext,
  type OllamaRequest,
  openOllamaRequest,
} from "./ollama-client.ts";
import { mapOllamaError } from "./ollama-error.ts";

/** What the native chat transport needs: where to send, defaults, and where warnings go. */
export interface OllamaNativeChatContext extends OllamaClientContext {
  defaults: OllamaChatDefaults;
  reportWarnings(warnings: readonly OllamaWarning[]): void;
}

/**
 * One `/api/chat` turn as a stream of events. Leaving the loop early or
 * aborting `options.signal` closes the upstream request; events that
 * arrived after the signal fired are not delivered.
 */
export async function* streamOllamaChat(
  context: OllamaNativeChatContext,
  messages: readonly Message[],
  options: ChatOptions,
): AsyncGenerator<ChatEvent> {
  const signal = options?.signal;
  const mapper = new OllamaChatStreamMapper({
    provider: context.provider,
    ...(typeof options?.model === "string" ? { model: options.model } : {}),
    excludeReasoning: options?.reasoning?.exclude === true,
  });
  let request: OllamaRequest | undefined;
  let completed = false;
  try {
    assertModel(options?.model);
    assertMessages(messages);
    if (signal?.aborted) throw abortedError(signal);
    const { body, warnings } = buildOllamaChatRequest(messages, options, context.defaults, true);
    context.reportWarnings(warnings);
    request = await openOllamaRequest(context, { signal, model: options.model, stream: true });
    const stream = await request.client.chat(body as unknown as ChatRequest & { stream: true });
    for await (const chunk of stream) {
      const events = mapper.push(chunk as unknown as OllamaWireChatChunk);
      for (let position = 0; position < events.length; position++) {
        if (signal?.aborted) throw abortedError(signal, mapper.partial());
        yield events[position]!;
      }
    }
    if (signal?.aborted && !mapper.finished) throw abortedError(signal, mapper.partial());
    mapper.finish();
    completed = true;
  } catch (error) {
    throw withPartial(
      mapOllamaError(error, {
        provider: context.provider,
        ...(typeof options?.model === "string" ? { model: options.model } : {}),
        baseURL: context.baseURL,
        ...(signal === undefined ? {} : { signal }),
        networkErrorHint: context.networkErrorHint,
      }),
      mapper.partial(),
      signal,
    );
  } finally {
    // Left early (break, abort, error): close the upstream request and its socket.
    if (!completed) request?.abort();
    request?.dispose();
  }
}

/** One `/api/chat` turn, complete (streamed on the wire, collected here). */
export function chatWithOllama(
  context: OllamaNativeChatContext,
  messages: readonly Message[],
  options: ChatOptions,
): Promise<ChatResponse> {
  return collectChatStream(streamOllamaChat(context, messages, options), options?.signal);
}
