/**
 * A complete (non-streaming) Anthropic `Message` → a provider chat result
 * ({@link ChatResultV1}).
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  type ChatResultV1,
  RatatoskrError,
  type ReasoningDetail,
  type ResponseMetadataV1,
  type ServerToolCall,
  type ServerToolResult,
  type ToolCall,
} from "@ratatoskr/core";
import {
  describeToolUseProblem,
  isServerToolResultType,
  isServerToolUseType,
  type ServerToolResultBlock,
  type ServerToolUseBlock,
  toServerToolCall,
  toServerToolResult,
} from "./anthropic-server-tools.ts";
import { convertAnthropicUsage } from "./anthropic-usage.ts";
import { ANTHROPIC_PROVIDER_ID } from "./convert-to-anthropic-messages.ts";
import { structuredFinishReason } from "./map-anthropic-stop-reason.ts";

/**
 * Text blocks → `content`; thinking blocks → `reasoning` text and
 * `reasoningDetails` (with their signatures), redacted thinking →
 * `reasoningDetails`; `tool_use` blocks → `toolCalls` (arguments are the
 * input as JSON text); `server_tool_use` / `mcp_tool_use` blocks →
 * `serverToolCalls` and `*_tool_result` blocks → `serverToolResults`, each
 * with its `contentOffset` in the text; `stop_reason` → `finishReason` (raw
 * value kept; with `outputTool`, that tool's call is the answer: its input
 * becomes the `content` (JSON text) and its `tool_use` stop is `stop`);
 * `model` and the request id (the `request-id` header when
 * given, else the message `id`) → `response`. A body that is not a message
 * (no `content` array), or a server tool block without its ids, is a `data`
 * error.
 */
export function convertAnthropicMessage(
  message: Anthropic.Message,
  {
    excludeReasoning = false,
    requestId,
    outputTool,
  }: {
    excludeReasoning?: boolean;
    requestId?: string | null | undefined;
    /** The forced tool of tool-based structured output: its input is the message text. */
    outputTool?: string | undefined;
  } = {},
): ChatResultV1 {
  if (message === null || typeof message !== "object" || !Array.isArray(message.content)) {
    throw new RatatoskrError({
      code: "data",
      message: "Expected an Anthropic message with a content array",
      provider: ANTHROPIC_PROVIDER_ID,
    });
  }
  const content: string[] = [];
  const reasoning: string[] = [];
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  const serverCalls: ServerToolCall[] = [];
  const serverResults: ServerToolResult[] = [];
  let contentLength = 0;
  let answered = false;
  for (const [index, block] of message.content.entries()) {
    switch (block?.type) {
      case "text":
        if (typeof block.text !== "string") throw malformed(`content[${index}] has no string text`);
        content.push(block.text);
        contentLength += block.text.length;
        break;
      case "thinking": {
        if (!excludeReasoning && block.thinking !== "") reasoning.push(block.thinking);
        const detail: ReasoningDetail = {
          type: "text",
          text: block.thinking,
          provider: ANTHROPIC_PROVIDER_ID,
        };
        if (block.signature) detail.signature = block.signature;
        details.push(detail);
        break;
      }
      case "redacted_thinking":
        details.push({ type: "redacted", data: block.data, provider: ANTHROPIC_PROVIDER_ID });
        break;
      case "tool_use":
        if (outputTool !== undefined && block.name === outputTool) {
          const text = JSON.stringify(block.input ?? {});
          content.push(text);
          contentLength += text.length;
          answered = true;
          break;
        }
        toolCalls.push({
          id: block.id,
          name: block.name,
          arguments: JSON.stringify(block.input ?? {}),
        });
        break;
      default: {
        const raw = block as unknown as Record<string, unknown>;
        const type = typeof raw?.type === "string" ? raw.type : "";
        if (isServerToolUseType(type)) {
          const problem = describeToolUseProblem(raw);
          if (problem !== undefined) throw malformed(`content[${index}] (${type}) ${problem}`);
          const call = toServerToolCall(raw as ServerToolUseBlock, raw.input ?? {});
          serverCalls.push({ ...call, contentOffset: contentLength });
        } else if (isServerToolResultType(type)) {
          if (typeof raw.tool_use_id !== "string") {
            throw malformed(`content[${index}] (${type}) has no string tool_use_id`);
          }
          const name = serverCalls.find((call) => call.id === raw.tool_use_id)?.name;
          const result = toServerToolResult(raw as ServerToolResultBlock, name);
          serverResults.push({ ...result, contentOffset: contentLength });
        }
        break;
      }
    }
  }
  const result: Omit<ChatResultV1, "response" | "warnings"> = {
    content: content.join(""),
    toolCalls,
    finishReason: structuredFinishReason(message.stop_reason, answered, toolCalls.length),
  };
  if (reasoning.length > 0) result.reasoning = reasoning.join("");
  if (details.length > 0) result.reasoningDetails = details;
  if (serverCalls.length > 0) result.serverToolCalls = serverCalls;
  if (serverResults.length > 0) result.serverToolResults = serverResults;
  const usage = convertAnthropicUsage(message.usage ?? undefined);
  if (usage !== undefined) result.usage = usage;
  if (message.stop_reason) result.rawFinishReason = message.stop_reason;
  const id =
    requestId || (typeof message.id === "string" && message.id !== "" ? message.id : undefined);
  if (!message.model && id === undefined) return result;
  const response: ResponseMetadataV1 = {
    ...(message.model ? { model: message.model } : {}),
    ...(id === undefined ? {} : { requestId: id }),
  };
  return { ...result, response };
}

function malformed(what: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message: `The Anthropic message is malformed: ${what}`,
    provider: ANTHROPIC_PROVIDER_ID,
  });
}
