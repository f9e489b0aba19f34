import {
  type ChatResponse,
  parseToolArguments,
  RatatoskrError,
  type ToolCall,
} from "@ratatoskr/core";
import { mapOpenAIStreamError, type OpenAIErrorContext } from "./map-openai-error.ts";
import { mapOpenAIFinishReason } from "./map-openai-finish-reason.ts";
import { mapOpenAIUsage, type OpenAIWireUsage } from "./map-openai-usage.ts";
import {
  OpenAIReasoningDetailsMerger,
  type OpenAIReasoningField,
  reasoningDetailsText,
  toReasoningDetails,
} from "./openai-reasoning.ts";

/** A non-streamed OpenAI-wire chat completion (the fields this mapping reads). */
export interface OpenAIWireCompletion {
  model?: string;
  choices?: Array<{
    message?: {
      content?: string | null;
      reasoning?: string | null;
      reasoning_content?: string | null;
      reasoning_details?: unknown;
      refusal?: string | null;
      tool_calls?: Array<{
        id?: string;
        type?: string;
        function?: { name?: string; arguments?: string };
      }> | null;
    } | null;
    finish_reason?: string | null;
  }> | null;
  usage?: OpenAIWireUsage | null;
  error?: unknown;
}

/**
 * Map a complete (non-streamed) chat completion to a {@link ChatResponse}.
 * A body that carries an `error` (OpenRouter can answer 200 with one) or a
 * `finish_reason: "error"` becomes a typed error.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function mapOpenAIChatResponse(
  completion: OpenAIWireCompletion,
  context: OpenAIErrorContext,
): ChatResponse {
  if (completion.error !== undefined && completion.error !== null)
    throw mapOpenAIStreamError(completion.error, context);
  const choice = completion.choices?.[0];
  if (choice === undefined) {
    throw new RatatoskrError({
      code: "empty_response",
      message: `${context.provider} returned no choices`,
      provider: context.provider,
      ...(context.model === undefined ? {} : { model: context.model }),
      body: JSON.stringify(completion),
    });
  }
  const rawFinishReason = choice.finish_reason ?? undefined;
  if (rawFinishReason === "error")
    throw mapOpenAIStreamError({ message: "finish_reason error" }, context);
  const message = choice.message ?? {};
  const toolCalls: ToolCall[] = (message.tool_calls ?? []).map((call, index) => ({
    id: call.id || `call_${index}`,
    name: call.function?.name ?? "",
    arguments: call.function?.arguments || "{}",
  }));
  for (const call of toolCalls) {
    if (parseToolArguments(call.arguments) !== undefined) continue;
    throw new RatatoskrError({
      code: "data",
      message: `${context.provider} returned incomplete JSON arguments for tool call "${call.name}" (${call.id}, finish_reason ${rawFinishReason ?? "missing"})`,
      provider: context.provider,
      ...(context.model === undefined ? {} : { model: context.model }),
      partial: {
        content: message.content ?? "",
        toolCalls: toolCalls.map((each) => ({
          ...each,
          complete: parseToolArguments(each.arguments) !== undefined,
        })),
      },
    });
  }
  let finishReason = mapOpenAIFinishReason(rawFinishReason);
  if (finishReason === "stop" && toolCalls.length > 0) finishReason = "tool_calls";
  const content = message.content ?? "";
  const refusal = typeof message.refusal === "string" ? message.refusal : "";
  const response: ChatResponse = { content: content + refusal, toolCalls, finishReason };
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  let field: OpenAIReasoningField | undefined;
  let reasoning = "";
  if (typeof message.reasoning === "string" && message.reasoning !== "") {
    field = "reasoning";
    reasoning = message.reasoning;
  } else if (typeof message.reasoning_content === "string" && message.reasoning_content !== "") {
    field = "reasoning_content";
    reasoning = message.reasoning_content;
  } else {
    reasoning = reasoningDetailsText(message.reasoning_details);
  }
  if (reasoning !== "") response.reasoning = reasoning;
  const merger = new OpenAIReasoningDetailsMerger();
  merger.push(message.reasoning_details);
  const details = toReasoningDetails(context.provider, merger.entries(), field, reasoning);
  if (details.length > 0) response.reasoningDetails = details;
  const usage = mapOpenAIUsage(completion.usage);
  if (usage !== undefined) response.usage = usage;
  if (typeof completion.model === "string" && completion.model !== "")
    response.model = completion.model;
  return response;
}
