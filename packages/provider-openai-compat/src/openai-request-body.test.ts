/**
 * The exact request body each OpenAI-wire preset sends when every standard
 * option is set at once, and the exact warnings it returns.
 */
import type { ChatSettingsV1 } from "@ratatoskr/core";
import {
  chatRequestFor,
  everyChatOption,
  jsonReply,
  STRICT_REFUSED_REPORT_SCHEMA,
  sseReply,
  WEATHER_MESSAGES,
  WEATHER_PARAMETERS,
} from "@ratatoskr/testing";
import { drain, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import { createOpenAICompatible } from "./openai-compatible-provider.ts";
import { fixture, TEST_API_KEY as KEY } from "./openai-fixtures.test-helpers.ts";
import { createOpenAI } from "./openai-provider.ts";

const messages = WEATHER_MESSAGES;
const EVERY_OPTION = everyChatOption({}, STRICT_REFUSED_REPORT_SCHEMA);

const server = useOpenAIWireMockServer();

const WIRE_MESSAGES = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Weather in Paris?" },
];
const WIRE_TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather by city",
      parameters: WEATHER_PARAMETERS,
    },
  },
];
const REASONING_WARNINGS = [
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
];
const TOP_K_WARNING = {
  type: "unsupported_setting",
  setting: "topK",
  details: "the OpenAI Chat Completions wire has no top_k, and this server does not take one",
};

/** Send `settings` once, completed, and return the parsed body and the warnings. */
async function sent(
  provider: ReturnType<typeof createOpenAI>,
  settings: ChatSettingsV1,
  model = "gpt-test",
) {
  server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
  const request = chatRequestFor(messages, { model, ...settings });
  const result = await provider.chat.complete(request);
  expect(provider.chat.warningsFor(request)).toEqual(result.warnings ?? []);
  return { body: server.requests.at(-1)!.body, warnings: result.warnings ?? [] };
}

describe("openai: every option at once", () => {
  const openai = () => createOpenAI({ apiKey: KEY, baseURL: `${server.url}/v1` });

  it("sends this exact body (strict schema fitted) and these exact warnings", async () => {
    const { body, warnings } = await sent(openai(), EVERY_OPTION);
    expect(body).toEqual({
      model: "gpt-test",
      messages: WIRE_MESSAGES,
      tools: WIRE_TOOLS,
      tool_choice: { type: "function", function: { name: "get_weather" } },
      parallel_tool_calls: false,
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 256,
      stop: ["END"],
      seed: 7,
      frequency_penalty: 0.5,
      presence_penalty: 0.25,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "report",
          description: "A weather report",
          schema: {
            type: "object",
            properties: {
              city: { type: "string" },
              celsius: { type: ["number", "null"] },
            },
            required: ["city", "celsius"],
            additionalProperties: false,
          },
          strict: true,
        },
      },
      reasoning_effort: "high",
    });
    expect(warnings).toEqual([
      TOP_K_WARNING,
      ...REASONING_WARNINGS,
      {
        type: "other",
        message:
          "responseFormat.schema was fitted to OpenAI's strict subset: #/properties/city: removed minLength; #: added additionalProperties: false; #: made optional celsius required and nullable",
      },
    ]);
  });

  it("alternates: toolChoice required, json_object, effort alone, a non-strict schema goes as given", async () => {
    const first = await sent(openai(), {
      tools: EVERY_OPTION.tools!,
      toolChoice: "required",
      parallelToolCalls: true,
      responseFormat: { type: "json_object" },
      reasoning: { effort: "minimal" },
    });
    expect(first.body).toEqual({
      model: "gpt-test",
      messages: WIRE_MESSAGES,
      tools: WIRE_TOOLS,
      tool_choice: "required",
      parallel_tool_calls: true,
      response_format: { type: "json_object" },
      reasoning_effort: "minimal",
    });
    expect(first.warnings).toEqual([]);
    const second = await sent(openai(), {
      toolChoice: "none",
      responseFormat: { type: "json_schema", name: "report", schema: STRICT_REFUSED_REPORT_SCHEMA },
    });
    expect(second.body).toEqual({
      model: "gpt-test",
      messages: WIRE_MESSAGES,
      tool_choice: "none",
      response_format: {
        type: "json_schema",
        json_schema: { name: "report", schema: STRICT_REFUSED_REPORT_SCHEMA },
      },
    });
    expect(second.warnings).toEqual([]);
  });
});

describe("openai-compatible (defaults): every option at once", () => {
  it("sends this exact body and these exact warnings", async () => {
    const compatible = createOpenAICompatible({
      id: "together",
      baseURL: `${server.url}/v1`,
      apiKey: KEY,
    });
    const { body, warnings } = await sent(compatible, EVERY_OPTION);
    expect(body).toEqual({
      model: "gpt-test",
      messages: WIRE_MESSAGES,
      tools: WIRE_TOOLS,
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
          schema: STRICT_REFUSED_REPORT_SCHEMA,
          strict: true,
        },
      },
      reasoning_effort: "high",
    });
    expect(warnings).toEqual([
      TOP_K_WARNING,
      ...REASONING_WARNINGS,
      {
        type: "unsupported_setting",
        setting: "cachePrompt",
        details: "together is not known to cache prompt prefixes",
      },
    ]);
  });

  it("streams with stream_options.include_usage when asked", async () => {
    const compatible = createOpenAICompatible({
      id: "together",
      baseURL: `${server.url}/v1`,
      apiKey: KEY,
      sendTopK: true,
      includeUsage: true,
    });
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    await drain(compatible.chat.stream(chatRequestFor(messages, { model: "m", topK: 5 })));
    expect(server.requests.at(-1)!.body).toEqual({
      model: "m",
      messages: WIRE_MESSAGES,
      top_k: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});
