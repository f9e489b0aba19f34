/**
 * Live checks against the real Anthropic API. Skipped unless
 * ANTHROPIC_API_KEY is set; ANTHROPIC_LIVE_MODEL picks the model.
 */

import { Message, toAssistantMessage } from "@ratatoskr/core";
import { chatRequestFor } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { createAnthropic } from "../src/index.ts";
import { collectResponse } from "./anthropic-requests.ts";

const model = process.env.ANTHROPIC_LIVE_MODEL ?? "claude-sonnet-4-6";

describe.skipIf(!process.env.ANTHROPIC_API_KEY)("live Anthropic API", () => {
  const provider = createAnthropic();

  it("streams a short answer", async () => {
    const response = await collectResponse(
      provider.chat.stream(
        chatRequestFor([Message.user("Reply with the single word: pong")], {
          model,
          maxTokens: 16,
        }),
      ),
    );
    expect(response.content.toLowerCase()).toContain("pong");
    expect(response.usage?.promptTokens).toBeGreaterThan(0);
  }, 60_000);

  it("counts tokens exactly", async () => {
    const count = await provider.tokenCounting.countTokens({
      model,
      text: "Hello, world",
      providerOptions: {},
      signal: new AbortController().signal,
    });
    expect(count.approximate).toBe(false);
    expect(count.count).toBeGreaterThan(0);
  }, 60_000);

  it("runs a tool loop with extended thinking", async () => {
    const tools = [
      {
        name: "get_weather",
        description: "Current weather for a city",
        parameters: {
          type: "object",
          properties: { location: { type: "string" } },
          required: ["location"],
        },
      },
    ];
    const settings = { maxTokens: 4096, reasoning: { maxTokens: 1024 }, tools };
    const conversation: Message[] = [Message.user("What's the weather in Paris? Use the tool.")];
    const first = await collectResponse(
      provider.chat.stream(chatRequestFor(conversation, { model, ...settings })),
    );
    expect(first.finishReason).toBe("tool_calls");
    conversation.push(toAssistantMessage(first));
    for (const call of first.toolCalls)
      conversation.push(Message.toolResult(call.id, "18°C and sunny"));
    const second = await collectResponse(
      provider.chat.stream(chatRequestFor(conversation, { model, ...settings })),
    );
    expect(second.content).toMatch(/18/);
  }, 120_000);
});
