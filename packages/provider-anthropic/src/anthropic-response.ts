/**
 * A complete (non-streaming) Anthropic `Message` → {@link ChatResponse}.
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  type ChatResponse,
  RatatoskrError,
  type ReasoningDetail,
  type ToolCall,
} from "@ratatoskr/core";
import { convertAnthropicUsage } from "./anthropic-usage.ts";
import { ANTHROPIC_PROVIDER_ID } from "./convert-to-anthropic-messages.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";

/**
 * Text blocks → `content`; thinking blocks → `reasoning` text and
 * `reasoningDetails` (with their signatures), redacted thinking →
 * `reasoningDetails`; `tool_use` blocks → `toolCalls` (arguments are the
 * input as JSON text); `stop_reason` → `finishReason` (raw value kept).
 * Server-tool blocks are not part of the response. A body that is not a
 * message (no `content` array) is a `data` error.
 */
export function convertAnthropicMessage(
  message: Anthropic.Message,
  { excludeReasoning = false }: { excludeReasoning?: boolean } = {},
): ChatResponse {
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
  for (const block of message.content) {
    switch (block.type) {
      case "text":
        content.push(block.text);
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
        toolCalls.push({
          id: block.id,
          name: block.name,
          arguments: JSON.stringify(block.input ?? {}),
        });
        break;
      default:
        break;
    }
  }
  const response: ChatResponse = {
    content: content.join(""),
    toolCalls,
    finishReason: mapAnthropicStopReason(message.stop_reason),
  };
  if (reasoning.length > 0) response.reasoning = reasoning.join("");
  if (details.length > 0) response.reasoningDetails = details;
  const usage = convertAnthropicUsage(message.usage ?? undefined);
  if (usage !== undefined) response.usage = usage;
  if (message.model) response.model = message.model;
  if (message.stop_reason) response.rawFinishReason = message.stop_reason;
  return response;
}
