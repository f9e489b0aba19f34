/**
 * Turns OpenAI-wire chat completion chunks into the core's {@link ChatEvent}s.
 * Shared by every OpenAI-compatible preset (OpenAI, OpenRouter, Ollama,
 * Hugging Face router, any `createOpenAICompatible` server).
 *
 * Tool calls are keyed by the chunk's `index`, so parallel calls whose
 * argument fragments interleave are kept apart. A delta whose `id` differs
 * from the call open at its index starts a new call: Ollama sends `index: 0`
 * for every one of several parallel calls. Calls end (`tool_call_end`) only
 * at the finish reason, after their whole argument buffer parsed as JSON.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 * @see https://openrouter.ai/docs/api-reference/streaming
 */
import {
  type ChatEvent,
  type PartialOutput,
  parseToolArguments,
  RatatoskrError,
  type Usage,
  withPartial,
} from "@ratatoskr/core";
import { mapOpenAIStreamError } from "./map-openai-error.ts";
import { mapOpenAIFinishReason } from "./map-openai-finish-reason.ts";
import { mapOpenAIUsage, type OpenAIWireUsage } from "./map-openai-usage.ts";
import {
  OpenAIReasoningDetailsMerger,
  type OpenAIReasoningField,
  reasoningDetailsText,
  toReasoningDetails,
} from "./openai-reasoning.ts";

/** One streamed tool call fragment, as the wire carries it. */
export interface OpenAIWireToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** One chunk of an OpenAI-wire chat completion stream (the fields this mapping reads). */
export interface OpenAIWireChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: {
      role?: string | null;
      content?: string | null;
      refusal?: string | null;
      reasoning?: string | null;
      reasoning_content?: string | null;
      reasoning_details?: unknown;
      tool_calls?: OpenAIWireToolCallDelta[] | null;
    } | null;
    finish_reason?: string | null;
  }> | null;
  usage?: OpenAIWireUsage | null;
  error?: unknown;
  [key: string]: unknown;
}

interface StreamToolCall {
  index: number;
  upstreamIndex: number | undefined;
  id: string;
  name: string;
  arguments: string;
  complete: boolean;
}

/**
 * The stateful chunk → event mapping of one stream. Call {@link push} for
 * each chunk, then {@link finish} when the stream ended. Both throw a
 * `stream` {@link RatatoskrError} whose `partial` keeps what was delivered.
 */
export class OpenAIChatStreamMapper {
  readonly #provider: string;
  #content = "";
  #reasoning = "";
  #reasoningField: OpenAIReasoningField | undefined;
  #details = new OpenAIReasoningDetailsMerger();
  #calls: StreamToolCall[] = [];
  #openByUpstreamIndex = new Map<number | undefined, StreamToolCall>();
  #rawFinishReason: string | undefined;
  #usage: Usage | undefined;
  #model: string | undefined;

  /** @param provider the plugin id, recorded on reasoning details and errors. */
  constructor(provider: string) {
    this.#provider = provider;
  }

  /** Whether the finish reason arrived. */
  get finished(): boolean {
    return this.#rawFinishReason !== undefined;
  }

