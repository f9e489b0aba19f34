/**
 * Ratatoskr messages → Anthropic Messages API `system` + `messages`.
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type Anthropic from "@anthropic-ai/sdk";
import { invalidInput, type Message, type ReasoningDetail } from "@ratatoskr/core";
import { serverToolCallToBlock, serverToolResultToBlock } from "./anthropic-server-tools.ts";

type ContentBlockParam = Anthropic.ContentBlockParam;
type TextBlockParam = Anthropic.TextBlockParam;

/** The Anthropic prompt: top-level `system` blocks and alternating user/assistant `messages`. */
export interface AnthropicPrompt {
  /** One text block per system message, in order; undefined when there are none. */
  system: TextBlockParam[] | undefined;
  messages: Anthropic.MessageParam[];
}

/** The provider id written on and accepted from {@link ReasoningDetail}s. */
export const ANTHROPIC_PROVIDER_ID = "anthropic";

/**
 * Convert messages to the Anthropic prompt shape:
 *
 * - every system message becomes one block of the top-level `system`, in order
 *   (a system message in the middle of a conversation is hoisted there too);
 * - an assistant message becomes its thinking / redacted_thinking blocks (from
 *   `reasoningDetails`, unchanged), then its text with its server tool calls
 *   and results at their `contentOffset` (each call followed by its results;
 *   Anthropic's own blocks sent back exactly as they came, another provider's
 *   left out), then one `tool_use` block per tool call;
 * - tool results become `tool_result` blocks; consecutive messages of the same
 *   role (tool results and the user text after them) are merged into one turn,
 *   since the API wants user and assistant turns to alternate;
 * - an assistant message with no text, tool calls or reasoning details is left out.
 *
 * Throws an `invalid_input` error for a tool call whose arguments are not a
 * JSON object, and for a malformed server tool call or result.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/tool-use/implement-tool-use
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/server-tools
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
export function convertToAnthropicMessages(messages: readonly Message[]): AnthropicPrompt {
  const system: TextBlockParam[] = [];
  const turns: Array<{ role: "user" | "assistant"; content: ContentBlockParam[] }> = [];

  const push = (role: "user" | "assistant", blocks: ContentBlockParam[]) => {
    const last = turns[turns.length - 1];
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  messages.forEach((message, index) => {
    switch (message.role) {
      case "system":
        system.push({ type: "text", text: message.content });
        return;
      case "user":
        push("user", [{ type: "text", text: message.content }]);
        return;
      case "tool":
        push("user", [
          { type: "tool_result", tool_use_id: message.toolCallId, content: message.content },
        ]);
        return;
      case "assistant": {
        // An assistant message with nothing in it is left out (the API refuses empty text blocks).
        const blocks = convertAssistant(message, index);
        if (blocks.length > 0) push("assistant", blocks);
        return;
      }
      default: {
        const unknown: never = message;
        throw invalidInput(`messages[${index}] has an unknown role: ${JSON.stringify(unknown)}`);
      }
    }
  });

  return {
    system: system.length > 0 ? system : undefined,
    messages: turns.map(({ role, content }) => ({ role, content: compact(content) })),
  };
}

function convertAssistant(
  message: Extract<Message, { role: "assistant" }>,
  index: number,
): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  for (const detail of message.reasoningDetails ?? []) {
    const block = reasoningDetailToBlock(detail);
    if (block !== undefined) blocks.push(block);
  }
  blocks.push(...textWithServerTools(message, `messages[${index}]`));
  message.toolCalls?.forEach((call, callIndex) => {
    blocks.push({
      type: "tool_use",
      id: call.id,
      name: call.name,
      input: parseToolInput(call.arguments, `messages[${index}].toolCalls[${callIndex}]`),
    });
  });
  return blocks;
}

/** Server tool blocks that go together at one place in the text. */
interface PlacedBlocks {
  offset: number;
  /** 0 for results of earlier turns' calls, 1 for a call with its results. */
  rank: number;
  sequence: number;
  blocks: ContentBlockParam[];
}

/**
 * The assistant text cut at the server tool blocks' `contentOffset`s (0 when
 * absent), with the blocks in between: each call followed by its results; at
 * one offset, results of earlier turns' calls first.
 */
function textWithServerTools(
  message: Extract<Message, { role: "assistant" }>,
  where: string,
): ContentBlockParam[] {
  const text = message.content;
  const calls = optionalArray(message.serverToolCalls, `${where}.serverToolCalls`);
  const results = optionalArray(message.serverToolResults, `${where}.serverToolResults`);
  const groups: PlacedBlocks[] = calls.map((call, callIndex) => {
    const name = `${where}.serverToolCalls[${callIndex}]`;
    const block = serverToolCallToBlock(call, name);
    return {
      offset: offsetIn(text, call.contentOffset, name),
      rank: 1,
      sequence: callIndex,
      blocks: block === undefined ? [] : [block],
    };
  });
  results.forEach((result, resultIndex) => {
    const name = `${where}.serverToolResults[${resultIndex}]`;
    const callIndex = calls.findIndex((call) => call.id === result?.toolCallId);
    const call = calls[callIndex];
    const block = serverToolResultToBlock(result, call?.server !== undefined, name);
    const offset = offsetIn(text, result.contentOffset, name);
    if (block === undefined) return;
    if (call !== undefined) groups[callIndex]!.blocks.push(block);
    else groups.push({ offset, rank: 0, sequence: resultIndex, blocks: [block] });
  });
  groups.sort((a, b) => a.offset - b.offset || a.rank - b.rank || a.sequence - b.sequence);
  const blocks: ContentBlockParam[] = [];
  let position = 0;
  for (const group of groups) {
    if (group.blocks.length === 0) continue;
    if (group.offset > position) {
      blocks.push({ type: "text", text: text.slice(position, group.offset) });
      position = group.offset;
    }
    blocks.push(...group.blocks);
  }
  if (position < text.length) blocks.push({ type: "text", text: text.slice(position) });
  return blocks;
}

/** A server tool item's place in the text, checked, and clamped to the text's length. */
function offsetIn(text: string, offset: unknown, name: string): number {
  if (offset === undefined) return 0;
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
    throw invalidInput(`${name}.contentOffset must be a non-negative integer`);
  }
  return Math.min(offset, text.length);
}

function optionalArray<T>(value: T[] | undefined, name: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidInput(`${name} must be an array`);
  return value;
}

/**
 * A reasoning detail as the thinking block to send back, or undefined when it
 * cannot be one (another provider's record, or text without a signature).
 */
export function reasoningDetailToBlock(detail: ReasoningDetail): ContentBlockParam | undefined {
  if (detail.provider !== undefined && detail.provider !== ANTHROPIC_PROVIDER_ID) return undefined;
  if (detail.type === "text") {
    if (detail.signature === undefined) return undefined;
    return { type: "thinking", thinking: detail.text, signature: detail.signature };
  }
  if (detail.type === "redacted") return { type: "redacted_thinking", data: detail.data };
  return undefined;
}

function parseToolInput(text: string, where: string): unknown {
  const source = text.trim() === "" ? "{}" : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    throw invalidInput(`${where}.arguments is not valid JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalidInput(`${where}.arguments must be a JSON object`);
  }
  return value;
}

/** A lone text block is sent as a plain string (the API's shorthand). */
function compact(blocks: ContentBlockParam[]): string | ContentBlockParam[] {
  const only = blocks[0];
  if (blocks.length === 1 && only !== undefined && only.type === "text" && only.text !== "") {
    return only.text;
  }
  return blocks;
}
