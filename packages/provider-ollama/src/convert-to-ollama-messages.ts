/**
 * Convert core messages to the `messages` of Ollama's `/api/chat`: reasoning
 * goes back as `thinking`, assistant tool calls as `tool_calls` whose
 * `arguments` is an object (not JSON text), tool results as `role: "tool"`
 * with `tool_name` and `tool_call_id`.
 *
 * @see https://docs.ollama.com/api/chat
 * @see https://docs.ollama.com/capabilities/tool-calling
 */
import { invalidInput, type Message } from "@ratatoskr/core";

/** A tool call as `/api/chat` takes and returns it. */
export interface OllamaWireToolCall {
  /** The call's id. */
  id?: string;
  /** The function called. */
  function: {
    /** The call's position in the message. */
    index?: number;
    /** The tool's name. */
    name: string;
    /** The arguments, as an object (not JSON text). */
    arguments: Record<string, unknown>;
  };
}

/** One message of an `/api/chat` request. */
export interface OllamaWireMessage {
  /** Who wrote it. */
  role: "system" | "user" | "assistant" | "tool";
  /** The text. */
  content: string;
  /** An assistant turn's thinking text. */
  thinking?: string;
  /** An assistant turn's tool calls. */
  tool_calls?: OllamaWireToolCall[];
  /** A tool message: the tool's name. */
  tool_name?: string;
  /** A tool message: the id of the call it answers. */
  tool_call_id?: string;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `"${value.slice(0, 40)}"` : typeof value;
}

/** A tool call's JSON argument text as the object Ollama wants, or an `invalid_input` error naming it. */
function argumentsObject(text: unknown, where: string): Record<string, unknown> {
  if (typeof text !== "string") {
    throw invalidInput(`${where}.arguments must be JSON text, got ${describe(text)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === "" ? "{}" : text);
  } catch {
    throw invalidInput(`${where}.arguments is not valid JSON: ${text.slice(0, 80)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidInput(
      `${where}.arguments must be a JSON object (Ollama takes an object), got ${describe(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

function convertToolCalls(message: Message & { role: "assistant" }, index: number) {
  const calls = message.toolCalls;
  if (calls === undefined || calls.length === 0) return undefined;
  if (!Array.isArray(calls)) {
    throw invalidInput(`messages[${index}].toolCalls must be an array, got ${describe(calls)}`);
  }
  return calls.map((call, position): OllamaWireToolCall => {
    const where = `messages[${index}].toolCalls[${position}]`;
    if (typeof call !== "object" || call === null) {
      throw invalidInput(`${where} must be an object {id, name, arguments}, got ${describe(call)}`);
    }
    if (typeof call.name !== "string" || call.name === "") {
      throw invalidInput(`${where}.name must be a non-empty string, got ${describe(call.name)}`);
    }
    const wire: OllamaWireToolCall = {
      function: { name: call.name, arguments: argumentsObject(call.arguments, where) },
    };
    if (typeof call.id === "string" && call.id !== "") wire.id = call.id;
    return wire;
  });
}

/**
 * Map core messages (already checked by `assertMessages`) to `/api/chat`
 * messages. A tool result without `name` takes the name of the call it
 * answers, found by id in the assistant turns before it.
 *
 * @see https://docs.ollama.com/api/chat
 */
export function convertToOllamaMessages(messages: readonly Message[]): OllamaWireMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, index): OllamaWireMessage => {
    switch (message.role) {
      case "system":
      case "user":
        return { role: message.role, content: message.content };
      case "assistant": {
        const wire: OllamaWireMessage = { role: "assistant", content: message.content };
        if (typeof message.reasoning === "string" && message.reasoning !== "")
          wire.thinking = message.reasoning;
        const toolCalls = convertToolCalls(message, index);
        if (toolCalls !== undefined) {
          wire.tool_calls = toolCalls;
          for (const call of toolCalls) {
            if (call.id !== undefined) toolNames.set(call.id, call.function.name);
          }
        }
        return wire;
      }
      default: {
        // role "tool" (assertMessages refused anything else)
        const wire: OllamaWireMessage = {
          role: "tool",
          content: message.content,
          tool_call_id: message.toolCallId,
        };
        const name = message.name ?? toolNames.get(message.toolCallId);
        if (name !== undefined) wire.tool_name = name;
        return wire;
      }
    }
  });
}
