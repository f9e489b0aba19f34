/**
 * Streams synthesized from unary results, for providers that implement only
 * `chat` (or only `generate`): the gateway still offers `chatStream`.
 */
import {
  type ChatEvent,
  type ChatResponse,
  type GenerateEvent,
  type GenerateResponse,
  serverToolTimeline,
  toolCallEndEvent,
} from "@ratatoskr/core";

/**
 * The events a stream would have carried for `response`, in protocol order:
 * server tool calls and results come where they came in the text.
 */
export async function* chatResponseToEvents(
  response: Promise<ChatResponse>,
): AsyncGenerator<ChatEvent> {
  const result = await response;
  if (result.reasoning) yield { type: "reasoning", text: result.reasoning };
  for (const detail of result.reasoningDetails ?? []) yield { type: "reasoning_detail", detail };
  yield* serverToolTimeline(result);
  for (const [index, call] of result.toolCalls.entries()) {
    yield { type: "tool_call_start", index, id: call.id, name: call.name };
    yield { type: "tool_call_delta", index, arguments: call.arguments };
    yield toolCallEndEvent(index, call);
  }
  if (result.usage) yield { type: "usage", usage: result.usage };
  yield {
    type: "done",
    finishReason: result.finishReason,
    ...(result.rawFinishReason === undefined ? {} : { rawFinishReason: result.rawFinishReason }),
    ...(result.usage === undefined ? {} : { usage: result.usage }),
    ...(result.model === undefined ? {} : { model: result.model }),
  };
}

/** The events a generation stream would have carried for `response`. */
export async function* generateResponseToEvents(
  response: Promise<GenerateResponse>,
): AsyncGenerator<GenerateEvent> {
  const result = await response;
  if (result.text) yield { type: "text", text: result.text };
  if (result.usage) yield { type: "usage", usage: result.usage };
  yield {
    type: "done",
    finishReason: result.finishReason,
    model: result.model,
    ...(result.usage === undefined ? {} : { usage: result.usage }),
  };
}
