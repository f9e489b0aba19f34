/**
 * The two halves of the chat capability, each from the other: a complete
 * answer collected from a provider's stream parts, and stream parts replayed
 * from a complete answer. The gateway derives a provider's missing half with
 * these once, when the provider is registered; providers and tests may use
 * them too.
 */
import { ChatStreamAccumulator, withPartial } from "./chat-stream-accumulator.ts";
import { abortedError } from "./errors.ts";
import { serverToolTimeline } from "./server-tools.ts";
import type { ChatResultV1, ChatStreamPartV1 } from "./spec/chat-model-v1.ts";
import type { ResponseMetadataV1 } from "./spec/response-metadata-v1.ts";
import type { WarningV1 } from "./spec/warning-v1.ts";
import { toolCallEndEvent } from "./tools.ts";

/**
 * Consume a provider's chat stream into a complete result: content events
 * rebuilt by {@link ChatStreamAccumulator} (protocol violations are `stream`
 * errors), `warning` parts collected, `response_metadata` parts merged (a
 * later field wins). A stream that ends without `done` rejects with a
 * `stream` error keeping the partial output; one that fails keeps it too.
 */
export async function collectChatStreamParts(
  parts: AsyncIterable<ChatStreamPartV1>,
  signal?: AbortSignal,
): Promise<ChatResultV1> {
  const accumulator = new ChatStreamAccumulator();
  const warnings: WarningV1[] = [];
  let response: ResponseMetadataV1 | undefined;
  try {
    for await (const part of parts) {
      if (part.type === "warning") warnings.push(part.warning);
      else if (part.type === "response_metadata") response = mergeMetadata(response, part);
      else accumulator.push(part);
    }
  } catch (error) {
    throw withPartial(error, accumulator.partial(), signal);
  }
  if (!accumulator.isDone && signal?.aborted) throw abortedError(signal, accumulator.partial());
  const { model: _model, provider: _provider, ...answer } = accumulator.toResponse();
  const result: ChatResultV1 = answer;
  return {
    ...result,
    ...(response === undefined ? {} : { response }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

/** `previous` with the fields `part` sets. */
export function mergeMetadata(
  previous: ResponseMetadataV1 | undefined,
  part: ResponseMetadataV1,
): ResponseMetadataV1 {
  const merged: { model?: string; requestId?: string } = { ...previous };
  if (part.model !== undefined) merged.model = part.model;
  if (part.requestId !== undefined) merged.requestId = part.requestId;
  return merged;
}

/**
 * The stream parts a provider would have sent for `result`, in protocol
 * order: response metadata and warnings first, reasoning, the text with its
 * server tool calls and results where they came, client tool calls (start,
 * delta, end), usage, and one `done`.
 */
export async function* chatResultToStreamParts(
  result: Promise<ChatResultV1> | ChatResultV1,
): AsyncGenerator<ChatStreamPartV1> {
  const answer = await result;
  if (answer.response !== undefined) yield { type: "response_metadata", ...answer.response };
  for (const warning of answer.warnings ?? []) yield { type: "warning", warning };
  if (answer.reasoning) yield { type: "reasoning", text: answer.reasoning };
  for (const detail of answer.reasoningDetails ?? []) yield { type: "reasoning_detail", detail };
  yield* serverToolTimeline(answer);
  for (const [index, call] of answer.toolCalls.entries()) {
    yield { type: "tool_call_start", index, id: call.id, name: call.name };
    yield { type: "tool_call_delta", index, arguments: call.arguments };
    yield toolCallEndEvent(index, call);
  }
  if (answer.usage) yield { type: "usage", usage: answer.usage };
  yield {
    type: "done",
    finishReason: answer.finishReason,
    ...(answer.rawFinishReason === undefined ? {} : { rawFinishReason: answer.rawFinishReason }),
    ...(answer.usage === undefined ? {} : { usage: answer.usage }),
  };
}
