/**
 * Anthropic Messages stream events → Ratatoskr {@link ChatEvent}s.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  type ChatEvent,
  type DoneEvent,
  type PartialOutput,
  parseToolArguments,
  RatatoskrError,
  type ReasoningDetail,
} from "@ratatoskr/core";
import {
  type AnthropicUsageFields,
  convertAnthropicUsage,
  mergeAnthropicUsage,
} from "./anthropic-usage.ts";
import { ANTHROPIC_PROVIDER_ID } from "./convert-to-anthropic-messages.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";

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
  | { kind: "ignored" };

/** What {@link AnthropicStreamMapper.handle} returns: nothing, one event, or several in order. */
export type MappedEvents = ChatEvent | ChatEvent[] | undefined;

/** Options of {@link AnthropicStreamMapper}. */
export interface AnthropicStreamMapperOptions {
  /** Plugin id for errors. */
  provider?: string;
  model?: string;
  /** Leave out `reasoning` text events (`reasoning.exclude`); reasoning details are still emitted. */
  excludeReasoning?: boolean;
}

/**
 * A stateful translator for one stream, fed one raw event at a time:
 *
 * - `text_delta` → `content`; `thinking_delta` → `reasoning`;
 * - a thinking block's `content_block_stop` → `reasoning_detail`
 *   (`{type: "text", text, signature, provider: "anthropic"}`), a
 *   `redacted_thinking` block → `{type: "redacted", data, provider}`;
 * - `tool_use` start → `tool_call_start` (tool calls numbered 0, 1, … in
 *   order), `input_json_delta` → `tool_call_delta`, its `content_block_stop` →
 *   `tool_call_end` once the whole buffer parses as JSON (an empty buffer is `{}`);
 * - `message_delta` keeps `stop_reason` and the cumulative usage;
 * - `message_stop` → `usage` (when known) and `done`.
 *
 * `ping` never reaches it (the provider drops it) and unknown events or blocks
 * (server tools, citations) are ignored.
 */
export class AnthropicStreamMapper {
  #blocks: BlockState[] = [];
  #toolCount = 0;
  #usage: AnthropicUsageFields | undefined;
  #stopReason: string | null = null;
  #model: string | undefined;
  #content: string[] = [];
  #reasoning: string[] = [];
  #finished = false;
  readonly #provider: string;
  readonly #excludeReasoning: boolean;

  constructor(options: AnthropicStreamMapperOptions = {}) {
    this.#provider = options.provider ?? ANTHROPIC_PROVIDER_ID;
    this.#model = options.model;
    this.#excludeReasoning = options.excludeReasoning === true;
  }

  /** Whether `message_stop` was seen (the stream completed). */
  get isFinished(): boolean {
    return this.#finished;
  }

  /** Translate one raw stream event. Throws a `stream` error when the protocol is broken. */
  handle(event: Anthropic.RawMessageStreamEvent): MappedEvents {
    switch (event.type) {
      case "content_block_delta":
        return this.#delta(event);
      case "content_block_start":
        return this.#start(event);
      case "content_block_stop":
        return this.#stop(event.index);
      case "message_start":
        this.#model = event.message.model ?? this.#model;
        this.#usage = mergeAnthropicUsage(this.#usage, event.message.usage);
        return undefined;
      case "message_delta":
        if (event.delta.stop_reason !== null && event.delta.stop_reason !== undefined) {
          this.#stopReason = event.delta.stop_reason;
        }
        this.#usage = mergeAnthropicUsage(this.#usage, event.usage);
        return undefined;
      case "message_stop":
        return this.#finish();
      default:
        return undefined;
    }
  }

