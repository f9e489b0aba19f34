import {
  type ChatSettingsV1,
  collectChatStreamParts,
  Message,
  RatatoskrError,
} from "@ratatoskr/core";
import { chatRequestFor } from "@ratatoskr/testing";
import { drain } from "@ratatoskr/testing/conformance";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildAnthropicRequest } from "../src/anthropic-request.ts";
import { AnthropicStreamMapper } from "../src/anthropic-stream-mapper.ts";
import { anthropicStructuredOutputMode } from "../src/anthropic-structured-output.ts";
import { createAnthropic } from "../src/index.ts";
import {
  type AnthropicMock,
  fixture,
  fixtureJson,
  startAnthropicMock,
} from "./anthropic-mock-server.ts";

const KEY = "test-key-canary-123456";
const SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" } },
  required: ["city", "celsius"],
  additionalProperties: false,
};
const FORMAT = { type: "json_schema", name: "weather_report", schema: SCHEMA } as const;
const OLD_MODEL = "claude-sonnet-4-20250514";
const messages = [Message.user("Weather in Paris?")];

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

const anthropic = () => createAnthropic({ apiKey: KEY, baseURL: mock.url });
const build = (
  model: string,
  settings: ChatSettingsV1,
  providerOptions: Record<string, unknown> = {},
) => buildAnthropicRequest({ model, messages, settings, providerOptions });

describe("anthropicStructuredOutputMode", () => {
  it.each([
    ["claude-3-5-sonnet-20241022", "tool"],
    ["claude-3-haiku-20240307", "tool"],
    ["claude-sonnet-4-20250514", "tool"],
    ["claude-sonnet-4-0", "tool"],
    ["claude-opus-4-20250514", "tool"],
    ["claude-opus-4-1-20250805", "native"],
    ["claude-sonnet-4-5-20250929", "native"],
    ["claude-haiku-4-5", "native"],
    ["claude-sonnet-4-6", "native"],
    ["my-proxy-model", "native"],
  ] as const)("%s → %s", (model, mode) => {
    expect(anthropicStructuredOutputMode(model, undefined)).toBe(mode);
  });

  it("follows the structuredOutput option over the model rule", () => {
    expect(anthropicStructuredOutputMode("claude-sonnet-4-6", "tool")).toBe("tool");
    expect(anthropicStructuredOutputMode(OLD_MODEL, "native")).toBe("native");
  });
});

describe("tool-based structured output: the request", () => {
  it("native models get output_config.format and no tool", () => {
    const { body, outputTool } = build("claude-sonnet-4-6", { responseFormat: FORMAT });
    expect(outputTool).toBeUndefined();
    expect(body.output_config).toEqual({ format: { type: "json_schema", schema: SCHEMA } });
    expect(body).not.toHaveProperty("tools");
    expect(body).not.toHaveProperty("tool_choice");
  });

  it("tool-mode models get one forced tool named after the schema, after the caller's tools", () => {
    const { body, outputTool, warnings } = build(OLD_MODEL, {
      responseFormat: { ...FORMAT, description: "The weather" },
      tools: [{ name: "lookup", parameters: { type: "object" } }],
      toolChoice: "auto",
    });
    expect(outputTool).toBe("weather_report");
    expect(body).not.toHaveProperty("output_config");
    expect(body.tools).toEqual([
      { name: "lookup", input_schema: { type: "object" } },
      { name: "weather_report", description: "The weather", input_schema: SCHEMA },
    ]);
    expect(body.tool_choice).toEqual({ type: "tool", name: "weather_report" });
    expect(warnings).toEqual([
      {
        type: "unsupported_setting",
        setting: "toolChoice",
        details: 'not sent: the JSON schema answer is a forced call of the tool "weather_report"',
      },
    ]);
  });

  it("the structuredOutput option picks the mode; a bad value is invalid_input", () => {
    const forced = build(
      "claude-sonnet-4-6",
      { responseFormat: FORMAT },
      { structuredOutput: "tool" },
    );
    expect(forced.body.tools).toEqual([
      {
        name: "weather_report",
        description: "Give the answer as this tool's input.",
        input_schema: SCHEMA,
      },
    ]);
    const native = build(OLD_MODEL, { responseFormat: FORMAT }, { structuredOutput: "native" });
    expect(native.outputTool).toBeUndefined();
    expect(native.body.output_config).toEqual({ format: { type: "json_schema", schema: SCHEMA } });
    expect(() =>
      build(OLD_MODEL, { responseFormat: FORMAT }, { structuredOutput: "json" }),
    ).toThrowError(/providerOptions\.anthropic\.structuredOutput must be "native" or "tool"/);
  });

  it("refuses a tool name clash, a non-object schema and extended thinking, with typed errors", () => {
    const clash = () =>
      build(OLD_MODEL, {
        responseFormat: FORMAT,
        tools: [{ name: "weather_report", parameters: { type: "object" } }],
      });
    expect(clash).toThrowError(RatatoskrError);
    expect(clash).toThrowError(/responseFormat.name "weather_report" is also the name of a tool/);
    const array = () =>
      build(OLD_MODEL, { responseFormat: { ...FORMAT, schema: { type: "array" } } });
    expect(array).toThrowError(/responseFormat.schema must describe an object/);
    try {
      build(OLD_MODEL, { responseFormat: FORMAT, reasoning: { maxTokens: 2048 }, maxTokens: 8192 });
      expect.unreachable();
    } catch (error) {
      expect((error as RatatoskrError).code).toBe("unsupported_parameter");
      expect((error as RatatoskrError).message).toContain("tool-based structured output");
    }
  });
});

