/**
 * Rebuilds a {@link ChatResponse} from a {@link ChatEvent} stream. Tool calls
 * are keyed by `index`, so parallel calls whose deltas interleave are
 * reassembled correctly. Server tool calls and results are kept apart from
 * client tool calls, each with its place in the text (`contentOffset`).
 */
import { abortedError, type PartialOutput, RatatoskrError } from "./errors.ts";
import type { ChatEvent, DoneEvent } from "./events.ts";
import type { ReasoningDetail } from "./messages.ts";
import type { ChatResponse } from "./responses.ts";
import type { ServerToolCall, ServerToolResult } from "./server-tools.ts";
import type { ToolCall } from "./tools.ts";
import type { Usage } from "./usage.ts";

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
  complete: boolean;
}

/**
 * Accumulates events; call {@link ChatStreamAccumulator.push} for each, then
 * {@link ChatStreamAccumulator.toResponse} after `done`.
 */
export class ChatStreamAccumulator {
  #content: string[] = [];
  #contentLength = 0;
  #reasoning: string[] = [];
  #details: ReasoningDetail[] = [];
  #toolCalls = new Map<number, PendingToolCall>();
  #clientCallIds = new Set<string>();
  #serverCalls: ServerToolCall[] = [];
  #serverResults: ServerToolResult[] = [];
  #usage: Usage | undefined;
  #done: DoneEvent | undefined;

  /** Whether a `done` event was seen. */
  get isDone(): boolean {
    return this.#done !== undefined;
  }

