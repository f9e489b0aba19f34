/**
 * Tools the model may call, the calls it makes, and how it may choose them.
 */
import { invalidInput } from "./errors.ts";

/** A JSON Schema object (draft 2020-12 / OpenAPI subset, as the providers accept). */
export type JsonSchema = Record<string, unknown>;

/** A tool the model may call. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
}

/** A call the model made: `arguments` is the JSON text exactly as the model produced it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * How the model may use tools: `auto` (its choice), `none`, `required`
 * (must call one), or a named tool it must call.
 */
export type ToolChoice = "auto" | "none" | "required" | { name: string };

/** The OpenAI Chat Completions tool format, accepted by {@link ToolDefinition.fromOpenAI}. */
export interface OpenAIToolFormat {
  type: "function";
  function: { name: string; description?: string; parameters?: JsonSchema; strict?: boolean };
}

/** Helpers for {@link ToolDefinition}. */
export const ToolDefinition = {
  /** Convert an OpenAI `{type: "function", function: {...}}` tool. */
  fromOpenAI(tool: OpenAIToolFormat): ToolDefinition {
    if (tool?.type !== "function" || typeof tool.function?.name !== "string") {
      throw invalidInput(
        'Expected an OpenAI tool of the form {type: "function", function: {name, ...}}',
      );
    }
    const { name, description, parameters } = tool.function;
    return {
      name,
      ...(description === undefined ? {} : { description }),
      parameters: parameters ?? { type: "object", properties: {} },
    };
  },
  /** Convert to the OpenAI tool format. */
  toOpenAI(tool: ToolDefinition): OpenAIToolFormat {
    return {
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
      },
    };
  },
} as const;
