/**
 * Reads an assistant message's `content` (or a stream delta's) in the shapes
 * OpenAI-compatible servers send: a string, `null`, or a list of typed parts.
 * Mistral's reasoning models (Magistral, and `reasoning_effort` on Mistral
 * Small / Medium) send the list: `{type: "thinking", thinking: [{type:
 * "text", text}]}` parts for the reasoning, `{type: "text", text}` parts for
 * the answer, in order, and in a stream plain strings once the thinking
 * ended. Any other shape is reported as a problem, never skipped: text the
 * mapping cannot read would otherwise vanish without a trace.
 *
 * @see https://docs.mistral.ai/capabilities/reasoning/
 * @see https://github.com/mistralai/client-ts/blob/main/src/models/components/thinkchunk.ts
 */

/** One piece of text read from a message's content, with what it is. */
export interface OpenAIContentPiece {
  /** `content` for answer text, `reasoning` for the model's thinking. */
  kind: "content" | "reasoning";
  text: string;
}

/** The pieces of a message's content, in order, or what could not be read. */
export type OpenAIMessageContentReading =
  | { pieces: OpenAIContentPiece[]; problem?: undefined }
  | { pieces?: undefined; problem: string };

/**
 * Read `content` into answer and reasoning pieces (empty texts left out).
 * Returns `problem` (e.g. `a content part of type "image_url"`) for a shape
 * this mapping does not understand; callers turn it into a typed error.
 */
export function readOpenAIMessageContent(content: unknown): OpenAIMessageContentReading {
  if (content === undefined || content === null) return { pieces: [] };
  if (typeof content === "string") {
    return { pieces: content === "" ? [] : [{ kind: "content", text: content }] };
  }
  if (!Array.isArray(content)) return { problem: `content that is ${describeValue(content)}` };
  const pieces: OpenAIContentPiece[] = [];
  for (const part of content) {
    const problem = readContentPart(part, pieces);
    if (problem !== undefined) return { problem };
  }
  return { pieces };
}

/** Add the pieces of one top-level part; returns a problem when it cannot be read. */
function readContentPart(part: unknown, pieces: OpenAIContentPiece[]): string | undefined {
  if (typeof part !== "object" || part === null || Array.isArray(part)) {
    return `a content part that is not an object (${describeValue(part)})`;
  }
  const { type } = part as { type?: unknown };
  if (type === "text") return readTextPart(part, "content", pieces);
  if (type === "thinking") {
    const { thinking } = part as { thinking?: unknown };
    if (!Array.isArray(thinking)) return `a "thinking" part whose thinking is not a list`;
    for (const inner of thinking) {
      if (typeof inner !== "object" || inner === null) {
        return `a "thinking" part holding ${describeValue(inner)}`;
      }
      const innerType = (inner as { type?: unknown }).type;
      // Mistral's schema lets the inner text parts omit their type.
      if (innerType !== "text" && innerType !== undefined) {
        return `a "thinking" part holding a part of type ${JSON.stringify(innerType)}`;
      }
      const problem = readTextPart(inner, "reasoning", pieces);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (type === undefined) return "a content part without a type";
  return `a content part of type ${JSON.stringify(type)}`;
}

function readTextPart(
  part: unknown,
  kind: OpenAIContentPiece["kind"],
  pieces: OpenAIContentPiece[],
): string | undefined {
  const { text } = part as { text?: unknown };
  if (typeof text !== "string") return `a "text" part whose text is not a string`;
  if (text !== "") pieces.push({ kind, text });
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  const type = typeof value;
  return type === "object" ? "an object" : `a ${type}`;
}
