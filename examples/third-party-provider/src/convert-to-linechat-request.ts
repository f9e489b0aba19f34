/**
 * A v1 chat request as a LineChat `POST /chat` body, with a warning for
 * every setting LineChat cannot honour. The same function backs
 * `warningsFor`, so what strict mode predicts is exactly what a call
 * returns (plus the service's own notices, known only from the answer).
 */
import type { ChatRequestV1, ChatSettingsV1, Message, WarningV1 } from "@ratatoskr/core";
import { readLinechatProviderOptions } from "./linechat-provider-options.ts";
import type { LineChatChatBody, LineChatWireMessage } from "./linechat-wire.ts";

/** Standard settings LineChat has no field for, with why. */
const UNSUPPORTED_SETTINGS: Readonly<Partial<Record<keyof ChatSettingsV1, string>>> = {
  topK: "LineChat samples with temperature and top_p only",
  frequencyPenalty: "LineChat has no penalties",
  presencePenalty: "LineChat has no penalties",
  responseFormat: "LineChat has no JSON mode",
  reasoning: "LineChat models do not reason",
  parallelToolCalls: "LineChat decides on its own how many tools to call",
  cachePrompt: "LineChat has no prompt cache",
};

/** The body to send and the warnings the request produces before anything is sent. */
export interface LineChatRequest {
  body: LineChatChatBody;
  warnings: WarningV1[];
}

function toWireMessage(message: Message): LineChatWireMessage {
  switch (message.role) {
    case "assistant":
      return {
        role: "assistant",
        text: message.content,
        ...(message.toolCalls?.length
          ? {
              calls: message.toolCalls.map((call) => ({
                id: call.id,
                name: call.name,
                arguments: call.arguments,
              })),
            }
          : {}),
      };
    case "tool":
      return { role: "tool", text: message.content, call_id: message.toolCallId };
    default:
      return { role: message.role, text: message.content };
  }
}

/** Build the wire body; throws `invalid_input` for a provider option of the wrong type. */
export function convertToLinechatRequest(request: ChatRequestV1): LineChatRequest {
  const warnings: WarningV1[] = [];
  const { settings } = request;
  for (const [setting, details] of Object.entries(UNSUPPORTED_SETTINGS)) {
    if (settings[setting as keyof ChatSettingsV1] !== undefined) {
      warnings.push({ type: "unsupported_setting", setting, details });
    }
  }
  const body: LineChatChatBody = {
    model: request.model,
    messages: request.messages.map(toWireMessage),
    ...readLinechatProviderOptions(request.providerOptions, warnings),
  };
  if (settings.tools?.length) {
    body.tools = settings.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      schema: tool.parameters,
    }));
  }
  if (settings.toolChoice !== undefined) body.tool_choice = settings.toolChoice;
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;
  if (settings.maxTokens !== undefined) body.max_tokens = settings.maxTokens;
  if (settings.stop !== undefined) body.stop = [...settings.stop];
  if (settings.seed !== undefined) body.seed = settings.seed;
  return { body, warnings };
}
