/**
 * A chat tool's multi-turn tool loop with extended thinking, through the
 * provider: turn 1 streams thinking + signature + tool_use; the tool runs;
 * turn 2 must send the thinking block back unchanged, before the tool_use,
 * followed by the tool_result.
 */

import { type ChatSettingsV1, Message, toAssistantMessage } from "@ratatoskr/core";
import { chatRequestFor } from "@ratatoskr/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createAnthropic } from "../src/index.ts";
import { type AnthropicMock, fixture, startAnthropicMock } from "./anthropic-mock-server.ts";
import { collectResponse, MODEL } from "./anthropic-requests.ts";

let mock: AnthropicMock;
beforeAll(async () => {
  mock = await startAnthropicMock();
});
afterAll(async () => {
  await mock.close();
});

const TOOLS: Record<string, (input: { location: string }) => string> = {
  get_weather: ({ location }) => (location === "Paris" ? "18°C and sunny" : "unknown"),
};

it("runs a two-turn tool loop with thinking; turn 2 sends the signed thinking block unchanged", async () => {
  mock.enqueue({ sse: fixture("thinking-tool.sse") }, { sse: fixture("thinking-final.sse") });
  const provider = createAnthropic({ apiKey: "test-key-canary-123456", baseURL: mock.url });
  const settings: ChatSettingsV1 = {
    maxTokens: 8192,
    reasoning: { maxTokens: 4096 },
    tools: [
      {
        name: "get_weather",
        parameters: { type: "object", properties: { location: { type: "string" } } },
      },
    ],
  };
  const conversation: Message[] = [
    Message.system("You are a weather bot."),
    Message.user("What's the weather in Paris?"),
  ];

  const transcript: string[] = [];
  for (let turn = 0; turn < 4; turn++) {
    const response = await collectResponse(
      provider.chat.stream(chatRequestFor(conversation, { model: MODEL, ...settings })),
    );
    conversation.push(toAssistantMessage(response));
    if (response.finishReason !== "tool_calls") {
      transcript.push(response.content);
      break;
    }
    for (const call of response.toolCalls) {
      const result = TOOLS[call.name]!(JSON.parse(call.arguments));
      conversation.push(Message.toolResult(call.id, result, call.name));
    }
  }

  expect(transcript).toEqual(["It is 18°C and sunny in Paris right now."]);
  expect(mock.requests).toHaveLength(2);
  const turn1Signature = (() => {
    const line = fixture("thinking-tool.sse")
      .split("\n")
      .find((text) => text.includes("signature_delta"))!;
    return JSON.parse(line.slice("data: ".length)).delta.signature as string;
  })();
  const second = mock.body(1) as { messages: Array<{ role: string; content: unknown }> };
  expect(second.messages).toEqual([
    { role: "user", content: "What's the weather in Paris?" },
    {
      role: "assistant",
      content: [
        {
          type: "thinking",
          thinking:
            "The user wants to know the current weather in Paris. I have access to a function `get_weather`...",
          signature: turn1Signature,
        },
        {
          type: "text",
          text: "I can help you get the current weather information for Paris. Let me check that for you",
        },
        {
          type: "tool_use",
          id: "toolu_01CswdEQBMshySk6Y9DFKrfq",
          name: "get_weather",
          input: { location: "Paris" },
        },
      ],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "toolu_01CswdEQBMshySk6Y9DFKrfq",
          content: "18°C and sunny",
        },
      ],
    },
  ]);
  // The raw request text carries the signature byte for byte.
  expect(mock.requests[1]!.body).toContain(JSON.stringify(turn1Signature));
  expect(mock.body(1).thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
  // The final assistant message keeps turn 2's signed thinking for a later turn.
  expect(conversation.at(-1)).toMatchObject({
    role: "assistant",
    reasoningDetails: [
      { type: "text", provider: "anthropic", signature: expect.stringMatching(/^ErUB/) },
    ],
  });
});
