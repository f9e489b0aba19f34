/**
 * Turns the objects of an `/api/chat` NDJSON stream into provider stream
 * parts ({@link ChatStreamPartV1}): a `response_metadata` part with the model
 * that answered, then the content. `message.thinking` becomes `reasoning`,
 * `message.content` becomes `content`; a tool call arrives whole in one
 * object (its `arguments` an object), so it is emitted at once as
 * `tool_call_start`, one `tool_call_delta` with the arguments as JSON text,
 * and `tool_call_end`. The final object (`done: true`) carries `done_reason`
 * and the token counts (`prompt_eval_count`, `eval_count`).
 *
 * @see https://docs.ollama.com/api/chat
 * @see https://docs.ollama.com/capabilities/streaming
 */
import {
  type ChatStreamPartV1,
  createUsage,
  type PartialOutput,
  parseToolArguments,
  RatatoskrError,
  toolCallEndEvent,
  type Usage,
} from "@ratatoskr/core";
import { mapOllamaDoneReason } from "./map-ollama-done-reason.ts";

/** A tool call as the stream carries it (older servers send neither `id` nor `index`). */
export interface OllamaWireStreamToolCall {
  /** The call's id (newer servers). */
  id?: string | null;
  /** The function called. */
  function?: {
    /** The call's position in the message (newer servers). */
    index?: number;
    /** The tool's name. */
    name?: string | null;
    /** The arguments, as an object. */
    arguments?: unknown;
  } | null;
}

/** One object of an `/api/chat` stream (the fields this mapping reads). */
export interface OllamaWireChatChunk {
  /** The model that answered. */
  model?: string;
  /** The piece of the assistant message this object carries. */
  message?: {
    /** `assistant`. */
    role?: string;
    /** A piece of the answer text. */
    content?: string | null;
    /** A piece of the thinking text. */
    thinking?: string | null;
    /** Tool calls, each complete in one object. */
    tool_calls?: OllamaWireStreamToolCall[] | null;
  } | null;
  /** True on the last object. */
  done?: boolean;
  /** Why the answer ended (`stop`, `length`, …), on the last object. */
  done_reason?: string | null;
  /** Prompt tokens, on the last object. */
  prompt_eval_count?: number | null;
  /** Completion tokens, on the last object. */
  eval_count?: number | null;
  [field: string]: unknown;
}

/** Options of {@link OllamaChatStreamMapper}. */
export interface OllamaChatStreamMapperOptions {
  /** Provider id, named in errors. */
  provider: string;
  /** The requested model, reported when the stream names none. */
  model?: string;
  /** Drop `thinking` text (`reasoning.exclude`): the model thinks, the caller does not see it. */
  excludeReasoning?: boolean;
}

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0;

/**
 * Token usage of a final object, or undefined when it reports no counts.
 * Ollama omits a count that is zero, so one count alone means the other is 0.
 */
export function mapOllamaUsage(chunk: OllamaWireChatChunk): Usage | undefined {
  const prompt = chunk.prompt_eval_count;
  const completion = chunk.eval_count;
  if (!isCount(prompt) && !isCount(completion)) return undefined;
  return createUsage(isCount(prompt) ? prompt : 0, isCount(completion) ? completion : 0);
}

/**
 * The stateful object → event mapping of one stream. Call {@link push} for
 * each object; after the stream ends, {@link finish} throws unless the final
 * object arrived. Both throw `stream` errors whose `partial` keeps what was
 * delivered.
 */
export class OllamaChatStreamMapper {
  readonly #options: OllamaChatStreamMapperOptions;
  #content = "";
  #reasoning = "";
  #calls: Array<{ id: string; name: string; arguments: string }> = [];
  #model: string | undefined;
  #reportedModel: string | undefined;
  #done = false;

  constructor(options: OllamaChatStreamMapperOptions) {
    this.#options = options;
    this.#model = options.model;
  }

  /** Whether the final (`done: true`) object arrived. */
  get finished(): boolean {
    return this.#done;
  }

