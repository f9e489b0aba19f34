/**
 * Tools the model may call, the calls it makes, and how it may choose them.
 */
import { RatatoskrError } from "./errors.ts";
import type { ToolCallEndEvent } from "./events.ts";

/** A JSON Schema object (draft 2020-12 / OpenAPI subset, as the providers accept). */
export type JsonSchema = Record<string, unknown>;

/**
 * A tool the model may call, provider-neutral: a name, a description and the
 * JSON Schema of its arguments. Each provider package converts it to its
 * own wire format.
 */
export interface ToolDefinition {
  /** The name the model calls it by. */
  name: string;
  /** What the tool does, for the model. */
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
}

/** A call the model made: `arguments` is the JSON text exactly as the model produced it. */
export interface ToolCall {
  /** The call's id; the tool message answering it carries it as `toolCallId`. */
  id: string;
  /** The name of the tool called. */
  name: string;
  /** The JSON argument text, exactly as the model produced it. */
  arguments: string;
}

/**
 * Parse a complete tool-call argument buffer (an empty buffer is `{}`).
 * Returns undefined when the text is not valid JSON: such a call is not final.
 */
export function parseToolArguments(text: string):
  | {
      /** The parsed arguments. */
      value: unknown;
    }
  | undefined {
  try {
    return { value: JSON.parse(text === "" ? "{}" : text) };
  } catch {
    return undefined;
  }
}

/**
 * The `tool_call_end` event of a complete call, with its arguments parsed.
 * Throws a `stream` error naming the call when the arguments are not valid
 * JSON, since such a call can never be final.
 */
export function toolCallEndEvent(index: number, call: ToolCall): ToolCallEndEvent {
  const parsed = parseToolArguments(call.arguments);
  if (parsed === undefined) {
    throw new RatatoskrError({
      code: "stream",
      message: `Tool call ${index} ("${call.name}") ended with arguments that are not valid JSON`,
      partial: { content: "", toolCalls: [{ ...call, complete: false }] },
    });
  }
  return {
    type: "tool_call_end",
    index,
    id: call.id,
    name: call.name,
    arguments: call.arguments,
    parsedArguments: parsed.value,
  };
}

/**
 * How the model may use tools: `auto` (its choice), `none`, `required`
 * (must call one), or a named tool it must call.
 */
export type ToolChoice =
  | "auto"
  | "none"
  | "required"
  | {
      /** The tool the model must call. */
      name: string;
    };
