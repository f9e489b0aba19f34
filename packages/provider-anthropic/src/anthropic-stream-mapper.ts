/**
 * Anthropic Messages stream events → provider stream parts
 * ({@link ChatStreamPartV1}).
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  type ChatFinishPartV1,
  type ChatStreamPartV1,
  type PartialOutput,
  parseToolArguments,
  RatatoskrError,
  type ReasoningDetail,
} from "@ratatoskr/core";
import { isJsonObject } from "./anthropic-json.ts";
import {
  isServerToolResultType,
  isServerToolUseType,
  type ServerToolResultBlock,
  type ServerToolUseBlock,
  toServerToolCall,
  toServerToolResult,
} from "./anthropic-server-tools.ts";
import { AnthropicStreamProtocol, type TypedObject } from "./anthropic-stream-protocol.ts";
import {
  type AnthropicUsageFields,
  convertAnthropicUsage,
  mergeAnthropicUsage,
} from "./anthropic-usage.ts";
import { ANTHROPIC_PROVIDER_ID } from "./convert-to-anthropic-messages.ts";
import { structuredFinishReason } from "./map-anthropic-stop-reason.ts";

type BlockState =
  | { kind: "text" }
  | { kind: "thinking"; text: string; signature: string }
  | { kind: "redacted"; data: string }
  | {
      kind: "tool";
      toolIndex: number;
      id: string;
      name: string;
      arguments: string;
      complete: boolean;
    }
  | { kind: "server_call"; block: ServerToolUseBlock; arguments: string }
  | { kind: "server_result"; block: ServerToolResultBlock }
  /** The structured output tool's call: its input is the answer text. */
  | { kind: "output"; text: string }
  | { kind: "ignored" };

/** What {@link AnthropicStreamMapper.handle} returns: nothing, one part, or several in order. */
export type MappedEvents = ChatStreamPartV1 | ChatStreamPartV1[] | undefined;

/** Options of {@link AnthropicStreamMapper}. */
export interface AnthropicStreamMapperOptions {
  /** Plugin id for errors. */
  provider?: string;
  model?: string;
  /** The response's `request-id` header: the `requestId` of the `response_metadata` part (else the message id). */
  requestId?: string;
  /** Leave out `reasoning` text events (`reasoning.exclude`); reasoning details are still emitted. */
  excludeReasoning?: boolean;
  /**
   * The forced tool of tool-based structured output: its input streams as
   * `content` (JSON text), never as tool call events, and a `tool_use` stop
   * caused by it alone finishes with `stop`.
   */
  outputTool?: string;
}

/**
 * A stateful translator for one stream, fed one raw event at a time:
 *
 * - `message_start` → a `response_metadata` part (the model that answers,
 *   the request id);
 * - `text_delta` → `content`; `thinking_delta` → `reasoning`;
 * - a thinking block's `content_block_stop` → `reasoning_detail`
 *   (`{type: "text", text, signature, provider: "anthropic"}`), a
 *   `redacted_thinking` block → `{type: "redacted", data, provider}`;
 * - `tool_use` start → `tool_call_start` (tool calls numbered 0, 1, … in
 *   order), `input_json_delta` → `tool_call_delta`, its `content_block_stop` →
 *   `tool_call_end` once the whole buffer parses as JSON (an empty buffer is `{}`);
 * - `server_tool_use` / `mcp_tool_use` → one `server_tool_call` at the block's
 *   stop, with the parsed input; a `*_tool_result` block → one
 *   `server_tool_result` at its stop. They never produce `tool_call_*` events;
 * - `message_delta` keeps `stop_reason` and the cumulative usage;
 * - with `outputTool`, that tool's `tool_use` block streams its input as
 *   `content` (the JSON answer text), not as tool call events;
 * - `message_stop` → `usage` (when known) and `done` (finish reason, usage).
 *
 * Every event is checked by {@link AnthropicStreamProtocol} before anything
 * it would produce is returned: a protocol violation or a malformed event
 * throws a `stream` error (with the partial output), and so does every later
 * call. Unknown event, block and delta types are skipped (citations too), as
 * the API's versioning policy asks. `ping` never reaches it (the provider
 * drops it).
 */
