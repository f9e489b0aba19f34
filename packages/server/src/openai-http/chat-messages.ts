/**
 * OpenAI chat messages to Ratatoskr messages: `system` and `developer`,
 * `user`, `assistant` (with `tool_calls`, and OpenRouter-style `reasoning`)
 * and `tool` (with `tool_call_id`); content as a string or an array of text
 * parts.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
import type { AssistantMessage, Message, ToolCall } from "@ratatoskr/core";
import {
  invalidField,
  optionalArray,
  optionalString,
  requiredObject,
  requiredString,
} from "./request-fields.ts";

/** The content of a message: a string, an array of text parts (joined), or absent/null (empty). */
export function messageContent(value: unknown, field: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) {
    throw invalidField(field, "must be a string or an array of content parts");
  }
  return value
    .map((item, index) => {
      const part = requiredObject(item, `${field}[${index}]`);
      if (part.type !== "text") {
        throw invalidField(
          `${field}[${index}].type`,
          `is not supported: ${JSON.stringify(part.type)} (only "text" parts are)`,
        );
      }
      return requiredString(part.text, `${field}[${index}].text`);
    })
    .join("");
}

function toolCalls(value: unknown, field: string): ToolCall[] | undefined {
  const calls = optionalArray(value, field);
  if (calls === undefined || calls.length === 0) return undefined;
  return calls.map((item, index) => {
    const path = `${field}[${index}]`;
    const call = requiredObject(item, path);
    if (call.type !== undefined && call.type !== "function") {
      throw invalidField(`${path}.type`, `is not supported: only "function" tool calls are`);
    }
    const fn = requiredObject(call.function, `${path}.function`);
    return {
      id: requiredString(call.id, `${path}.id`),
      name: requiredString(fn.name, `${path}.function.name`),
      arguments: optionalString(fn.arguments, `${path}.function.arguments`) ?? "",
    };
  });
}

function assistantMessage(message: Record<string, unknown>, field: string): AssistantMessage {
  const result: AssistantMessage = {
    role: "assistant",
    content: messageContent(message.content, `${field}.content`),
  };
  const calls = toolCalls(message.tool_calls, `${field}.tool_calls`);
  if (calls !== undefined) result.toolCalls = calls;
  const reasoning = optionalString(message.reasoning, `${field}.reasoning`);
  if (reasoning !== undefined && reasoning !== "") result.reasoning = reasoning;
  return result;
}

function chatMessage(item: unknown, field: string): Message {
  const message = requiredObject(item, field);
  const role = message.role;
  switch (role) {
    case "system":
    case "developer":
      return { role: "system", content: messageContent(message.content, `${field}.content`) };
    case "user": {
      const content = messageContent(message.content, `${field}.content`);
      const name = optionalString(message.name, `${field}.name`);
      return name === undefined ? { role: "user", content } : { role: "user", content, name };
    }
    case "assistant":
      return assistantMessage(message, field);
    case "tool":
      return {
        role: "tool",
        content: messageContent(message.content, `${field}.content`),
        toolCallId: requiredString(message.tool_call_id, `${field}.tool_call_id`),
      };
    default:
      throw invalidField(
        `${field}.role`,
        `must be "system", "developer", "user", "assistant" or "tool", not ${JSON.stringify(role) ?? "absent"}`,
      );
  }
}

/** The request's `messages`, converted; an empty or missing list is an `invalid_input` error. */
export function chatMessages(value: unknown): Message[] {
  const items = optionalArray(value, "messages");
  if (items === undefined || items.length === 0) {
    throw invalidField("messages", "must be a non-empty array");
  }
  return items.map((item, index) => chatMessage(item, `messages[${index}]`));
}
