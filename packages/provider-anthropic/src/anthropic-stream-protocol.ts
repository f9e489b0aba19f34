/**
 * The order and shape of an Anthropic Messages stream, checked one event at a
 * time before anything is mapped.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming#event-types
 */
import { isJsonObject } from "./anthropic-json.ts";
import {
  describeToolUseProblem,
  isServerToolResultType,
  isServerToolUseType,
} from "./anthropic-server-tools.ts";

/** A JSON object with a string `type`. */
export type TypedObject = Record<string, unknown> & { type: string };

/** An event that passed {@link AnthropicStreamProtocol.check}: only what the mapper relies on. */
export type CheckedEvent =
  | { type: "message_start"; message: Record<string, unknown> }
  | { type: "content_block_start"; index: number; block: TypedObject }
  | { type: "content_block_delta"; index: number; delta: TypedObject }
  | { type: "content_block_stop"; index: number }
  | { type: "message_delta"; stopReason: string | undefined; usage: unknown }
  | { type: "message_stop" }
  /** Nothing to map: an unknown event type, or a delta this mapper does not read. */
  | { type: "skip" };

/** The block types each known delta type may target; other delta types are skipped. */
const DELTA_TARGETS: Readonly<Record<string, (blockType: string) => boolean>> = {
  text_delta: (type) => type === "text",
  citations_delta: (type) => type === "text",
  thinking_delta: (type) => type === "thinking",
  signature_delta: (type) => type === "thinking",
  input_json_delta: (type) => type === "tool_use" || isServerToolUseType(type),
};

/** The string field each known delta type must carry. */
const DELTA_FIELDS: Readonly<Record<string, string>> = {
  text_delta: "text",
  thinking_delta: "thinking",
  signature_delta: "signature",
  input_json_delta: "partial_json",
};

/**
 * The protocol state of one stream: one `message_start` first; content
 * blocks started in index order, each once, never after the `stop_reason`;
 * deltas and stops only for open blocks, each delta of a kind its block takes
 * (results of server tools arrive whole and take none); one `stop_reason`;
 * no block open at `message_stop`, and nothing after it. Unknown event types,
 * and deltas of unknown types or for blocks of unknown types, are skipped, as
 * the API's versioning policy asks.
 */
export class AnthropicStreamProtocol {
  #started = false;
  #finished = false;
  #stopReason: string | undefined;
  #blocks: Array<{ type: string; known: boolean; open: boolean }> = [];
  readonly #fail: (message: string) => never;

  /** `fail` throws the stream error for a violation, described by `message`. */
  constructor(fail: (message: string) => never) {
    this.#fail = fail;
  }

  /**
   * Check one event (`eventName` is its SSE event name, when known, and must
   * agree with its `type`); returns the checked event, or calls `fail`.
   */
  check(event: unknown, eventName?: string): CheckedEvent {
    if (!isJsonObject(event) || typeof event.type !== "string") {
      this.#fail(`Received something that is not an Anthropic stream event: ${brief(event)}`);
    }
    if (eventName !== undefined && eventName !== event.type) {
      this.#fail(`The SSE event "${eventName}" carried a "${event.type}" payload`);
    }
    switch (event.type) {
      case "message_start":
        return this.#messageStart(event);
      case "content_block_start":
        return this.#start(event);
      case "content_block_delta":
        return this.#delta(event);
      case "content_block_stop":
        return this.#stop(event);
      case "message_delta":
        return this.#messageDelta(event);
      case "message_stop":
        return this.#messageStop();
      default:
        return { type: "skip" };
    }
  }

  #expectMessage(type: string): void {
    if (this.#finished) this.#fail(`Received ${type} after message_stop`);
    if (!this.#started) this.#fail(`Received ${type} before message_start`);
  }

  #messageStart(event: Record<string, unknown>): CheckedEvent {
    if (this.#finished) this.#fail("Received message_start after message_stop");
    if (this.#started) {
      this.#fail("Received a second message_start: another message was spliced into the stream");
    }
    if (!isJsonObject(event.message)) {
      this.#fail("Received a message_start without a message object");
    }
    this.#started = true;
    return { type: "message_start", message: event.message };
  }

  #start(event: Record<string, unknown>): CheckedEvent {
    this.#expectMessage("content_block_start");
    const index = this.#index(event, "content_block_start");
    const block = event.content_block;
    if (!isJsonObject(block) || typeof block.type !== "string") {
      this.#fail(`Received a content_block_start for index ${index} without a content block`);
    }
    const problem = describeBlockProblem(block as TypedObject);
    if (problem !== undefined) this.#fail(`The ${block.type} block at index ${index} ${problem}`);
    if (this.#stopReason !== undefined) {
      this.#fail("Received content_block_start after the stop_reason (message_delta)");
    }
    if (index < this.#blocks.length) this.#fail(`Content block ${index} started twice`);
    if (index > this.#blocks.length) {
      this.#fail(
        `Received content_block_start for index ${index}; expected index ${this.#blocks.length}`,
      );
    }
    this.#blocks.push({ type: block.type, known: isKnownBlockType(block.type), open: true });
    return { type: "content_block_start", index, block: block as TypedObject };
  }

