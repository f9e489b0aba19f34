/**
 * The exact request body Anthropic gets when every standard option is set
 * at once (and a few alternates), and the exact warnings returned.
 */
import type { ChatSettingsV1 } from "@ratatoskr/core";
import {
  chatRequestFor,
  everyChatOption,
  REPORT_SCHEMA,
  WEATHER_MESSAGES,
  WEATHER_PARAMETERS,
} from "@ratatoskr/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAnthropic } from "../src/index.ts";
import { type AnthropicMock, fixtureJson, startAnthropicMock } from "./anthropic-mock-server.ts";

const messages = WEATHER_MESSAGES;
const { reasoning: _reasoning, ...withoutReasoning } = everyChatOption({ maxTokens: 4096 });
/** Every option but reasoning (thinking cannot be combined with a forced tool choice). */
const EVERY_OPTION: ChatSettingsV1 = withoutReasoning;

const KEY = "test-key-canary-123456";
const SAMPLING = "the Messages API (version 2026-10-21) rejects sampling parameters";

const UNSUPPORTED_WARNINGS = [
  { type: "unsupported_setting", setting: "temperature", details: SAMPLING },
  { type: "unsupported_setting", setting: "topP", details: SAMPLING },
  { type: "unsupported_setting", setting: "topK", details: SAMPLING },
  { type: "unsupported_setting", setting: "seed", details: "the Messages API has no seed" },
  {
    type: "unsupported_setting",
    setting: "frequencyPenalty",
    details: "the Messages API has no frequency penalty",
  },
  {
    type: "unsupported_setting",
    setting: "presencePenalty",
    details: "the Messages API has no presence penalty",
  },
];

let mock: AnthropicMock;
beforeAll(async () => {
  mock = await startAnthropicMock();
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  mock.reset();
});

async function sent(settings: ChatSettingsV1, model: string) {
  const anthropic = createAnthropic({ apiKey: KEY, baseURL: mock.url });
  mock.enqueue({ json: fixtureJson("message-text.json") });
  const request = chatRequestFor(messages, { model, ...settings });
  const result = await anthropic.chat.complete(request);
  expect(anthropic.chat.warningsFor(request)).toEqual(result.warnings ?? []);
  return { body: mock.body(), warnings: result.warnings ?? [] };
}

const WIRE_TOOL = {
  name: "get_weather",
  input_schema: WEATHER_PARAMETERS,
  description: "Weather by city",
};

describe("anthropic: every option at once", () => {
  it("native structured output (claude-sonnet-4-6): this exact body and these exact warnings", async () => {
    const { body, warnings } = await sent(EVERY_OPTION, "claude-sonnet-4-6");
    expect(body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: 4096,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      stream: false,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      tools: [{ ...WIRE_TOOL, cache_control: { type: "ephemeral" } }],
      tool_choice: { type: "tool", name: "get_weather", disable_parallel_tool_use: true },
      stop_sequences: ["END"],
      output_config: { format: { type: "json_schema", schema: REPORT_SCHEMA } },
    });
    expect(warnings).toEqual(UNSUPPORTED_WARNINGS);
  });

  it("tool-based structured output (claude-sonnet-4-20250514): the schema is a forced tool", async () => {
    const { body, warnings } = await sent(EVERY_OPTION, "claude-sonnet-4-20250514");
    expect(body).toEqual({
      model: "claude-sonnet-4-20250514",
      max_tokens: 4096,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      stream: false,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      tools: [
        WIRE_TOOL,
        {
          name: "report",
          description: "A weather report",
          input_schema: REPORT_SCHEMA,
          cache_control: { type: "ephemeral" },
        },
      ],
      tool_choice: { type: "tool", name: "report" },
      stop_sequences: ["END"],
    });
    expect(warnings).toEqual([
      ...UNSUPPORTED_WARNINGS,
      {
        type: "unsupported_setting",
        setting: "toolChoice",
        details: 'not sent: the JSON schema answer is a forced call of the tool "report"',
      },
    ]);
  });

  it("alternates: reasoning (budget, exclude) with toolChoice auto; effort alone; json_object", async () => {
    const first = await sent(
      {
        tools: EVERY_OPTION.tools!,
        toolChoice: "auto",
        maxTokens: 8192,
        reasoning: { maxTokens: 2048, exclude: true },
      },
      "claude-sonnet-4-6",
    );
    expect(first.body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: 8192,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      stream: false,
      system: [{ type: "text", text: "Be brief." }],
      thinking: { type: "enabled", budget_tokens: 2048, display: "omitted" },
      tools: [WIRE_TOOL],
      tool_choice: { type: "auto" },
    });
    expect(first.warnings).toEqual([]);
    const second = await sent(
      { maxTokens: 8192, reasoning: { effort: "low" }, responseFormat: { type: "json_object" } },
      "claude-sonnet-4-6",
    );
    expect(second.body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: 8192,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      stream: false,
      system: [{ type: "text", text: "Be brief." }],
      thinking: { type: "enabled", budget_tokens: 4096 },
    });
    expect(second.warnings).toEqual([
      {
        type: "unsupported_setting",
        setting: "responseFormat",
        details: 'Anthropic needs a schema for JSON output; use {type: "json_schema", schema}',
      },
    ]);
  });
});