  /** The events for one chunk (often one, sometimes none or several). */
  push(chunk: OpenAIWireChunk): ChatEvent[] {
    if (chunk.error !== undefined && chunk.error !== null) {
      // An error object after a 200 (OpenRouter, vLLM). The SDK throws these
      // before they get here; chunks from another SSE reader map the same way.
      throw withPartial(
        mapOpenAIStreamError(chunk.error, {
          provider: this.#provider,
          ...(this.#model === undefined ? {} : { model: this.#model }),
        }),
        this.partial(),
      );
    }
    const events: ChatEvent[] = [];
    if (typeof chunk.model === "string" && chunk.model !== "") this.#model = chunk.model;
    const choices = chunk.choices;
    const choice = choices === undefined || choices === null ? undefined : choices[0];
    if (choice !== undefined) {
      const delta = choice.delta;
      if (delta !== undefined && delta !== null) {
        this.#pushReasoning(delta, events);
        const content = delta.content;
        if (typeof content === "string" && content !== "") {
          this.#content += content;
          events.push({ type: "content", text: content });
        }
        // A refusal (structured outputs) is the model's answer too: keep its text.
        const refusal = delta.refusal;
        if (typeof refusal === "string" && refusal !== "") {
          this.#content += refusal;
          events.push({ type: "content", text: refusal });
        }
        const toolCalls = delta.tool_calls;
        if (Array.isArray(toolCalls)) {
          for (const toolCall of toolCalls) this.#pushToolCall(toolCall, events);
        }
      }
      const finishReason = choice.finish_reason;
      if (
        typeof finishReason === "string" &&
        finishReason !== "" &&
        this.#rawFinishReason === undefined
      ) {
        if (finishReason === "error") {
          throw new RatatoskrError({
            code: "stream",
            message: `${this.#provider} ended the stream with finish_reason "error"`,
            provider: this.#provider,
            body: JSON.stringify(chunk),
            partial: this.partial(),
          });
        }
        this.#rawFinishReason = finishReason;
        this.#endToolCalls(events);
      }
    }
    const usage = mapOpenAIUsage(
      chunk.usage ?? (chunk.x_groq as { usage?: OpenAIWireUsage } | undefined)?.usage,
    );
    if (usage !== undefined) {
      this.#usage = usage;
      events.push({ type: "usage", usage });
    }
    return events;
  }

  #pushReasoning(
    delta: NonNullable<NonNullable<OpenAIWireChunk["choices"]>[number]["delta"]>,
    events: ChatEvent[],
  ): void {
    const details = delta.reasoning_details;
    if (details !== undefined && details !== null) this.#details.push(details);
    let text: string | undefined;
    if (typeof delta.reasoning === "string" && delta.reasoning !== "") {
      text = delta.reasoning;
      this.#reasoningField ??= "reasoning";
    } else if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") {
      text = delta.reasoning_content;
      this.#reasoningField ??= "reasoning_content";
    } else if (details !== undefined && details !== null) {
      const fromDetails = reasoningDetailsText(details);
      if (fromDetails !== "") text = fromDetails;
    }
    if (text !== undefined) {
      this.#reasoning += text;
      events.push({ type: "reasoning", text });
    }
  }

  #pushToolCall(delta: OpenAIWireToolCallDelta, events: ChatEvent[]): void {
    const upstreamIndex = typeof delta.index === "number" ? delta.index : undefined;
    const id = typeof delta.id === "string" && delta.id !== "" ? delta.id : undefined;
    const name = delta.function?.name;
    const fragment = delta.function?.arguments;
    let call = this.#openByUpstreamIndex.get(upstreamIndex);
    if (call === undefined && upstreamIndex === undefined && id === undefined) {
      call = this.#calls[this.#calls.length - 1];
    }
    if (call?.complete) {
      // Deltas after the finish reason cannot change a completed call.
      return;
    }
    if (call === undefined || (id !== undefined && id !== call.id)) {
      if (this.#rawFinishReason !== undefined) {
        // It could never get its tool_call_end: refuse it rather than drop it.
        throw new RatatoskrError({
          code: "stream",
          message: `${this.#provider} started tool call "${name ?? ""}" after the finish reason (${this.#rawFinishReason})`,
          provider: this.#provider,
          partial: this.partial(),
        });
      }
      if (typeof name !== "string" || name === "") {
        throw new RatatoskrError({
          code: "stream",
          message: `${this.#provider} sent tool call arguments before the call's name (index ${upstreamIndex ?? "missing"})`,
          provider: this.#provider,
          partial: this.partial(),
        });
      }
      const index = this.#calls.length;
      call = {
        index,
        upstreamIndex,
        id: id ?? `call_${index}`,
        name,
        arguments: "",
        complete: false,
      };
      this.#calls.push(call);
      this.#openByUpstreamIndex.set(upstreamIndex, call);
      events.push({ type: "tool_call_start", index, id: call.id, name });
    }
    if (typeof fragment === "string" && fragment !== "") {
      call.arguments += fragment;
      events.push({ type: "tool_call_delta", index: call.index, arguments: fragment });
    }
  }

  #endToolCalls(events: ChatEvent[]): void {
    for (const call of this.#calls) {
      if (call.complete) continue;
      if (call.arguments.trim() === "") {
        // A call of a tool without parameters: some servers send no arguments at all.
        call.arguments = "{}";
        events.push({ type: "tool_call_delta", index: call.index, arguments: "{}" });
      }
      const parsed = parseToolArguments(call.arguments);
      if (parsed === undefined) {
        throw new RatatoskrError({
          code: "stream",
          message: `${this.#provider} finished (${this.#rawFinishReason}) with incomplete JSON arguments for tool call "${call.name}" (${call.id})`,
          provider: this.#provider,
          ...(this.#model === undefined ? {} : { model: this.#model }),
          partial: this.partial(),
          details: { finishReason: this.#rawFinishReason },
        });
      }
      call.complete = true;
      events.push({
        type: "tool_call_end",
        index: call.index,
        id: call.id,
        name: call.name,
        arguments: call.arguments,
        parsedArguments: parsed.value,
      });
    }
  }

  /**
   * The closing events, once the stream ended: the reasoning records to keep,
   * then `done`. Throws a `stream` error when no finish reason arrived (the
   * stream was cut short).
   */
  finish(): ChatEvent[] {
    const raw = this.#rawFinishReason;
    if (raw === undefined) {
      throw new RatatoskrError({
        code: "stream",
        message: `${this.#provider} ended the stream without a finish reason`,
        provider: this.#provider,
        ...(this.#model === undefined ? {} : { model: this.#model }),
        partial: this.partial(),
        isRetryable: true,
      });
    }
    const events: ChatEvent[] = [];
    for (const detail of toReasoningDetails(
      this.#provider,
      this.#details.entries(),
      this.#reasoningField,
      this.#reasoning,
    )) {
      events.push({ type: "reasoning_detail", detail });
    }
    let finishReason = mapOpenAIFinishReason(raw);
    // Some servers (Ollama, llama.cpp) say "stop" after tool calls.
    if (finishReason === "stop" && this.#calls.length > 0) finishReason = "tool_calls";
    events.push({
      type: "done",
      finishReason,
      rawFinishReason: raw,
      ...(this.#usage === undefined ? {} : { usage: this.#usage }),
      ...(this.#model === undefined ? {} : { model: this.#model }),
    });
    return events;
  }

  /** What was delivered so far (kept on errors). */
  partial(): PartialOutput {
    const partial: PartialOutput = { content: this.#content };
    if (this.#reasoning !== "") partial.reasoning = this.#reasoning;
    if (this.#calls.length > 0) {
      partial.toolCalls = this.#calls.map(({ id, name, arguments: args, complete }) => ({
        id,
        name,
        arguments: args,
        complete,
      }));
    }
    return partial;
  }
}
