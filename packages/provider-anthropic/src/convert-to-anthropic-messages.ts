/**
 * Ratatoskr messages → Anthropic Messages API `system` + `messages`.
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  invalidInput,
  type Message,
  type ReasoningDetail,
  serverToolTimeline,
} from "@ratatoskr/core";
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
 *   and results at their `contentOffset`, in their original order (Anthropic's
 *   own blocks sent back exactly as they came, rebuilt from their fields when
 *   they have no record, another provider's left out), then one `tool_use`
 *   block per tool call;
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

/**
 * The assistant text with its server tool calls and results in their
 * original order ({@link serverToolTimeline}), after checking each of them.
 */
function textWithServerTools(
  message: Extract<Message, { role: "assistant" }>,
  where: string,
): ContentBlockParam[] {
  const calls = optionalArray(message.serverToolCalls, `${where}.serverToolCalls`);
  const results = optionalArray(message.serverToolResults, `${where}.serverToolResults`);
  const mcpCalls = new Set<string>();
  calls.forEach((call, callIndex) => {
    const name = `${where}.serverToolCalls[${callIndex}]`;
    serverToolCallToBlock(call, name);
    checkOffset(call.contentOffset, name);
    if (call.server !== undefined) mcpCalls.add(call.id);
  });
  results.forEach((result, resultIndex) => {
    const name = `${where}.serverToolResults[${resultIndex}]`;
    serverToolResultToBlock(result, false, name);
    checkOffset(result.contentOffset, name);
  });
  const blocks: ContentBlockParam[] = [];
  for (const entry of serverToolTimeline({
    ...message,
    serverToolCalls: calls,
    serverToolResults: results,
  })) {
    const block =
      entry.type === "content"
        ? ({ type: "text", text: entry.text } as const)
        : entry.type === "server_tool_call"
          ? serverToolCallToBlock(entry.call, where)
          : serverToolResultToBlock(entry.result, mcpCalls.has(entry.result.toolCallId), where);
    if (block !== undefined) blocks.push(block);
  }
  return mergeText(blocks);
}

/** Adjacent text blocks (left around another provider's items) joined into one. */
function mergeText(blocks: ContentBlockParam[]): ContentBlockParam[] {
  const merged: ContentBlockParam[] = [];
  for (const block of blocks) {
    const last = merged[merged.length - 1];
    if (block.type === "text" && last?.type === "text") {
      merged[merged.length - 1] = { type: "text", text: last.text + block.text };
    } else {
      merged.push(block);
    }
  }
  return merged;
}

function checkOffset(offset: unknown, name: string): void {
  if (
    offset !== undefined &&
    (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0)
  ) {
    throw invalidInput(`${name}.contentOffset must be a non-negative integer`);
  }
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