  /** The parts of one stream object. */
  push(chunk: OllamaWireChatChunk): ChatStreamPartV1[] {
    if (this.#done) throw this.#error('sent another object after the final "done" one');
    if (typeof chunk !== "object" || chunk === null) throw this.#error("sent a non-object");
    const events: ChatStreamPartV1[] = [];
    if (typeof chunk.model === "string" && chunk.model !== "") {
      this.#model = chunk.model;
      if (chunk.model !== this.#reportedModel) {
        this.#reportedModel = chunk.model;
        events.push({ type: "response_metadata", model: chunk.model });
      }
    }
    const message = chunk.message;
    if (message !== undefined && message !== null) {
      const thinking = message.thinking;
      if (typeof thinking === "string" && thinking !== "" && !this.#options.excludeReasoning) {
        this.#reasoning += thinking;
        events.push({ type: "reasoning", text: thinking });
      }
      const content = message.content;
      if (typeof content === "string" && content !== "") {
        this.#content += content;
        events.push({ type: "content", text: content });
      }
      const toolCalls = message.tool_calls;
      if (Array.isArray(toolCalls)) {
        for (const toolCall of toolCalls) this.#pushToolCall(toolCall, events);
      }
    }
    if (chunk.done === true) {
      this.#done = true;
      const usage = mapOllamaUsage(chunk);
      if (usage !== undefined) events.push({ type: "usage", usage });
      const raw = typeof chunk.done_reason === "string" ? chunk.done_reason : undefined;
      events.push({
        type: "done",
        finishReason: mapOllamaDoneReason(raw, this.#calls.length > 0),
        ...(raw === undefined || raw === "" ? {} : { rawFinishReason: raw }),
        ...(usage === undefined ? {} : { usage }),
      });
    }
    return events;
  }

  #pushToolCall(toolCall: OllamaWireStreamToolCall, events: ChatStreamPartV1[]): void {
    const name = toolCall?.function?.name;
    if (typeof name !== "string" || name === "") {
      throw this.#error(`sent a tool call without a name: ${JSON.stringify(toolCall)}`);
    }
    const raw = toolCall.function?.arguments;
    let argumentsText: string;
    if (raw === undefined || raw === null) argumentsText = "{}";
    else if (typeof raw === "string") argumentsText = raw;
    else argumentsText = JSON.stringify(raw);
    const index = this.#calls.length;
    // Ollama's own ids look like `call_k3v9x2ap`; older servers send none.
    const id =
      typeof toolCall.id === "string" && toolCall.id !== "" ? toolCall.id : `call_${index}`;
    const call = { id, name, arguments: argumentsText };
    if (parseToolArguments(argumentsText) === undefined) {
      const partial = this.partial();
      partial.toolCalls = [...(partial.toolCalls ?? []), { ...call, complete: false }];
      throw new RatatoskrError({
        ...this.#about(),
        code: "stream",
        message: `${this.#options.provider} sent tool call "${name}" with arguments that are not JSON`,
        partial,
      });
    }
    this.#calls.push(call);
    events.push({ type: "tool_call_start", index, id, name });
    events.push({ type: "tool_call_delta", index, arguments: argumentsText });
    events.push(toolCallEndEvent(index, call));
  }

  /** Throw unless the final object arrived: a stream without it was cut short. */
  finish(): void {
    if (!this.#done) {
      throw new RatatoskrError({
        ...this.#about(),
        code: "stream",
        message: `The ${this.#options.provider} stream ended before its final "done" object`,
        isRetryable: true,
      });
    }
  }

  /** What was delivered so far (kept on errors); tool calls are complete when delivered. */
  partial(): PartialOutput {
    const partial: PartialOutput = { content: this.#content };
    if (this.#reasoning !== "") partial.reasoning = this.#reasoning;
    if (this.#calls.length > 0) {
      partial.toolCalls = this.#calls.map((call) => ({ ...call, complete: true }));
    }
    return partial;
  }

  #about() {
    return {
      provider: this.#options.provider,
      ...(this.#model === undefined ? {} : { model: this.#model }),
      partial: this.partial(),
    };
  }

  #error(problem: string): RatatoskrError {
    return new RatatoskrError({
      ...this.#about(),
      code: "stream",
      message: `${this.#options.provider} ${problem}`,
    });
  }
}