describe("tool-based structured output: the answer", () => {
  const request = (model = OLD_MODEL) =>
    chatRequestFor(messages, { model, responseFormat: FORMAT, toolChoice: "required" });

  it("complete: the forced tool's input is the message text, finish reason stop, no tool call", async () => {
    mock.enqueue({ json: fixtureJson("message-structured-output-tool.json") });
    const result = await anthropic().chat.complete(request());
    expect(result.content).toBe('{"city":"Paris","celsius":18}');
    expect(JSON.parse(result.content)).toEqual({ city: "Paris", celsius: 18 });
    expect(result.toolCalls).toEqual([]);
    expect(result.finishReason).toBe("stop");
    expect(result.rawFinishReason).toBe("tool_use");
    expect(result.warnings).toEqual(anthropic().chat.warningsFor(request()));
    expect(mock.body().tool_choice).toEqual({ type: "tool", name: "weather_report" });
  });

  it("stream: the input streams as content, no tool call events, done with stop", async () => {
    mock.enqueue(
      { sse: fixture("structured-output-tool.sse"), chunkSize: 7 },
      { sse: fixture("structured-output-tool.sse") },
    );
    const parts = await drain(anthropic().chat.stream(request()));
    expect(parts.filter((part) => part.type.startsWith("tool_call"))).toEqual([]);
    expect(parts.filter((part) => part.type === "content")).toEqual([
      { type: "content", text: '{"city": "Pa' },
      { type: "content", text: 'ris", "celsius": 18}' },
    ]);
    expect(parts.at(-1)).toMatchObject({
      type: "done",
      finishReason: "stop",
      rawFinishReason: "tool_use",
    });
    const collected = await collectChatStreamParts(anthropic().chat.stream(request()));
    expect(JSON.parse(collected.content)).toEqual({ city: "Paris", celsius: 18 });
    expect(collected.toolCalls).toEqual([]);
  });

  it("a native model's tool_use for a tool of the same name stays a tool call", async () => {
    mock.enqueue({ json: fixtureJson("message-structured-output-tool.json") });
    const result = await anthropic().chat.complete(request("claude-sonnet-4-6"));
    expect(result.content).toBe("");
    expect(result.toolCalls).toEqual([
      {
        id: "toolu_01Json9qw90lq917835lq9x",
        name: "weather_report",
        arguments: '{"city":"Paris","celsius":18}',
      },
    ]);
    expect(result.finishReason).toBe("tool_calls");
  });
});

describe("AnthropicStreamMapper with an output tool", () => {
  const start = (name: string, input: object = {}) => ({
    type: "content_block_start" as const,
    index: 0,
    content_block: { type: "tool_use", id: "toolu_1", name, input },
  });
  const events = (mapper: AnthropicStreamMapper, list: unknown[]) =>
    list.flatMap((event) => {
      const mapped = mapper.handle(event as never);
      return mapped === undefined ? [] : Array.isArray(mapped) ? mapped : [mapped];
    });
  const opening = {
    type: "message_start",
    message: { id: "msg_1", model: OLD_MODEL, content: [], usage: { input_tokens: 1 } },
  };

  it("an empty input is the answer {}; a whole input in the start block is sent at once", () => {
    const empty = new AnthropicStreamMapper({ outputTool: "weather_report" });
    expect(
      events(empty, [opening, start("weather_report"), { type: "content_block_stop", index: 0 }]),
    ).toEqual([
      { type: "response_metadata", model: OLD_MODEL, requestId: "msg_1" },
      { type: "content", text: "{}" },
    ]);
    const whole = new AnthropicStreamMapper({ outputTool: "weather_report" });
    expect(events(whole, [opening, start("weather_report", { city: "Oslo" })]).at(-1)).toEqual({
      type: "content",
      text: '{"city":"Oslo"}',
    });
  });

  it("an input that is not JSON at the block's stop is a stream error", () => {
    const mapper = new AnthropicStreamMapper({ outputTool: "weather_report" });
    expect(() =>
      events(mapper, [
        opening,
        start("weather_report"),
        {
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: '{"city": "Pa' },
        },
        { type: "content_block_stop", index: 0 },
      ]),
    ).toThrowError(/structured output tool call ended with an input that is not JSON/);
    expect(mapper.failure?.code).toBe("stream");
  });
});