export class AnthropicStreamMapper {
  #blocks: BlockState[] = [];
  #toolCount = 0;
  #serverCallNames = new Map<string, string>();
  #usage: AnthropicUsageFields | undefined;
  #stopReason: string | null = null;
  #model: string | undefined;
  #content: string[] = [];
  #reasoning: string[] = [];
  #finished = false;
  #failure: RatatoskrError | undefined;
  readonly #protocol = new AnthropicStreamProtocol((message) => {
    throw this.#fail(message);
  });
  readonly #provider: string;
  readonly #requestId: string | undefined;
  readonly #excludeReasoning: boolean;
  readonly #outputTool: string | undefined;
  #answered = false;

  constructor(options: AnthropicStreamMapperOptions = {}) {
    this.#provider = options.provider ?? ANTHROPIC_PROVIDER_ID;
    this.#model = options.model;
    this.#requestId = options.requestId;
    this.#excludeReasoning = options.excludeReasoning === true;
    this.#outputTool = options.outputTool;
  }

  /** Whether `message_stop` was seen (the stream completed). */
  get isFinished(): boolean {
    return this.#finished;
  }

  /** The protocol violation that broke the stream, if one did. */
  get failure(): RatatoskrError | undefined {
    return this.#failure;
  }

  /**
   * Translate one SSE event: `data` is parsed as JSON and checked to be the
   * event `eventName` announced. Throws a `stream` error when it is not.
   */
  handleSse(eventName: string | undefined, data: string): MappedEvents {
    if (this.#failure !== undefined) throw this.#failure;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch (error) {
      throw this.#fail(`The data of a "${eventName ?? "message"}" event is not JSON`, error);
    }
    return this.handle(event as Anthropic.RawMessageStreamEvent, eventName);
  }

  /**
   * Translate one raw stream event. `eventName` is the SSE event name, when
   * known: it must agree with the payload's `type`. Throws a `stream` error
   * when the protocol is broken.
   */
  handle(event: Anthropic.RawMessageStreamEvent, eventName?: string): MappedEvents {
    if (this.#failure !== undefined) throw this.#failure;
    const checked = this.#protocol.check(event, eventName);
    switch (checked.type) {
      case "message_start":
        this.#usage = mergeAnthropicUsage(this.#usage, usageFields(checked.message.usage));
        return this.#metadata(checked.message);
      case "content_block_start":
        return this.#start(checked.block);
      case "content_block_delta":
        return this.#delta(this.#blocks[checked.index]!, checked.delta);
      case "content_block_stop":
        return this.#stop(this.#blocks[checked.index]!);
      case "message_delta":
        if (checked.stopReason !== undefined) this.#stopReason = checked.stopReason;
        this.#usage = mergeAnthropicUsage(this.#usage, usageFields(checked.usage));
        return undefined;
      case "message_stop":
        return this.#finish();
      default:
        return undefined;
    }
  }

  #metadata(message: { model?: unknown; id?: unknown }): MappedEvents {
    const model = typeof message.model === "string" ? message.model : undefined;
    if (model !== undefined) this.#model = model;
    const requestId =
      this.#requestId ??
      (typeof message.id === "string" && message.id !== "" ? message.id : undefined);
    if (model === undefined && requestId === undefined) return undefined;
    return {
      type: "response_metadata",
      ...(model === undefined ? {} : { model }),
      ...(requestId === undefined ? {} : { requestId }),
    };
  }

  #start(block: TypedObject): MappedEvents {
    const state = this.#blockState(block);
    this.#blocks.push(state);
    switch (state.kind) {
      case "text": {
        const text = (block.text as string | undefined) ?? "";
        return text === "" ? undefined : this.#text(text);
      }
      case "thinking":
        return state.text === "" ? undefined : this.#reasoningEvent(state.text);
      case "output":
        return state.text === "" ? undefined : this.#text(state.text);
      case "tool": {
        const start: ChatStreamPartV1 = {
          type: "tool_call_start",
          index: state.toolIndex,
          id: state.id,
          name: state.name,
        };
        return state.arguments === ""
          ? start
          : [
              start,
              { type: "tool_call_delta", index: state.toolIndex, arguments: state.arguments },
            ];
      }
      default:
        return undefined;
    }
  }

  #blockState(block: TypedObject): BlockState {
    switch (block.type) {
      case "text":
        return { kind: "text" };
      case "thinking":
        return {
          kind: "thinking",
          text: (block.thinking as string | undefined) ?? "",
          signature: typeof block.signature === "string" ? block.signature : "",
        };
      case "redacted_thinking":
        return { kind: "redacted", data: block.data as string };
      case "tool_use":
        if (this.#outputTool !== undefined && block.name === this.#outputTool) {
          this.#answered = true;
          return { kind: "output", text: initialInput(block.input) };
        }
        return {
          kind: "tool",
          toolIndex: this.#toolCount++,
          id: block.id as string,
          name: block.name as string,
          arguments: initialInput(block.input),
          complete: false,
        };
      default:
        if (isServerToolUseType(block.type)) {
          return {
            kind: "server_call",
            block: block as ServerToolUseBlock,
            arguments: initialInput(block.input),
          };
        }
        if (isServerToolResultType(block.type)) {
          return { kind: "server_result", block: block as ServerToolResultBlock };
        }
        return { kind: "ignored" };
    }
  }

  #delta(state: BlockState, delta: TypedObject): MappedEvents {
    switch (delta.type) {
      case "text_delta": {
        const text = delta.text as string;
        return text === "" ? undefined : this.#text(text);
      }
      case "thinking_delta": {
        const text = delta.thinking as string;
        if (state.kind === "thinking") state.text += text;
        return text === "" ? undefined : this.#reasoningEvent(text);
      }
      case "signature_delta":
        if (state.kind === "thinking") state.signature += delta.signature as string;
        return undefined;
      case "input_json_delta": {
        const piece = delta.partial_json as string;
        if (piece !== "" && state.kind === "output") {
          state.text += piece;
          return this.#text(piece);
        }
        if (piece === "" || (state.kind !== "tool" && state.kind !== "server_call")) {
          return undefined;
        }
        state.arguments += piece;
        return state.kind === "tool"
          ? { type: "tool_call_delta", index: state.toolIndex, arguments: piece }
          : undefined;
      }
      default:
        // citations_delta: citations are not mapped.
        return undefined;
    }
  }

  #stop(state: BlockState): MappedEvents {
    switch (state.kind) {
      case "thinking": {
        const detail: ReasoningDetail = {
          type: "text",
          text: state.text,
          provider: ANTHROPIC_PROVIDER_ID,
        };
        if (state.signature !== "") detail.signature = state.signature;
        return { type: "reasoning_detail", detail };
      }
      case "redacted":
        return {
          type: "reasoning_detail",
          detail: { type: "redacted", data: state.data, provider: ANTHROPIC_PROVIDER_ID },
        };
      case "tool":
        return this.#endToolCall(state);
      case "output":
        if (parseToolArguments(state.text) === undefined) {
          throw this.#fail("The structured output tool call ended with an input that is not JSON");
        }
        return state.text === "" ? this.#text("{}") : undefined;
      case "server_call": {
        const parsed = parseToolArguments(state.arguments);
        if (parsed === undefined) {
          throw this.#fail(
            `Server tool call "${state.block.name}" (${state.block.id}) ended with an input that is not JSON`,
          );
        }
        this.#serverCallNames.set(state.block.id, state.block.name);
        return { type: "server_tool_call", call: toServerToolCall(state.block, parsed.value) };
      }
      case "server_result":
        return {
          type: "server_tool_result",
          result: toServerToolResult(
            state.block,
            this.#serverCallNames.get(state.block.tool_use_id),
          ),
        };
      default:
        return undefined;
    }
  }

  #endToolCall(state: Extract<BlockState, { kind: "tool" }>): MappedEvents {
    const parsed = parseToolArguments(state.arguments);
    if (parsed === undefined) {
      throw this.#fail(
        `Tool call "${state.name}" (index ${state.toolIndex}) ended with arguments that are not JSON`,
      );
    }
    const events: ChatStreamPartV1[] = [];
    if (state.arguments === "") {
      state.arguments = "{}";
      events.push({ type: "tool_call_delta", index: state.toolIndex, arguments: "{}" });
    }
    state.complete = true;
    events.push({
      type: "tool_call_end",
      index: state.toolIndex,
      id: state.id,
      name: state.name,
      arguments: state.arguments,
      parsedArguments: parsed.value,
    });
    return events.length === 1 ? events[0] : events;
  }

  #finish(): MappedEvents {
    this.#finished = true;
    const usage = convertAnthropicUsage(this.#usage);
    const done: ChatFinishPartV1 = {
      type: "done",
      finishReason: structuredFinishReason(this.#stopReason, this.#answered, this.#toolCount),
      ...(this.#stopReason === null ? {} : { rawFinishReason: this.#stopReason }),
      ...(usage === undefined ? {} : { usage }),
    };
    return usage === undefined ? done : [{ type: "usage", usage }, done];
  }

  #text(text: string): ChatStreamPartV1 {
    this.#content.push(text);
    return { type: "content", text };
  }

  #reasoningEvent(text: string): MappedEvents {
    if (this.#excludeReasoning) return undefined;
    this.#reasoning.push(text);
    return { type: "reasoning", text };
  }

  /** What was delivered so far: kept on errors so nothing is lost. */
  partial(): PartialOutput {
    const partial: PartialOutput = { content: this.#content.join("") };
    if (this.#reasoning.length > 0) partial.reasoning = this.#reasoning.join("");
    const calls = this.#blocks.flatMap((state) => (state.kind === "tool" ? [state] : []));
    if (calls.length > 0) {
      partial.toolCalls = calls.map(({ id, name, arguments: args, complete }) => ({
        id,
        name,
        arguments: args,
        complete,
      }));
    }
    return partial;
  }

  /** Record a protocol violation: this error, and every later call, ends the stream. */
  #fail(message: string, cause?: unknown): RatatoskrError {
    this.#failure = new RatatoskrError({
      code: "stream",
      message,
      provider: this.#provider,
      ...(this.#model === undefined ? {} : { model: this.#model }),
      ...(cause === undefined ? {} : { cause }),
      isRetryable: true,
      partial: this.partial(),
    });
    return this.#failure;
  }
}

/** A `tool_use` / `server_tool_use` start's input as JSON text: "" when empty (deltas follow). */
function initialInput(input: unknown): string {
  return isJsonObject(input) && Object.keys(input).length > 0 ? JSON.stringify(input) : "";
}

function usageFields(usage: unknown): AnthropicUsageFields | undefined {
  return isJsonObject(usage) ? (usage as AnthropicUsageFields) : undefined;
}