  #delta(event: Record<string, unknown>): CheckedEvent {
    this.#expectMessage("content_block_delta");
    const index = this.#index(event, "content_block_delta");
    const delta = event.delta;
    if (!isJsonObject(delta) || typeof delta.type !== "string") {
      this.#fail(`Received a content_block_delta for index ${index} without a delta`);
    }
    const block = this.#openBlock(index, "content_block_delta");
    const targets = DELTA_TARGETS[delta.type];
    if (targets === undefined || !block.known) return { type: "skip" };
    if (!targets(block.type)) {
      this.#fail(
        `Received ${delta.type} for content block ${index}, which is a ${block.type} block`,
      );
    }
    const field = DELTA_FIELDS[delta.type];
    if (field !== undefined && typeof delta[field] !== "string") {
      this.#fail(`Received a ${delta.type} for content block ${index} without a string ${field}`);
    }
    return { type: "content_block_delta", index, delta: delta as TypedObject };
  }

  #stop(event: Record<string, unknown>): CheckedEvent {
    this.#expectMessage("content_block_stop");
    const index = this.#index(event, "content_block_stop");
    this.#openBlock(index, "content_block_stop").open = false;
    return { type: "content_block_stop", index };
  }

  #messageDelta(event: Record<string, unknown>): CheckedEvent {
    this.#expectMessage("message_delta");
    const delta = event.delta;
    if (delta !== undefined && delta !== null && !isJsonObject(delta)) {
      this.#fail("Received a message_delta whose delta is not an object");
    }
    const stopReason = delta?.stop_reason ?? undefined;
    if (stopReason !== undefined) {
      if (typeof stopReason !== "string") {
        this.#fail("Received a message_delta whose stop_reason is not a string");
      }
      if (this.#stopReason !== undefined) {
        this.#fail(
          `Received a second stop_reason ("${stopReason}" after "${this.#stopReason}") in one message`,
        );
      }
      this.#stopReason = stopReason;
    }
    return { type: "message_delta", stopReason, usage: event.usage };
  }

  #messageStop(): CheckedEvent {
    this.#expectMessage("message_stop");
    const open = this.#blocks.findIndex((block) => block.open);
    if (open !== -1) {
      this.#fail(
        `message_stop arrived while content block ${open} (${this.#blocks[open]!.type}) was still open`,
      );
    }
    this.#finished = true;
    return { type: "message_stop" };
  }

  #index(event: Record<string, unknown>, type: string): number {
    const index = event.index;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0) {
      this.#fail(`Received a ${type} whose index is not a non-negative integer: ${brief(index)}`);
    }
    return index;
  }

  #openBlock(index: number, type: string) {
    const block = this.#blocks[index];
    if (block === undefined) {
      this.#fail(`Received ${type} for content block ${index}, which was never started`);
    }
    if (!block.open)
      this.#fail(`Received ${type} for content block ${index}, which already stopped`);
    return block;
  }
}

function isKnownBlockType(type: string): boolean {
  return (
    type === "text" ||
    type === "thinking" ||
    type === "redacted_thinking" ||
    type === "tool_use" ||
    isServerToolUseType(type) ||
    isServerToolResultType(type)
  );
}

/** What is wrong with a content block's fields for its type, or undefined. */
function describeBlockProblem(block: TypedObject): string | undefined {
  switch (block.type) {
    case "text":
      return block.text === undefined || typeof block.text === "string"
        ? undefined
        : "has a text that is not a string";
    case "thinking":
      return block.thinking === undefined || typeof block.thinking === "string"
        ? undefined
        : "has a thinking text that is not a string";
    case "redacted_thinking":
      return typeof block.data === "string" ? undefined : "has no string data";
    case "tool_use":
      return describeToolUseProblem(block);
    default:
      if (isServerToolUseType(block.type)) return describeToolUseProblem(block);
      if (isServerToolResultType(block.type) && typeof block.tool_use_id !== "string") {
        return "has no string tool_use_id";
      }
      return undefined;
  }
}

/** A short description of a value for an error message (never the whole payload). */
function brief(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  if (typeof value === "object") return "an object without a string type";
  return String(value);
}
