import type { Message } from "@ratatoskr/core";
import { reasoningFieldsForProvider } from "./openai-reasoning.ts";

/** A chat message in the OpenAI Chat Completions wire format. */
export type OpenAIWireMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string; name?: string }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: Array<{
        id: string;
        type: "function";
        function: { name: string; arguments: string };
      }>;
      [reasoningField: string]: unknown;
    }
  | { role: "tool"; tool_call_id: string; content: string };

/**
 * Convert core messages to the OpenAI Chat Completions `messages` array.
 * Assistant messages carry their tool calls and, when they came from this
 * same provider, their reasoning in the form the server sent it
 * (`reasoning_details`, `reasoning` or `reasoning_content`).
 *
 * @param provider the plugin id: only reasoning records of this provider are sent back.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens#preserving-reasoning-blocks
 */
export function convertToOpenAIChatMessages(
  messages: readonly Message[],
  provider: string,
): OpenAIWireMessage[] {
  const wire: OpenAIWireMessage[] = new Array(messages.length);
  for (let position = 0; position < messages.length; position++) {
    const message = messages[position]!;
    switch (message.role) {
      case "system":
        wire[position] = { role: "system", content: message.content };
        break;
      case "user":
        wire[position] =
          message.name === undefined
            ? { role: "user", content: message.content }
            : { role: "user", content: message.content, name: message.name };
        break;
      case "assistant": {
        const toolCalls = message.toolCalls;
        const hasToolCalls = toolCalls !== undefined && toolCalls.length > 0;
        const assistant: Extract<OpenAIWireMessage, { role: "assistant" }> = {
          role: "assistant",
          content: hasToolCalls && message.content === "" ? null : message.content,
        };
        if (hasToolCalls) {
          assistant.tool_calls = toolCalls.map((call) => ({
            id: call.id,
            type: "function",
            function: { name: call.name, arguments: call.arguments },
          }));
        }
        const reasoning = reasoningFieldsForProvider(message, provider);
        if (reasoning !== undefined) Object.assign(assistant, reasoning);
        wire[position] = assistant;
        break;
      }
      case "tool":
        wire[position] = {
          role: "tool",
          tool_call_id: message.toolCallId,
          content: message.content,
        };
        break;
    }
  }
  return wire;
}
