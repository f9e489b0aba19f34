/**
 * A gateway `ChatResponse` as OpenAI's `chat.completion` object. Reasoning
 * text rides along as OpenRouter's `message.reasoning`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
import type { ChatResponse, ToolCall } from "@ratatoskr/core";
import {
  type OpenAIFinishReason,
  type OpenAIUsage,
  openAIFinishReason,
  openAIUsage,
  responseId,
  unixSeconds,
} from "./openai-wire.ts";

/** One tool call of an assistant message, on the wire. */
export interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** OpenAI's `chat.completion` object (one choice). */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: {
        role: "assistant";
        content: string | null;
        refusal: null;
        tool_calls?: OpenAIToolCall[];
        reasoning?: string;
      };
      logprobs: null;
      finish_reason: OpenAIFinishReason;
    },
  ];
  usage?: OpenAIUsage;
}

/** A tool call as OpenAI sends it. */
export function openAIToolCall(call: ToolCall): OpenAIToolCall {
  return {
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  };
}

/**
 * The `chat.completion` object of a gateway answer. `model` is the model
 * that answered when the provider named it, else the one asked for;
 * `content` is `null` for a turn of tool calls only, as OpenAI sends it;
 * `usage` is absent when the provider did not report it (unknown is not
 * zero).
 */
export function chatCompletion(response: ChatResponse, requestedModel: string): ChatCompletion {
  const toolCalls = response.toolCalls.map(openAIToolCall);
  const message: ChatCompletion["choices"][0]["message"] = {
    role: "assistant",
    content: response.content === "" && toolCalls.length > 0 ? null : response.content,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (response.reasoning !== undefined && response.reasoning !== "") {
    message.reasoning = response.reasoning;
  }
  const completion: ChatCompletion = {
    id: responseId("chatcmpl"),
    object: "chat.completion",
    created: unixSeconds(),
    model: response.model ?? requestedModel,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: openAIFinishReason(response.finishReason),
      },
    ],
  };
  if (response.usage !== undefined) completion.usage = openAIUsage(response.usage);
  return completion;
}
