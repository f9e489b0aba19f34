/**
 * The exact request body OpenRouter gets when every standard option is set
 * at once (and a few alternates), and the exact warnings returned.
 */
import { type ChatSettingsV1, Message } from "@ratatoskr/core";
import {
  chatRequestFor,
  everyChatOption,
  jsonReply,
  STRICT_REFUSED_REPORT_SCHEMA,
  WEATHER_MESSAGES,
  WEATHER_PARAMETERS,
} from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import { fixture, TEST_API_KEY as KEY } from "./openrouter-fixtures.test-helpers.ts";
import { createOpenRouter } from "./openrouter-provider.ts";

const messages = WEATHER_MESSAGES;
const EVERY_OPTION = everyChatOption({}, STRICT_REFUSED_REPORT_SCHEMA);

const server = useOpenAIWireMockServer();
const openrouter = () => createOpenRouter({ apiKey: KEY, baseURL: `${server.url}/api/v1` });

async function sent(settings: ChatSettingsV1, model = "openai/gpt-4o-mini") {
  server.reply(jsonReply(200, fixture("openrouter-chat-completion-reasoning.json")));
  const request = chatRequestFor(messages, { model, ...settings });
  const result = await openrouter().chat.complete(request);
  expect(openrouter().chat.warningsFor(request)).toEqual(result.warnings ?? []);
  expect(server.requests.at(-1)!.path).toBe("/api/v1/chat/completions");
  return { body: server.requests.at(-1)!.body, warnings: result.warnings ?? [] };
}

describe("openrouter: every option at once", () => {
  it("sends this exact body (response_format in OpenAI's shape, schema as given) and no warnings", async () => {
    const { body, warnings } = await sent(EVERY_OPTION);
    expect(body).toEqual({
      model: "openai/gpt-4o-mini",
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
        },
        { role: "user", content: "Weather in Paris?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather by city",
            parameters: WEATHER_PARAMETERS,
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      parallel_tool_calls: false,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      max_tokens: 256,
      stop: ["END"],
      seed: 7,
      frequency_penalty: 0.5,
      presence_penalty: 0.25,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "report",
          description: "A weather report",
          schema: STRICT_REFUSED_REPORT_SCHEMA,
          strict: true,
        },
      },
      reasoning: { effort: "high", max_tokens: 2048, exclude: true },
    });
    expect(warnings).toEqual([]);
  });

  it("alternates: toolChoice required, json_object, a reasoning budget alone, cachePrompt with tools and no system message", async () => {
    const { body, warnings } = await sent({
      tools: EVERY_OPTION.tools!,
      toolChoice: "required",
      responseFormat: { type: "json_object" },
      reasoning: { maxTokens: 1024 },
      cachePrompt: true,
    });
    expect(body).toEqual({
      model: "openai/gpt-4o-mini",
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
        },
        { role: "user", content: "Weather in Paris?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather by city",
            parameters: WEATHER_PARAMETERS,
          },
        },
      ],
      tool_choice: "required",
      response_format: { type: "json_object" },
      reasoning: { max_tokens: 1024 },
    });
    expect(warnings).toEqual([]);
    server.reply(jsonReply(200, fixture("openrouter-chat-completion-reasoning.json")));
    const request = chatRequestFor([Message.user("Hi")], {
      model: "openai/gpt-4o-mini",
      tools: EVERY_OPTION.tools!,
      cachePrompt: true,
      reasoning: { exclude: false },
    });
    const result = await openrouter().chat.complete(request);
    expect(server.requests.at(-1)!.body).toMatchObject({ reasoning: { exclude: false } });
    expect(result.warnings).toEqual([
      {
        type: "unsupported_setting",
        setting: "cachePrompt",
        details:
          "OpenRouter marks the cached prefix on a system message, and this conversation has none: the tools alone are not cached",
      },
    ]);
  });
});
