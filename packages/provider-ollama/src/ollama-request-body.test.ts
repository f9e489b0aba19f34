/**
 * The exact request body Ollama gets when every standard option is set at
 * once (and a few alternates), on both transports, and the exact warnings
 * returned.
 */
import type { ChatSettingsV1 } from "@ratatoskr/core";
import {
  chatRequestFor,
  everyChatOption,
  REPORT_SCHEMA,
  sseReply,
  WEATHER_MESSAGES,
  WEATHER_PARAMETERS,
} from "@ratatoskr/testing";
import { drain, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import { fixture, ndjsonReply } from "./ollama-fixtures.test-helpers.ts";
import { createOllama } from "./ollama-provider.ts";

const server = useOpenAIWireMockServer();

const TOOLS = [
  { name: "get_weather", description: "Weather by city", parameters: WEATHER_PARAMETERS },
  { name: "get_time", parameters: { type: "object" } },
];
const messages = WEATHER_MESSAGES;
const EVERY_OPTION = everyChatOption({ tools: TOOLS });

const WIRE_WEATHER = {
  type: "function",
  function: { name: "get_weather", description: "Weather by city", parameters: WEATHER_PARAMETERS },
};
const WIRE_MESSAGES = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Weather in Paris?" },
];
const PARALLEL_WARNING = {
  type: "unsupported_setting",
  setting: "parallelToolCalls",
  details: "Ollama has no switch for parallel tool calls; the model may make several",
};
const NAMED_WARNING = {
  type: "unsupported_setting",
  setting: "toolChoice",
  details:
    'Ollama cannot force a tool call; only "get_weather" is offered, the model decides whether to call it',
};

describe("ollama native /api/chat: every option at once", () => {
  const ollama = () => createOllama({ baseURL: server.url });

  async function sent(settings: ChatSettingsV1) {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
    const request = chatRequestFor(messages, { model: "qwen3", ...settings });
    const result = await ollama().chat.complete(request);
    expect(ollama().chat.warningsFor(request)).toEqual(result.warnings ?? []);
    expect(server.requests.at(-1)!.path).toBe("/api/chat");
    return { body: server.requests.at(-1)!.body, warnings: result.warnings ?? [] };
  }

  it("sends this exact body (options.*, format = the schema, think) and these exact warnings", async () => {
    const { body, warnings } = await sent(EVERY_OPTION);
    expect(body).toEqual({
      model: "qwen3",
      messages: WIRE_MESSAGES,
      stream: true,
      tools: [WIRE_WEATHER],
      format: REPORT_SCHEMA,
      think: "high",
      options: {
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        num_predict: 256,
        stop: ["END"],
        seed: 7,
        frequency_penalty: 0.5,
        presence_penalty: 0.25,
      },
    });
    expect(warnings).toEqual([
      PARALLEL_WARNING,
      NAMED_WARNING,
      {
        type: "unsupported_setting",
        setting: "reasoning",
        details: "maxTokens: Ollama has no thinking budget; thinking is switched on without one",
      },
    ]);
  });

  it("alternates: toolChoice required and none, json_object, reasoning without an effort", async () => {
    const required = await sent({
      tools: TOOLS,
      toolChoice: "required",
      responseFormat: { type: "json_object" },
      reasoning: {},
    });
    expect(required.body).toEqual({
      model: "qwen3",
      messages: WIRE_MESSAGES,
      stream: true,
      tools: [
        WIRE_WEATHER,
        { type: "function", function: { name: "get_time", parameters: { type: "object" } } },
      ],
      format: "json",
      think: true,
    });
    expect(required.warnings).toEqual([
      {
        type: "unsupported_setting",
        setting: "toolChoice",
        details: 'Ollama cannot force a tool call ("required"); the model decides',
      },
    ]);
    const none = await sent({
      tools: TOOLS,
      toolChoice: "none",
      responseFormat: { type: "text" },
      reasoning: { effort: "minimal" },
    });
    expect(none.body).toEqual({
      model: "qwen3",
      messages: WIRE_MESSAGES,
      stream: true,
      think: "low",
    });
    expect(none.warnings).toEqual([]);
  });
});

describe("ollama /v1 (transport: openai): every option at once", () => {
  it("sends this exact body and these exact warnings", async () => {
    const ollama = createOllama({ baseURL: server.url, transport: "openai" });
    server.reply(sseReply(fixture("ollama-openai-chat-stream-text.sse")));
    const request = chatRequestFor(messages, { model: "qwen3", ...EVERY_OPTION });
    const parts = await drain(ollama.chat.stream(request));
    const warnings = parts.flatMap((part) => (part.type === "warning" ? [part.warning] : []));
    expect(ollama.chat.warningsFor(request)).toEqual(warnings);
    expect(server.requests.at(-1)!.path).toBe("/v1/chat/completions");
    expect(server.requests.at(-1)!.body).toEqual({
      model: "qwen3",
      messages: WIRE_MESSAGES,
      tools: [WIRE_WEATHER],
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
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(warnings).toEqual([
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
      PARALLEL_WARNING,
      NAMED_WARNING,
    ]);
  });
});