  /** Add one event. Throws a `stream` error on an event that breaks the protocol. */
  push(event: ChatEvent): void {
    if (this.#done !== undefined) {
      throw streamError(`Received a "${event.type}" event after "done"`, this.partial());
    }
    switch (event.type) {
      case "content":
        this.#content.push(event.text);
        this.#contentLength += event.text.length;
        return;
      case "reasoning":
        this.#reasoning.push(event.text);
        return;
      case "reasoning_detail":
        this.#details.push(event.detail);
        return;
      case "tool_call_start": {
        if (this.#toolCalls.has(event.index)) {
          throw streamError(`Tool call index ${event.index} started twice`, this.partial());
        }
        if (this.#serverCalls.some((call) => call.id === event.id)) {
          throw streamError(
            `Tool call id "${event.id}" is already a server tool call: the provider runs it, not the caller`,
            this.partial(),
          );
        }
        this.#clientCallIds.add(event.id);
        this.#toolCalls.set(event.index, {
          id: event.id,
          name: event.name,
          arguments: "",
          complete: false,
        });
        return;
      }
      case "tool_call_delta": {
        const call = this.#pendingCall(event.index, "tool_call_delta");
        if (call.complete) {
          throw streamError(
            `Tool call index ${event.index} received arguments after its end`,
            this.partial(),
          );
        }
        call.arguments += event.arguments;
        return;
      }
      case "tool_call_end": {
        const call = this.#pendingCall(event.index, "tool_call_end");
        if (call.complete) {
          throw streamError(`Tool call index ${event.index} ended twice`, this.partial());
        }
        if (
          event.id !== call.id ||
          event.name !== call.name ||
          event.arguments !== call.arguments
        ) {
          throw streamError(
            `"tool_call_end" for tool call index ${event.index} disagrees with its start and deltas`,
            this.partial(),
          );
        }
        call.complete = true;
        return;
      }
      case "server_tool_call":
        this.#pushServerCall(event.call);
        return;
      case "server_tool_result":
        this.#pushServerResult(event.result);
        return;
      case "usage":
        this.#usage = event.usage;
        return;
      case "done": {
        const open = [...this.#toolCalls.entries()].filter(([, call]) => !call.complete);
        if (open.length > 0) {
          throw streamError(
            `Stream finished with tool call(s) never ended: index ${open.map(([index]) => index).join(", ")}`,
            this.partial(),
          );
        }
        if (event.usage !== undefined) this.#usage = event.usage;
        this.#done = event;
        return;
      }
      default: {
        const unknown: never = event;
        throw streamError(`Unknown chat event ${JSON.stringify(unknown)}`, this.partial());
      }
    }
  }

  #pushServerCall(call: ServerToolCall): void {
    if (this.#serverCalls.some((seen) => seen.id === call.id)) {
      throw streamError(`Server tool call "${call.id}" was delivered twice`, this.partial());
    }
    if (this.#clientCallIds.has(call.id)) {
      throw streamError(
        `Server tool call id "${call.id}" is already a client tool call`,
        this.partial(),
      );
    }
    this.#serverCalls.push({ ...call, contentOffset: this.#contentLength });
  }

  #pushServerResult(result: ServerToolResult): void {
    if (this.#serverResults.some((seen) => seen.toolCallId === result.toolCallId)) {
      throw streamError(
        `The result of server tool call "${result.toolCallId}" was delivered twice`,
        this.partial(),
      );
    }
    this.#serverResults.push({ ...result, contentOffset: this.#contentLength });
  }

  #pendingCall(index: number, type: string): PendingToolCall {
    const call = this.#toolCalls.get(index);
    if (call === undefined) {
      throw streamError(`"${type}" for tool call index ${index} before its start`, this.partial());
    }
    return call;
  }

  /** What has been delivered so far (kept on errors so nothing is lost). */
  partial(): PartialOutput {
    const partial: PartialOutput = { content: this.#content.join("") };
    if (this.#reasoning.length > 0) partial.reasoning = this.#reasoning.join("");
    if (this.#toolCalls.size > 0) {
      partial.toolCalls = this.#sortedCalls().map((call) => ({ ...call }));
    }
    return partial;
  }

  #sortedCalls(): PendingToolCall[] {
    return [...this.#toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  }

  /** The complete response. Throws a `stream` error if `done` was never seen. */
  toResponse(): ChatResponse {
    const done = this.#done;
    if (done === undefined) {
      throw streamError("The stream ended without a finish marker", this.partial());
    }
    const toolCalls: ToolCall[] = this.#sortedCalls().map(({ id, name, arguments: args }) => ({
      id,
      name,
      arguments: args,
    }));
    const response: ChatResponse = {
      content: this.#content.join(""),
      toolCalls,
      finishReason: done.finishReason,
    };
    if (this.#reasoning.length > 0) response.reasoning = this.#reasoning.join("");
    if (this.#details.length > 0) response.reasoningDetails = [...this.#details];
    if (this.#serverCalls.length > 0) response.serverToolCalls = [...this.#serverCalls];
    if (this.#serverResults.length > 0) response.serverToolResults = [...this.#serverResults];
    if (this.#usage !== undefined) response.usage = this.#usage;
    if (done.model !== undefined) response.model = done.model;
    if (done.provider !== undefined) response.provider = done.provider;
    if (done.rawFinishReason !== undefined) response.rawFinishReason = done.rawFinishReason;
    if (done.requestId !== undefined) response.requestId = done.requestId;
    if (done.warnings !== undefined) response.warnings = done.warnings;
    return response;
  }
}

function streamError(message: string, partial: PartialOutput): RatatoskrError {
  return new RatatoskrError({ code: "stream", message, partial });
}

/**
 * Consume a chat stream into a {@link ChatResponse}. A stream that ends
 * without `done` rejects with a `stream` error whose `partial` keeps the
 * text delivered so far; an error thrown by the stream gets the partial
 * output attached when it has none.
 */
export async function collectChatStream(
  stream: AsyncIterable<ChatEvent>,
  signal?: AbortSignal,
): Promise<ChatResponse> {
  const accumulator = new ChatStreamAccumulator();
  try {
    for await (const event of stream) accumulator.push(event);
  } catch (error) {
    throw withPartial(error, accumulator.partial(), signal);
  }
  if (!accumulator.isDone && signal?.aborted) throw abortedError(signal, accumulator.partial());
  return accumulator.toResponse();
}

/** Attach `partial` to a RatatoskrError that lacks one; wrap foreign errors. */
export function withPartial(
  error: unknown,
  partial: PartialOutput,
  signal?: AbortSignal,
): RatatoskrError {
  if (RatatoskrError.isInstance(error)) {
    if (
      error.partial !== undefined ||
      (partial.content === "" && !partial.toolCalls && !partial.reasoning)
    ) {
      return error;
    }
    return new RatatoskrError({
      code: error.code,
      message: error.message,
      cause: error.cause,
      ...(error.provider === undefined ? {} : { provider: error.provider }),
      ...(error.model === undefined ? {} : { model: error.model }),
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.body === undefined ? {} : { body: error.body }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      isRetryable: error.isRetryable,
      ...(error.limit === undefined ? {} : { limit: error.limit }),
      ...(error.reason === undefined ? {} : { reason: error.reason }),
      ...(error.timeoutKind === undefined ? {} : { timeoutKind: error.timeoutKind }),
      ...(error.details === undefined ? {} : { details: error.details }),
      partial,
    });
  }
  if (signal?.aborted) return abortedError(signal, partial);
  return new RatatoskrError({
    code: "stream",
    message: `The stream failed: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
    partial,
  });
}
