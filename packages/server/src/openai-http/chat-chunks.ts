/**
 * Gateway chat events as OpenAI `chat.completion.chunk` objects: a first
 * chunk with the role, content deltas, tool-call deltas (`index`, then `id`,
 * `type` and `name` on a call's first delta, then pieces of `arguments`),
 * reasoning as OpenRouter's `delta.reasoning`, a last chunk with the
 * `finish_reason`, and, with `stream_options.include_usage`, a usage chunk
 * with no choices.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens
 */
import type { ChatEvent, Usage } from "@ratatoskr/core";
import {
  type OpenAIFinishReason,
  type OpenAIUsage,
  openAIFinishReason,
  openAIUsage,
} from "./openai-wire.ts";

/** One tool call's piece in a chunk's delta. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

/** The `delta` of a chunk's choice. */
export interface ChunkDelta {
  role?: "assistant";
  content?: string;
  reasoning?: string;
  tool_calls?: ToolCallDelta[];
}

/** OpenAI's `chat.completion.chunk` object. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    delta: ChunkDelta;
    logprobs: null;
    finish_reason: OpenAIFinishReason | null;
  }>;
  /** Present (null until the last chunk) only with `include_usage`. */
  usage?: OpenAIUsage | null;
}

/** What every chunk of one response shares. */
export interface ChunkContext {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly includeUsage: boolean;
}

/** Maps one response's events to chunks; one instance per response (it holds the usage for the end). */
export class ChatChunkMapper {
  readonly #context: ChunkContext;
  #usage: Usage | undefined;

  /** A mapper for the response that `context` describes. */
  constructor(context: ChunkContext) {
    this.#context = context;
  }

  /** The first chunk: the assistant role and empty content. */
  first(): ChatCompletionChunk {
    return this.#chunk({ role: "assistant", content: "" }, null);
  }

  /** The chunks of one event (none for events OpenAI has no place for). */
  chunksOf(event: ChatEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case "content":
        return event.text === "" ? [] : [this.#chunk({ content: event.text }, null)];
      case "reasoning":
        return event.text === "" ? [] : [this.#chunk({ reasoning: event.text }, null)];
      case "tool_call_start":
        return [
          this.#toolCall({
            index: event.index,
            id: event.id,
            type: "function",
            function: { name: event.name, arguments: "" },
          }),
        ];
      case "tool_call_delta":
        return [this.#toolCall({ index: event.index, function: { arguments: event.arguments } })];
      case "usage":
        this.#usage = event.usage;
        return [];
      case "done":
        return this.#done(openAIFinishReason(event.finishReason), event.usage ?? this.#usage);
      default:
        // tool_call_end: the gateway guarantees its arguments are the deltas joined,
        // all sent already. reasoning_detail, server_tool_call, server_tool_result:
        // no OpenAI equivalent.
        return [];
    }
  }

  #done(reason: OpenAIFinishReason, usage: Usage | undefined): ChatCompletionChunk[] {
    const chunks = [this.#chunk({}, reason)];
    if (this.#context.includeUsage) {
      chunks.push({
        ...this.#base(),
        choices: [],
        usage: usage === undefined ? null : openAIUsage(usage),
      });
    }
    return chunks;
  }

  #toolCall(delta: ToolCallDelta): ChatCompletionChunk {
    return this.#chunk({ tool_calls: [delta] }, null);
  }

  #base(): Omit<ChatCompletionChunk, "choices"> {
    const { id, created, model } = this.#context;
    return { id, object: "chat.completion.chunk", created, model };
  }

  #chunk(delta: ChunkDelta, finishReason: OpenAIFinishReason | null): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      ...this.#base(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    if (this.#context.includeUsage) chunk.usage = null;
    return chunk;
  }
}
