import { type ChatEvent, collectChatStream, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { OpenAIChatStreamMapper, type OpenAIWireChunk } from "./openai-chat-stream-mapper.ts";
import { OpenAIReasoningDetailsMerger } from "./openai-reasoning.ts";

function run(chunks: OpenAIWireChunk[], provider = "p"): ChatEvent[] {
  const mapper = new OpenAIChatStreamMapper(provider);
  const events: ChatEvent[] = [];
  for (const chunk of chunks) events.push(...mapper.push(chunk));
  events.push(...mapper.finish());
  return events;
}

const delta = (
  value: NonNullable<NonNullable<OpenAIWireChunk["choices"]>[number]["delta"]>,
  finish: string | null = null,
): OpenAIWireChunk => ({
  choices: [{ index: 0, delta: value, finish_reason: finish }],
});

async function collect(events: ChatEvent[]) {
  return collectChatStream(
    (async function* () {
      yield* events;
    })(),
  );
}

describe("OpenAIChatStreamMapper", () => {
  it("tells apart parallel calls that all carry index 0 by their ids (Ollama)", async () => {
    const events = run([
      delta({
        role: "assistant",
        content: "",
        tool_calls: [
          {
            id: "call_a1",
            index: 0,
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
          {
            id: "call_b2",
            index: 0,
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
        ],
      }),
      delta({
        tool_calls: [
          {
            id: "call_c3",
            index: 0,
            type: "function",
            function: { name: "get_time", arguments: "{}" },
          },
        ],
      }),
      delta({ content: "" }, "tool_calls"),
    ]);
    expect(events.filter((event) => event.type === "tool_call_start")).toEqual([
      { type: "tool_call_start", index: 0, id: "call_a1", name: "get_weather" },
      { type: "tool_call_start", index: 1, id: "call_b2", name: "get_weather" },
      { type: "tool_call_start", index: 2, id: "call_c3", name: "get_time" },
    ]);
    const response = await collect(events);
    expect(response.toolCalls.map((call) => call.arguments)).toEqual([
      '{"city":"Paris"}',
      '{"city":"Oslo"}',
      "{}",
    ]);
  });

  it("continues a call when a server repeats its id on every fragment", async () => {
    const events = run([
      delta({
        tool_calls: [{ id: "call_x", index: 0, function: { name: "f", arguments: '{"a":' } }],
      }),
      delta({ tool_calls: [{ id: "call_x", index: 0, function: { arguments: "1}" } }] }),
      delta({}, "tool_calls"),
    ]);
    expect((await collect(events)).toolCalls).toEqual([
      { id: "call_x", name: "f", arguments: '{"a":1}' },
    ]);
  });

  it("gives a parameterless call {} arguments, and maps 'stop' after tool calls to tool_calls", async () => {
    const events = run([
      delta({ tool_calls: [{ id: "call_n", index: 0, function: { name: "now" } }] }),
      delta({}, "stop"),
    ]);
    expect(events).toEqual([
      { type: "tool_call_start", index: 0, id: "call_n", name: "now" },
      { type: "tool_call_delta", index: 0, arguments: "{}" },
      {
        type: "tool_call_end",
        index: 0,
        id: "call_n",
        name: "now",
        arguments: "{}",
        parsedArguments: {},
      },
      { type: "done", finishReason: "tool_calls", rawFinishReason: "stop" },
    ]);
  });

  it("does not end a call whose arguments are a JSON prefix that happens to parse until the finish", () => {
    const mapper = new OpenAIChatStreamMapper("p");
    const first = mapper.push(
      delta({ tool_calls: [{ id: "c", index: 0, function: { name: "f", arguments: "1" } }] }),
    );
    expect(first.some((event) => event.type === "tool_call_end")).toBe(false);
    const second = mapper.push(
      delta({ tool_calls: [{ index: 0, function: { arguments: "23" } }] }, "tool_calls"),
    );
    expect(second).toEqual([
      { type: "tool_call_delta", index: 0, arguments: "23" },
      {
        type: "tool_call_end",
        index: 0,
        id: "c",
        name: "f",
        arguments: "123",
        parsedArguments: 123,
      },
    ]);
  });

  it("keeps a refusal's text as content", () => {
    const events = run([
      delta({ content: null, refusal: "I can't" }),
      delta({ refusal: " help with that." }),
      delta({}, "stop"),
    ]);
    expect(events.slice(0, 2)).toEqual([
      { type: "content", text: "I can't" },
      { type: "content", text: " help with that." },
    ]);
  });

  it("rejects arguments before a call's name", () => {
    const mapper = new OpenAIChatStreamMapper("p");
    expect(() =>
      mapper.push(delta({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] })),
    ).toThrow(/before the call's name/);
  });

  it("maps finish_reason error to a stream error with the partial text", () => {
    const mapper = new OpenAIChatStreamMapper("p");
    mapper.push(delta({ content: "abc" }));
    try {
      mapper.push(delta({ content: "" }, "error"));
      expect.unreachable();
    } catch (error) {
      expect(RatatoskrError.isInstance(error, "stream")).toBe(true);
      expect((error as RatatoskrError).partial?.content).toBe("abc");
    }
  });

  it("refuses a tool call that starts after the finish reason instead of leaving it unended", () => {
    const mapper = new OpenAIChatStreamMapper("p");
    mapper.push(delta({ content: "done" }, "stop"));
    expect(() =>
      mapper.push(
        delta({ tool_calls: [{ id: "late", index: 0, function: { name: "f", arguments: "{}" } }] }),
      ),
    ).toThrow(/after the finish reason/);
  });

  it("maps an error object in a chunk (OpenRouter's mid-stream error) by its code, keeping the partial text", () => {
    const mapper = new OpenAIChatStreamMapper("p");
    mapper.push(delta({ content: "Once upon" }));
    let caught: unknown;
    try {
      mapper.push({
        error: { code: 429, message: "Rate limit exceeded" },
        choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }],
      });
    } catch (error) {
      caught = error;
    }
    expect(RatatoskrError.isInstance(caught, "rate_limited")).toBe(true);
    expect((caught as RatatoskrError).isRetryable).toBe(true);
    expect((caught as RatatoskrError).partial?.content).toBe("Once upon");
  });

  it("maps unknown finish reasons to other, keeping the raw value, and reads Groq's x_groq usage", () => {
    const events = run([
      delta({ content: "hi" }, "eos_token"),
      {
        choices: [],
        x_groq: { usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
      },
    ]);
    expect(events.at(-1)).toEqual({
      type: "done",
      finishReason: "other",
      rawFinishReason: "eos_token",
      usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 },
    });
  });

  it("reads reasoning from reasoning_details alone when no plain field mirrors it", () => {
    const events = run([
      delta({
        reasoning_details: [{ type: "reasoning.summary", summary: "Plan: add.", index: 0 }],
      }),
      delta({ reasoning_details: [{ type: "reasoning.encrypted", data: "gAAAAB", index: 1 }] }),
      delta({ content: "2" }, "stop"),
    ]);
    expect(events.filter((event) => event.type === "reasoning")).toEqual([
      { type: "reasoning", text: "Plan: add." },
    ]);
    expect(events.filter((event) => event.type === "reasoning_detail")).toEqual([
      {
        type: "reasoning_detail",
        detail: {
          type: "opaque",
          provider: "p",
          value: { type: "reasoning.summary", summary: "Plan: add.", index: 0 },
        },
      },
      {
        type: "reasoning_detail",
        detail: {
          type: "opaque",
          provider: "p",
          value: { type: "reasoning.encrypted", data: "gAAAAB", index: 1 },
        },
      },
    ]);
  });
});

describe("OpenAIReasoningDetailsMerger", () => {
  it("merges fragments by index and type, concatenating text and keeping the signature", () => {
    const merger = new OpenAIReasoningDetailsMerger();
    merger.push([
      { type: "reasoning.text", text: "Let me ", format: "anthropic-claude-v1", index: 0 },
    ]);
    merger.push([{ type: "reasoning.text", text: "think.", index: 0 }]);
    merger.push([{ type: "reasoning.text", text: null, signature: "EqQBCkgIBxAB", index: 0 }]);
    merger.push([{ type: "reasoning.encrypted", data: "abc", index: 1 }]);
    merger.push([{ type: "reasoning.text", text: "no index" }]);
    merger.push("not an array");
    expect(merger.entries()).toEqual([
      {
        type: "reasoning.text",
        text: "Let me think.",
        format: "anthropic-claude-v1",
        index: 0,
        signature: "EqQBCkgIBxAB",
      },
      { type: "reasoning.encrypted", data: "abc", index: 1 },
      { type: "reasoning.text", text: "no index" },
    ]);
  });
});