  #start(event: Anthropic.RawContentBlockStartEvent): MappedEvents {
    const block = event.content_block;
    switch (block.type) {
      case "text":
        this.#blocks[event.index] = { kind: "text" };
        return block.text === "" ? undefined : this.#text(block.text);
      case "thinking":
        this.#blocks[event.index] = {
          kind: "thinking",
          text: block.thinking,
          signature: block.signature ?? "",
        };
        return block.thinking === "" ? undefined : this.#reasoningEvent(block.thinking);
      case "redacted_thinking":
        this.#blocks[event.index] = { kind: "redacted", data: block.data };
        return undefined;
      case "tool_use": {
        const input = block.input;
        const initial =
          input !== null && typeof input === "object" && Object.keys(input).length > 0
            ? JSON.stringify(input)
            : "";
        const state = {
          kind: "tool" as const,
          toolIndex: this.#toolCount++,
          id: block.id,
          name: block.name,
          arguments: initial,
          complete: false,
        };
        this.#blocks[event.index] = state;
        const start: ChatEvent = {
          type: "tool_call_start",
          index: state.toolIndex,
          id: block.id,
          name: block.name,
        };
        return initial === ""
          ? start
          : [start, { type: "tool_call_delta", index: state.toolIndex, arguments: initial }];
      }
      default:
        this.#blocks[event.index] = { kind: "ignored" };
        return undefined;
    }
  }

  #delta(event: Anthropic.RawContentBlockDeltaEvent): MappedEvents {
    const delta = event.delta;
    const block = this.#blocks[event.index];
    switch (delta.type) {
      case "text_delta":
        return delta.text === "" ? undefined : this.#text(delta.text);
      case "thinking_delta":
        if (block?.kind === "thinking") block.text += delta.thinking;
        return delta.thinking === "" ? undefined : this.#reasoningEvent(delta.thinking);
      case "signature_delta":
        if (block?.kind === "thinking") block.signature += delta.signature;
        return undefined;
      case "input_json_delta": {
        if (block?.kind !== "tool") {
          throw this.#error(
            `input_json_delta for content block ${event.index}, which is not a tool_use block`,
          );
        }
        if (delta.partial_json === "") return undefined;
        block.arguments += delta.partial_json;
        return { type: "tool_call_delta", index: block.toolIndex, arguments: delta.partial_json };
      }
      default:
        return undefined;
    }
  }

  #stop(index: number): MappedEvents {
    const block = this.#blocks[index];
    if (block === undefined) return undefined;
    switch (block.kind) {
      case "thinking": {
        const detail: ReasoningDetail = {
          type: "text",
          text: block.text,
          provider: ANTHROPIC_PROVIDER_ID,
        };
        if (block.signature !== "") detail.signature = block.signature;
        return { type: "reasoning_detail", detail };
      }
      case "redacted":
        return {
          type: "reasoning_detail",
          detail: { type: "redacted", data: block.data, provider: ANTHROPIC_PROVIDER_ID },
        };
      case "tool": {
        const events: ChatEvent[] = [];
        if (block.arguments === "") {
          block.arguments = "{}";
          events.push({ type: "tool_call_delta", index: block.toolIndex, arguments: "{}" });
        }
        const parsed = parseToolArguments(block.arguments);
        if (parsed === undefined) {
          throw this.#error(
            `Tool call "${block.name}" (index ${block.toolIndex}) ended with arguments that are not JSON`,
          );
        }
        block.complete = true;
        events.push({
          type: "tool_call_end",
          index: block.toolIndex,
          id: block.id,
          name: block.name,
          arguments: block.arguments,
          parsedArguments: parsed.value,
        });
        return events.length === 1 ? events[0] : events;
      }
      default:
        return undefined;
    }
  }

  #finish(): MappedEvents {
    const open = this.#blocks.filter((block) => block?.kind === "tool" && !block.complete);
    if (open.length > 0)
      throw this.#error("message_stop arrived while a tool_use block was still open");
    this.#finished = true;
    const usage = convertAnthropicUsage(this.#usage);
    const done: DoneEvent = {
      type: "done",
      finishReason: mapAnthropicStopReason(this.#stopReason),
    };
    if (this.#stopReason !== null) done.rawFinishReason = this.#stopReason;
    if (usage !== undefined) done.usage = usage;
    if (this.#model !== undefined) done.model = this.#model;
    return usage === undefined ? done : [{ type: "usage", usage }, done];
  }

  #text(text: string): ChatEvent {
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
    const calls = this.#blocks.filter(
      (block): block is Extract<BlockState, { kind: "tool" }> => block?.kind === "tool",
    );
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

  #error(message: string): RatatoskrError {
    return new RatatoskrError({
      code: "stream",
      message,
      provider: this.#provider,
      ...(this.#model === undefined ? {} : { model: this.#model }),
      partial: this.partial(),
    });
  }
}
