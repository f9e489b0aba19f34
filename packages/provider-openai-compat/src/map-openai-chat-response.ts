import {
  type ChatResultV1,
  parseToolArguments,
  RatatoskrError,
  type ResponseMetadataV1,
  type ToolCall,
} from "@ratatoskr/core";
import { mapOpenAIStreamError, type OpenAIErrorContext } from "./map-openai-error.ts";
import { mapOpenAIFinishReason } from "./map-openai-finish-reason.ts";
import { mapOpenAIUsage, type OpenAIWireUsage } from "./map-openai-usage.ts";
import type { OpenAIWireContentPart } from "./openai-chat-stream-mapper.ts";
import {
  OpenAIReasoningDetailsMerger,
  type OpenAIReasoningField,
  reasoningDetailsText,
  toReasoningDetails,
} from "./openai-reasoning.ts";
import { readOpenAIMessageContent } from "./read-openai-message-content.ts";

/** A non-streamed OpenAI-wire chat completion (the fields this mapping reads). */
export interface OpenAIWireCompletion {
  /** The completion's id (`chatcmpl-…`, OpenRouter's `gen-…`). */
  id?: string;
  model?: string;
  choices?: Array<{
    message?: {
      /** A string; Mistral's reasoning models send a list of `text` and `thinking` parts. */
      content?: string | OpenAIWireContentPart[] | null;
      reasoning?: string | null;
      reasoning_content?: string | null;
      reasoning_details?: unknown;
      refusal?: string | null;
      tool_calls?: Array<{
        id?: string;
        type?: string;
        function?: { name?: string; arguments?: string } | null;
      }> | null;
    } | null;
    finish_reason?: string | null;
  }> | null;
  usage?: OpenAIWireUsage | null;
  error?: unknown;
}

/**
 * The response metadata of an answer: the model the server names, and the
 * request id — the `x-request-id` header when the server sends one (OpenAI),
 * else the completion's own id.
 */
export function openAIResponseMetadata(
  model: unknown,
  completionId: unknown,
  requestIdHeader: string | null | undefined,
): ResponseMetadataV1 | undefined {
  const requestId =
    typeof requestIdHeader === "string" && requestIdHeader !== ""
      ? requestIdHeader
      : typeof completionId === "string" && completionId !== ""
        ? completionId
        : undefined;
  const hasModel = typeof model === "string" && model !== "";
  if (!hasModel && requestId === undefined) return undefined;
  return {
    ...(hasModel ? { model } : {}),
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/**
 * Map a complete (non-streamed) chat completion to a {@link ChatResultV1}
 * (warnings are the caller's to add). A body that carries an `error`
 * (OpenRouter can answer 200 with one) or a `finish_reason: "error"` becomes
 * a typed error.
 *
 * @param requestIdHeader the response's `x-request-id` header, when it had one.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function mapOpenAIChatResponse(
  completion: OpenAIWireCompletion,
  context: OpenAIErrorContext,
  requestIdHeader?: string | null,
): ChatResultV1 {
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
  const { content, reasoning: partsReasoning } = readContent(message.content, context);
  const toolCalls: ToolCall[] = (message.tool_calls ?? []).map((call, index) =>
    toToolCall(call, index, context),
  );
  for (const call of toolCalls) {
    if (parseToolArguments(call.arguments) !== undefined) continue;
    throw new RatatoskrError({
      code: "data",
      message: `${context.provider} returned incomplete JSON arguments for tool call "${call.name}" (${call.id}, finish_reason ${rawFinishReason ?? "missing"})`,
      provider: context.provider,
      ...(context.model === undefined ? {} : { model: context.model }),
      partial: {
        content,
        toolCalls: toolCalls.map((each) => ({
          ...each,
          complete: parseToolArguments(each.arguments) !== undefined,
        })),
      },
    });
  }
  let finishReason = mapOpenAIFinishReason(rawFinishReason);
  if (finishReason === "stop" && toolCalls.length > 0) finishReason = "tool_calls";
  const refusal = typeof message.refusal === "string" ? message.refusal : "";
  const response: {
    -readonly [Field in keyof ChatResultV1]: ChatResultV1[Field];
  } = { content: content + refusal, toolCalls, finishReason };
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
  // Mistral's thinking parts (a stream delivers them in the same order).
  reasoning += partsReasoning;
  if (reasoning !== "") response.reasoning = reasoning;
  const merger = new OpenAIReasoningDetailsMerger();
  merger.push(message.reasoning_details);
  const details = toReasoningDetails(context.provider, merger.entries(), field, reasoning);
  if (details.length > 0) response.reasoningDetails = details;
  const usage = mapOpenAIUsage(completion.usage);
  if (usage !== undefined) response.usage = usage;
  const metadata = openAIResponseMetadata(completion.model, completion.id, requestIdHeader);
  if (metadata !== undefined) response.response = metadata;
  return response;
}

/** The answer text and the thinking text of `message.content`; a shape it cannot read is a `data` error. */
function readContent(
  messageContent: unknown,
  context: OpenAIErrorContext,
): { content: string; reasoning: string } {
  const reading = readOpenAIMessageContent(messageContent);
  if (reading.problem !== undefined) {
    throw dataError(
      `${context.provider} returned ${reading.problem} in message.content; this mapping reads a string or a list of "text" and "thinking" parts`,
      context,
      JSON.stringify(messageContent),
    );
  }
  let content = "";
  let reasoning = "";
  for (const piece of reading.pieces) {
    if (piece.kind === "content") content += piece.text;
    else reasoning += piece.text;
  }
  return { content, reasoning };
}

type OpenAIWireToolCall = NonNullable<
  NonNullable<NonNullable<OpenAIWireCompletion["choices"]>[number]["message"]>["tool_calls"]
>[number];

/** One complete tool call; a call without a function name or with non-string arguments is a `data` error. */
function toToolCall(
  call: OpenAIWireToolCall,
  index: number,
  context: OpenAIErrorContext,
): ToolCall {
  const id = typeof call?.id === "string" && call.id !== "" ? call.id : `call_${index}`;
  const name = call?.function?.name;
  if (typeof name !== "string" || name === "") {
    throw dataError(
      `${context.provider} returned tool call ${id} without a function name (type ${JSON.stringify(call?.type ?? null)})`,
      context,
      JSON.stringify(call),
    );
  }
  const args = call.function?.arguments;
  if (args !== undefined && args !== null && typeof args !== "string") {
    throw dataError(
      `${context.provider} returned arguments that are not a string (${typeof args}) for tool call "${name}" (${id})`,
      context,
      JSON.stringify(call),
    );
  }
  return { id, name, arguments: args || "{}" };
}

function dataError(message: string, context: OpenAIErrorContext, body: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message,
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    body,
  });
}
