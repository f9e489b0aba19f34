/**
 * The two halves of the generation capability, each from the other (see
 * `chat-stream-parts.ts` for chat): a complete generation collected from
 * stream parts, and stream parts replayed from a complete generation.
 */
import { withPartial } from "./chat-stream-accumulator.ts";
import { mergeMetadata } from "./chat-stream-parts.ts";
import { abortedError, RatatoskrError } from "./errors.ts";
import type { GenerationResultV1, GenerationStreamPartV1 } from "./spec/generation-model-v1.ts";
import type { ResponseMetadataV1 } from "./spec/response-metadata-v1.ts";
import type { WarningV1 } from "./spec/warning-v1.ts";
import type { Usage } from "./usage.ts";

/**
 * Consume a generation stream into a complete result. A stream that ends
 * without `done`, or sends a part after it, is a `stream` error keeping the
 * text delivered so far.
 */
export async function collectGenerationStreamParts(
  parts: AsyncIterable<GenerationStreamPartV1>,
  signal?: AbortSignal,
): Promise<GenerationResultV1> {
  let text = "";
  let usage: Usage | undefined;
  const warnings: WarningV1[] = [];
  let response: ResponseMetadataV1 | undefined;
  let done: Extract<GenerationStreamPartV1, { type: "done" }> | undefined;
  try {
    for await (const part of parts) {
      if (done !== undefined) {
        throw new RatatoskrError({
          code: "stream",
          message: `Received a "${part.type}" part after "done"`,
        });
      }
      switch (part.type) {
        case "text":
          text += part.text;
          break;
        case "usage":
          usage = part.usage;
          break;
        case "warning":
          warnings.push(part.warning);
          break;
        case "response_metadata":
          response = mergeMetadata(response, part);
          break;
        case "done":
          done = part;
          break;
      }
    }
  } catch (error) {
    throw withPartial(error, { content: text }, signal);
  }
  if (done === undefined) {
    if (signal?.aborted) throw abortedError(signal, { content: text });
    throw new RatatoskrError({
      code: "stream",
      message: "The generation stream ended without a finish marker",
      partial: { content: text },
    });
  }
  const finalUsage = done.usage ?? usage;
  return {
    text,
    finishReason: done.finishReason,
    ...(finalUsage === undefined ? {} : { usage: finalUsage }),
    ...(response === undefined ? {} : { response }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

/** The stream parts a provider would have sent for `result`: metadata, warnings, the text, usage, `done`. */
export async function* generationResultToStreamParts(
  result: Promise<GenerationResultV1> | GenerationResultV1,
): AsyncGenerator<GenerationStreamPartV1> {
  const answer = await result;
  if (answer.response !== undefined) yield { type: "response_metadata", ...answer.response };
  for (const warning of answer.warnings ?? []) yield { type: "warning", warning };
  if (answer.text) yield { type: "text", text: answer.text };
  if (answer.usage) yield { type: "usage", usage: answer.usage };
  yield {
    type: "done",
    finishReason: answer.finishReason,
    ...(answer.usage === undefined ? {} : { usage: answer.usage }),
  };
}
