import {
  chatRequestFor,
  everyChatOption,
  jsonReply,
  REPORT_SCHEMA,
  WEATHER_MESSAGES,
  WEATHER_PARAMETERS,
} from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import { fixture, TEST_KEY } from "./huggingface-fixtures.test-helpers.ts";
import { createHuggingFace } from "./huggingface-provider.ts";

const messages = WEATHER_MESSAGES;
const EVERY_OPTION = everyChatOption();

const server = useOpenAIWireMockServer();
const MODEL = "meta-llama/Llama-3.1-8B-Instruct";

describe("huggingface chat router: every option at once", () => {
  it("sends this exact body and these exact warnings", async () => {
    const hf = createHuggingFace({ apiKey: TEST_KEY, chatBaseURL: `${server.url}/v1` });
    server.reply(jsonReply(200, fixture("hf-router-chat-completion.json")));
    const request = chatRequestFor(messages, { model: MODEL, ...EVERY_OPTION });
    const result = await hf.chat!.complete(request);
    expect(hf.chat!.warningsFor(request)).toEqual(result.warnings);
    expect(server.requests[0]!.path).toBe("/v1/chat/completions");
    expect(server.requests[0]!.body).toEqual({
      model: MODEL,
      messages: [
        { role: "system", content: "Be brief." },
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
          schema: REPORT_SCHEMA,
          strict: true,
        },
      },
      reasoning_effort: "high",
    });
    expect(result.warnings).toEqual([
      {
        type: "unsupported_setting",
        setting: "topK",
        details: "the OpenAI Chat Completions wire has no top_k, and this server does not take one",
      },
      {
        type: "unsupported_setting",
        setting: "reasoning",
        details:
          "maxTokens: this server takes a reasoning effort (reasoning_effort), not a token budget",
      },
      {
        type: "unsupported_setting",
        setting: "reasoning",
        details: "exclude: this server has no switch to hide the reasoning",
      },
      {
        type: "unsupported_setting",
        setting: "cachePrompt",
        details: "huggingface is not known to cache prompt prefixes",
      },
    ]);
  });
});
