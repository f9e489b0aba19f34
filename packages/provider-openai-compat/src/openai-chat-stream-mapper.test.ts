import { type ChatStreamPartV1, collectChatStreamParts, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import {
  OpenAIChatStreamMapper,
  type OpenAIWireChunk,
  type OpenAIWireContentPart,
} from "./openai-chat-stream-mapper.ts";
import { OpenAIReasoningDetailsMerger } from "./openai-reasoning.ts";

function run(chunks: OpenAIWireChunk[], provider = "p"): ChatStreamPartV1[] {
  const mapper = new OpenAIChatStreamMapper(provider);
  const events: ChatStreamPartV1[] = [];
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

async function collect(events: ChatStreamPartV1[]) {
  return collectChatStreamParts(
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

  it("delivers a second complete call at index 0 that follows a finish reason (a finish reason per call)", async () => {
    const paris = {
      id: "call_a",
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Paris"}' },
    };
    const oslo = {
      id: "call_b",
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
    };
    const events = run([
      delta({ role: "assistant", tool_calls: [paris] }, "tool_calls"),
      delta({ tool_calls: [oslo] }, "tool_calls"),
    ]);
    expect(events.filter((event) => event.type === "tool_call_end")).toEqual([
      {
        type: "tool_call_end",
        index: 0,
        id: "call_a",
        name: "get_weather",
        arguments: '{"city":"Paris"}',
        parsedArguments: { city: "Paris" },
      },
      {
        type: "tool_call_end",
        index: 1,
        id: "call_b",
        name: "get_weather",
        arguments: '{"city":"Oslo"}',
        parsedArguments: { city: "Oslo" },
      },
    ]);
    expect((await collect(events)).toolCalls.map((call) => call.id)).toEqual(["call_a", "call_b"]);
  });

  it("ends a call that starts after the finish reason when the stream ends, and fails if its JSON is cut", async () => {
    const late = run([
      delta({ content: "Checking." }, "stop"),
      delta({
        tool_calls: [{ id: "late", index: 0, function: { name: "f", arguments: '{"a":1}' } }],
      }),
    ]);
    expect(late.at(-2)).toEqual({
      type: "tool_call_end",
      index: 0,
      id: "late",
      name: "f",
      arguments: '{"a":1}',
      parsedArguments: { a: 1 },
    });
    expect(late.at(-1)).toMatchObject({ type: "done", finishReason: "tool_calls" });
    const mapper = new OpenAIChatStreamMapper("p");
    mapper.push(delta({ content: "done" }, "stop"));
    mapper.push(
      delta({ tool_calls: [{ id: "cut", index: 0, function: { name: "f", arguments: '{"a":' } }] }),
    );
    expect(() => mapper.finish()).toThrow(/incomplete JSON arguments for tool call "f" \(cut\)/);
  });

  it("starts a new call for a delta without an id that names another tool at an index in use", async () => {
    const events = run([
      delta({
        tool_calls: [
          { id: "call_a", index: 0, function: { name: "get_weather", arguments: '{"city":' } },
        ],
      }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      delta({ tool_calls: [{ index: 0, function: { name: "get_time", arguments: "{" } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '"zone":"CET"}' } }] }),
      delta({
        tool_calls: [{ index: 0, function: { name: "get_time", arguments: '{"zone":"UTC"}' } }],
      }),
      delta({}, "tool_calls"),
    ]);
    expect((await collect(events)).toolCalls).toEqual([
      { id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
      { id: "call_1", name: "get_time", arguments: '{"zone":"CET"}' },
      { id: "call_2", name: "get_time", arguments: '{"zone":"UTC"}' },
    ]);
  });

  it("fails, never drops, argument fragments that arrive for a call after its end", () => {
    const mapper = new OpenAIChatStreamMapper("p");
    mapper.push(
      delta(
        { tool_calls: [{ id: "call_a", index: 0, function: { name: "f", arguments: '{"a":1}' } }] },
        "tool_calls",
      ),
    );
    // A repeat of the call's id and name without arguments carries nothing new.
    expect(
      mapper.push(delta({ tool_calls: [{ id: "call_a", index: 0, function: { name: "f" } }] })),
    ).toEqual([]);
    expect(() =>
      mapper.push(delta({ tool_calls: [{ index: 0, function: { arguments: "  " } }] })),
    ).not.toThrow();
    let caught: unknown;
    try {
      mapper.push(delta({ tool_calls: [{ index: 0, function: { arguments: ',"b":2}' } }] }));
    } catch (error) {
      caught = error;
    }
    expect(RatatoskrError.isInstance(caught, "stream")).toBe(true);
    expect((caught as RatatoskrError).message).toMatch(/after its end/);
    expect((caught as RatatoskrError).partial?.toolCalls).toEqual([
      { id: "call_a", name: "f", arguments: '{"a":1}', complete: true },
    ]);
  });

  it("rejects a tool call fragment whose arguments are not a string, or that renames its call", () => {
    const objectArguments = new OpenAIChatStreamMapper("p");
    expect(() =>
      objectArguments.push(
        delta({
          tool_calls: [
            {
              id: "call_a",
              index: 0,
              function: { name: "f", arguments: { a: 1 } as unknown as string },
            },
          ],
        }),
      ),
    ).toThrow(/arguments that are not a string \(object\)/);
    const renamed = new OpenAIChatStreamMapper("p");
    renamed.push(
      delta({ tool_calls: [{ id: "call_a", index: 0, function: { name: "f", arguments: "{" } }] }),
    );
    expect(() =>
      renamed.push(delta({ tool_calls: [{ id: "call_a", index: 0, function: { name: "g" } }] })),
    ).toThrow(/renamed tool call call_a from "f" to "g"/);
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

describe("OpenAIChatStreamMapper: content as a list of parts (Mistral)", () => {
  const thinking = (text: string, extra: Record<string, unknown> = {}) => ({
    type: "thinking",
    thinking: [{ type: "text", text }],
    ...extra,
  });
  const parts = (value: unknown) =>
    delta({
      content: value as OpenAIWireContentPart[],
    });

  it("maps thinking parts to reasoning and text parts to content, in order", async () => {
    const events = run([
      parts([thinking("Plan: ")]),
      parts([thinking("add.", { closed: true }), { type: "text", text: "2 + 2" }]),
      delta({ content: " = 4" }),
      parts([{ type: "text", text: "." }]),
      delta({}, "stop"),
    ]);
    expect(events.slice(0, 5)).toEqual([
      { type: "reasoning", text: "Plan: " },
      { type: "reasoning", text: "add." },
      { type: "content", text: "2 + 2" },
      { type: "content", text: " = 4" },
      { type: "content", text: "." },
    ]);
    const response = await collect(events);
    expect(response.content).toBe("2 + 2 = 4.");
    expect(response.reasoning).toBe("Plan: add.");
  });

  it.each([
    [
      [{ type: "image_url", image_url: { url: "https://x/y.png" } }],
      /a content part of type "image_url"/,
    ],
    [[{ type: "reference", reference_ids: [1] }], /a content part of type "reference"/],
    [[{ text: "no type" }], /a content part without a type/],
    [[{ type: "text", text: 42 }], /a "text" part whose text is not a string/],
    [[{ type: "thinking", thinking: "flat" }], /a "thinking" part whose thinking is not a list/],
    [
      [
        {
          type: "thinking",
          thinking: [{ type: "tool_reference", tool: "web_search", title: "t" }],
        },
      ],
      /a "thinking" part holding a part of type "tool_reference"/,
    ],
    [["loose string"], /a content part that is not an object/],
    [{ type: "text", text: "object, not a list" }, /content that is an object/],
    [42, /content that is a number/],
  ])(
    "ends in a stream error, keeping the partial text, for content it does not understand: %j",
    (content, message) => {
      const mapper = new OpenAIChatStreamMapper("p");
      mapper.push(delta({ content: "Before" }));
      let caught: unknown;
      try {
        mapper.push(parts(content));
      } catch (error) {
        caught = error;
      }
      expect(RatatoskrError.isInstance(caught, "stream")).toBe(true);
      expect((caught as RatatoskrError).message).toMatch(message);
      expect((caught as RatatoskrError).message).toMatch(/^p sent /);
      expect((caught as RatatoskrError).partial?.content).toBe("Before");
    },
  );
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
