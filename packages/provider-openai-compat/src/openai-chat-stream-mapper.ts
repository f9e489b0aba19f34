/**
 * Turns OpenAI-wire chat completion chunks into provider stream parts
 * ({@link ChatStreamPartV1}): the content events, a `response_metadata` part
 * as soon as the model and request id are known, and one `done`.
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
  type ChatStreamPartV1,
  type PartialOutput,
  parseToolArguments,
  RatatoskrError,
  type Usage,
  withPartial,
} from "@ratatoskr/core";
import { openAIResponseMetadata } from "./map-openai-chat-response.ts";
import { mapOpenAIStreamError } from "./map-openai-error.ts";
import { mapOpenAIFinishReason } from "./map-openai-finish-reason.ts";
import { mapOpenAIUsage, type OpenAIWireUsage } from "./map-openai-usage.ts";
import {
  OpenAIReasoningDetailsMerger,
  type OpenAIReasoningField,
  reasoningDetailsText,
  toReasoningDetails,
} from "./openai-reasoning.ts";
import { readOpenAIMessageContent } from "./read-openai-message-content.ts";

/** One streamed tool call fragment, as the wire carries it. */
export interface OpenAIWireToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** One part of a list-form `content` (Mistral): `{type: "text", text}` or `{type: "thinking", thinking: [{type: "text", text}]}`. */
export interface OpenAIWireContentPart {
  type?: string;
  text?: string;
  thinking?: Array<{ type?: string; text?: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** One chunk of an OpenAI-wire chat completion stream (the fields this mapping reads). */
export interface OpenAIWireChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: {
      role?: string | null;
      /** A string; Mistral's reasoning models send a list of `text` and `thinking` parts. */
      content?: string | OpenAIWireContentPart[] | null;
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
  readonly #requestIdHeader: string | undefined;
  #reportedModel: string | undefined;
  #reportedRequestId: string | undefined;

  /**
   * @param provider the provider id, recorded on reasoning details and errors.
   * @param requestIdHeader the response's `x-request-id` header: the request id
   *   reported (else the first chunk's `id`).
   */
  constructor(provider: string, requestIdHeader?: string | null) {
    this.#provider = provider;
    if (typeof requestIdHeader === "string" && requestIdHeader !== "")
      this.#requestIdHeader = requestIdHeader;
  }

  /** Whether the finish reason arrived. */
  get finished(): boolean {
    return this.#rawFinishReason !== undefined;
  }

  /** The parts for one chunk (often one, sometimes none or several). */
  push(chunk: OpenAIWireChunk): ChatStreamPartV1[] {
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
    const events: ChatStreamPartV1[] = [];
    if (typeof chunk.model === "string" && chunk.model !== "") this.#model = chunk.model;
    this.#pushMetadata(chunk, events);
    const choices = chunk.choices;
    const choice = choices === undefined || choices === null ? undefined : choices[0];
    if (choice !== undefined) {
      const delta = choice.delta;
      if (delta !== undefined && delta !== null) {
        this.#pushReasoning(delta, events);
        const content = delta.content;
        if (typeof content === "string") {
          if (content !== "") {
            this.#content += content;
            events.push({ type: "content", text: content });
          }
        } else if (content !== undefined && content !== null) {
          this.#pushContentParts(content, events);
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
      if (typeof finishReason === "string" && finishReason !== "") {
        if (finishReason === "error") {
          throw new RatatoskrError({
            code: "stream",
            message: `${this.#provider} ended the stream with finish_reason "error"`,
            provider: this.#provider,
            body: JSON.stringify(chunk),
            partial: this.partial(),
          });
        }
        // Some servers send a finish reason after each of several calls: the
        // first one counts, and every one ends the calls open so far.
        this.#rawFinishReason ??= finishReason;
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

  /** A `response_metadata` part when the model or the request id is new. */
  #pushMetadata(chunk: OpenAIWireChunk, events: ChatStreamPartV1[]): void {
    const requestId = this.#requestIdHeader ?? this.#reportedRequestId ?? chunk.id;
    if (this.#model === this.#reportedModel && requestId === this.#reportedRequestId) return;
    const metadata = openAIResponseMetadata(this.#model, requestId, undefined);
    if (metadata === undefined) return;
    this.#reportedModel = this.#model;
    this.#reportedRequestId = metadata.requestId;
    events.push({ type: "response_metadata", ...metadata });
  }

  #pushReasoning(
    delta: NonNullable<NonNullable<OpenAIWireChunk["choices"]>[number]["delta"]>,
    events: ChatStreamPartV1[],
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

  /** A `delta.content` list of parts (Mistral): text → content, thinking → reasoning. */
  #pushContentParts(content: unknown, events: ChatStreamPartV1[]): void {
    const reading = readOpenAIMessageContent(content);
    if (reading.problem !== undefined) {
      throw new RatatoskrError({
        code: "stream",
        message: `${this.#provider} sent ${reading.problem} in delta.content; this mapping reads a string or a list of "text" and "thinking" parts`,
        provider: this.#provider,
        ...(this.#model === undefined ? {} : { model: this.#model }),
        body: JSON.stringify(content),
        partial: this.partial(),
      });
    }
    for (const piece of reading.pieces) {
      if (piece.kind === "content") this.#content += piece.text;
      else this.#reasoning += piece.text;
      events.push({ type: piece.kind, text: piece.text });
    }
  }

  #pushToolCall(delta: OpenAIWireToolCallDelta, events: ChatStreamPartV1[]): void {
    const upstreamIndex = typeof delta.index === "number" ? delta.index : undefined;
    const id = typeof delta.id === "string" && delta.id !== "" ? delta.id : undefined;
    const rawName = delta.function?.name;
    const name = typeof rawName === "string" && rawName !== "" ? rawName : undefined;
    const fragment = delta.function?.arguments;
    if (fragment !== undefined && fragment !== null && typeof fragment !== "string") {
      throw this.#toolCallError(
        `sent tool call arguments that are not a string (${typeof fragment}) for "${name ?? ""}" (${id ?? `index ${upstreamIndex ?? "missing"}`})`,
      );
    }
    let call = this.#openByUpstreamIndex.get(upstreamIndex);
    if (call === undefined && upstreamIndex === undefined && id === undefined) {
      call = this.#calls[this.#calls.length - 1];
    }
    if (call !== undefined && startsAnotherCall(call, id, name, fragment)) call = undefined;
    if (call === undefined) {
      call = this.#startToolCall(upstreamIndex, id, name, events);
    } else if (name !== undefined && name !== call.name) {
      throw this.#toolCallError(`renamed tool call ${call.id} from "${call.name}" to "${name}"`);
    }
    if (typeof fragment !== "string" || fragment === "") return;
    if (call.complete) {
      // Its tool_call_end is delivered: a fragment now would be lost or change a final call.
      if (fragment.trim() === "") return;
      throw this.#toolCallError(
        `sent arguments for tool call "${call.name}" (${call.id}) after its end: ${JSON.stringify(fragment)}`,
      );
    }
    call.arguments += fragment;
    events.push({ type: "tool_call_delta", index: call.index, arguments: fragment });
  }

  #startToolCall(
    upstreamIndex: number | undefined,
    id: string | undefined,
    name: string | undefined,
    events: ChatStreamPartV1[],
  ): StreamToolCall {
    if (name === undefined) {
      throw this.#toolCallError(
        `sent tool call arguments before the call's name (index ${upstreamIndex ?? "missing"})`,
      );
    }
    const index = this.#calls.length;
    const call: StreamToolCall = {
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
    return call;
  }

  #toolCallError(problem: string): RatatoskrError {
    return new RatatoskrError({
      code: "stream",
      message: `${this.#provider} ${problem}`,
      provider: this.#provider,
      ...(this.#model === undefined ? {} : { model: this.#model }),
      partial: this.partial(),
    });
  }

  #endToolCalls(events: ChatStreamPartV1[]): void {
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
   * The closing parts, once the stream ended: the reasoning records to keep,
   * then `done`. Throws a `stream` error when no finish reason arrived (the
   * stream was cut short).
   */
  finish(): ChatStreamPartV1[] {
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
    const events: ChatStreamPartV1[] = [];
    // Calls that started after the finish reason end with the stream.
    this.#endToolCalls(events);
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

/**
 * Whether a delta at the index of `call` is the first delta of another call:
 * it carries another id, or (servers that send no ids) it names another tool,
 * or names a tool again with new arguments after `call`'s JSON object closed.
 */
function startsAnotherCall(
  call: StreamToolCall,
  id: string | undefined,
  name: string | undefined,
  fragment: string | null | undefined,
): boolean {
  if (id !== undefined) return id !== call.id;
  if (name === undefined) return false;
  if (name !== call.name) return true;
  return (
    typeof fragment === "string" && fragment.trim() !== "" && isCompleteJsonObject(call.arguments)
  );
}

/** Whether `text` is one whole JSON object (nothing can follow it). */
function isCompleteJsonObject(text: string): boolean {
  const trimmed = text.trim();
  return (
    trimmed.startsWith("{") && trimmed.endsWith("}") && parseToolArguments(trimmed) !== undefined
  );
}
