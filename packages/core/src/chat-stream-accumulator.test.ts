import { describe, expect, it } from "vitest";
import {
  ChatStreamAccumulator,
  collectChatStream,
  withPartial,
} from "./chat-stream-accumulator.ts";
import { RatatoskrError } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import { toAssistantMessage } from "./responses.ts";
import { toolCallEndEvent } from "./tools.ts";
import { createUsage } from "./usage.ts";

async function* from(events: ChatEvent[], error?: Error): AsyncGenerator<ChatEvent> {
  yield* events;
  if (error) throw error;
}

describe("ChatStreamAccumulator", () => {
  it("reassembles interleaved parallel tool calls by index, in index order", async () => {
    const usage = createUsage(10, 5);
    const response = await collectChatStream(
      from([
        { type: "reasoning", text: "think " },
        { type: "reasoning", text: "more" },
        {
          type: "reasoning_detail",
          detail: { type: "text", text: "think more", signature: "sig", provider: "anthropic" },
        },
        { type: "content", text: "Let me " },
        { type: "tool_call_start", index: 1, id: "call_b", name: "get_time" },
        { type: "tool_call_start", index: 0, id: "call_a", name: "get_weather" },
        { type: "tool_call_delta", index: 0, arguments: '{"ci' },
        { type: "tool_call_delta", index: 1, arguments: '{"tz":' },
        { type: "tool_call_delta", index: 0, arguments: 'ty":"Oslo"}' },
        { type: "tool_call_delta", index: 1, arguments: '"UTC"}' },
        {
          type: "tool_call_end",
          index: 1,
          id: "call_b",
          name: "get_time",
          arguments: '{"tz":"UTC"}',
          parsedArguments: { tz: "UTC" },
        },
        { type: "content", text: "check." },
        {
          type: "tool_call_end",
          index: 0,
          id: "call_a",
          name: "get_weather",
          arguments: '{"city":"Oslo"}',
          parsedArguments: { city: "Oslo" },
        },
        { type: "usage", usage },
        {
          type: "done",
          finishReason: "tool_calls",
          rawFinishReason: "tool_use",
          model: "m",
          provider: "p",
        },
      ]),
    );
    expect(response).toEqual({
      content: "Let me check.",
      reasoning: "think more",
      reasoningDetails: [
        { type: "text", text: "think more", signature: "sig", provider: "anthropic" },
      ],
      toolCalls: [
        { id: "call_a", name: "get_weather", arguments: '{"city":"Oslo"}' },
        { id: "call_b", name: "get_time", arguments: '{"tz":"UTC"}' },
      ],
      usage,
      finishReason: "tool_calls",
      rawFinishReason: "tool_use",
      model: "m",
      provider: "p",
    });
    expect(toAssistantMessage(response)).toEqual({
      role: "assistant",
      content: "Let me check.",
      toolCalls: response.toolCalls,
      reasoning: "think more",
      reasoningDetails: response.reasoningDetails,
    });
  });

  it("keeps server tool calls and results apart from client tool calls, with their place in the text", async () => {
    const call = { id: "srv_1", name: "web_search", input: { query: "q" } };
    const result = { toolCallId: "srv_1", name: "web_search", content: [{ title: "A" }] };
    const response = await collectChatStream(
      from([
        { type: "content", text: "Searching. " },
        { type: "server_tool_call", call },
        { type: "server_tool_result", result },
        { type: "content", text: "Found it." },
        { type: "tool_call_start", index: 0, id: "call_a", name: "save" },
        toolCallEndEvent(0, { id: "call_a", name: "save", arguments: "" }),
        { type: "done", finishReason: "tool_calls" },
      ]),
    );
    expect(response.content).toBe("Searching. Found it.");
    expect(response.toolCalls).toEqual([{ id: "call_a", name: "save", arguments: "" }]);
    expect(response.serverToolCalls).toEqual([{ ...call, contentOffset: 11 }]);
    expect(response.serverToolResults).toEqual([{ ...result, contentOffset: 11 }]);
    const message = toAssistantMessage(response);
    expect(message.serverToolCalls).toEqual(response.serverToolCalls);
    expect(message.serverToolResults).toEqual(response.serverToolResults);
  });

  it("leaves the server tool fields out when there were none", async () => {
    const response = await collectChatStream(
      from([
        { type: "content", text: "Hi" },
        { type: "done", finishReason: "stop" },
      ]),
    );
    expect(response).not.toHaveProperty("serverToolCalls");
    expect(response).not.toHaveProperty("serverToolResults");
    expect(toAssistantMessage(response)).toEqual({ role: "assistant", content: "Hi" });
  });

  it("takes usage from done when there was no usage event; leaves it undefined when unknown", async () => {
    const withDoneUsage = await collectChatStream(
      from([{ type: "done", finishReason: "stop", usage: createUsage(1, 2) }]),
    );
    expect(withDoneUsage.usage?.totalTokens).toBe(3);
    const unknown = await collectChatStream(
      from([
        { type: "content", text: "x" },
        { type: "done", finishReason: "stop" },
      ]),
    );
    expect(unknown.usage).toBeUndefined();
    expect("usage" in unknown).toBe(false);
  });

  it("a stream without done is a stream error keeping the partial text and tool calls", async () => {
    const error = await collectChatStream(
      from([
        { type: "content", text: "partial " },
        { type: "tool_call_start", index: 0, id: "c", name: "f" },
        { type: "tool_call_delta", index: 0, arguments: '{"a":1' },
      ]),
    ).catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "stream")).toBe(true);
    expect((error as RatatoskrError).partial).toEqual({
      content: "partial ",
      toolCalls: [{ id: "c", name: "f", arguments: '{"a":1', complete: false }],
    });
  });

  it("an upstream error keeps its code and gains the partial output", async () => {
    const upstream = new RatatoskrError({
      code: "provider",
      message: "overloaded",
      status: 529,
      isRetryable: true,
    });
    const error = (await collectChatStream(
      from([{ type: "content", text: "so far" }], upstream),
    ).catch((caught: unknown) => caught)) as RatatoskrError;
    expect(error).toMatchObject({
      code: "provider",
      status: 529,
      isRetryable: true,
      partial: { content: "so far" },
    });
  });

  it("keeps every field of the error it attaches the partial output to", () => {
    const original = new RatatoskrError({
      code: "content_filtered",
      message: "filtered",
      reason: "violence",
      limit: 8192,
      body: "{}",
      details: { upstream: "x" },
      cause: new Error("root"),
    });
    const decorated = withPartial(original, { content: "so far" });
    const { partial, ...fields } = decorated.toJSON();
    expect(partial).toEqual({ content: "so far" });
    expect(fields).toEqual(original.toJSON());
  });

  it("wraps foreign errors as stream errors, or aborted when the signal fired", () => {
    expect(withPartial(new TypeError("bad"), { content: "" }).code).toBe("stream");
    expect(withPartial(new TypeError("bad"), { content: "" }, AbortSignal.abort()).code).toBe(
      "aborted",
    );
  });

  it.each([
    ["delta before start", [{ type: "tool_call_delta", index: 0, arguments: "{" }]],
    [
      "end before start",
      [{ type: "tool_call_end", index: 0, id: "a", name: "f", arguments: "", parsedArguments: {} }],
    ],
    [
      "start twice",
      [
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "tool_call_start", index: 0, id: "b", name: "g" },
      ],
    ],
    [
      "delta after end",
      [
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "tool_call_end", index: 0, id: "a", name: "f", arguments: "", parsedArguments: {} },
        { type: "tool_call_delta", index: 0, arguments: "x" },
      ],
    ],
    [
      "end twice",
      [
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "tool_call_end", index: 0, id: "a", name: "f", arguments: "", parsedArguments: {} },
        { type: "tool_call_end", index: 0, id: "a", name: "f", arguments: "", parsedArguments: {} },
      ],
    ],
    [
      "end with another id",
      [
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "tool_call_end", index: 0, id: "b", name: "f", arguments: "", parsedArguments: {} },
      ],
    ],
    [
      "end with another name",
      [
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "tool_call_end", index: 0, id: "a", name: "g", arguments: "", parsedArguments: {} },
      ],
    ],
    [
      "end whose arguments differ from the deltas",
      [
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "tool_call_delta", index: 0, arguments: '{"x":1}' },
        {
          type: "tool_call_end",
          index: 0,
          id: "a",
          name: "f",
          arguments: '{"x":2}',
          parsedArguments: { x: 2 },
        },
      ],
    ],
    [
      "event after done",
      [
        { type: "done", finishReason: "stop" },
        { type: "content", text: "late" },
      ],
    ],
    [
      "done with an open tool call",
      [
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "done", finishReason: "tool_calls" },
      ],
    ],
  ] as Array<[string, ChatEvent[]]>)("rejects a protocol violation: %s", (_name, events) => {
    const accumulator = new ChatStreamAccumulator();
    expect(() => {
      for (const event of events) accumulator.push(event);
    }).toThrowError(RatatoskrError);
  });
});

describe("ChatStreamAccumulator server tools", () => {
  it.each([
    [
      "a server tool call delivered twice",
      /server tool call "s" was delivered twice/i,
      [
        { type: "server_tool_call", call: { id: "s", name: "web_search", input: {} } },
        { type: "server_tool_call", call: { id: "s", name: "web_search", input: {} } },
      ],
    ],
    [
      "a server tool result delivered twice",
      /result of server tool call "s" was delivered twice/,
      [
        {
          type: "server_tool_result",
          result: { toolCallId: "s", name: "web_search", content: [] },
        },
        {
          type: "server_tool_result",
          result: { toolCallId: "s", name: "web_search", content: [] },
        },
      ],
    ],
    [
      "a server tool call whose id is a client tool call's",
      /"a" is already a client tool call/,
      [
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "server_tool_call", call: { id: "a", name: "web_search", input: {} } },
      ],
    ],
    [
      "a client tool call whose id is a server tool call's",
      /"a" is already a server tool call/,
      [
        { type: "server_tool_call", call: { id: "a", name: "web_search", input: {} } },
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
      ],
    ],
  ] as Array<[string, RegExp, ChatEvent[]]>)("rejects %s", (_name, pattern, events) => {
    const accumulator = new ChatStreamAccumulator();
    expect(() => {
      for (const event of events) accumulator.push(event);
    }).toThrowError(pattern);
  });
});

describe("toolCallEndEvent", () => {
  it("repeats the call and parses its arguments; an empty buffer is {}", () => {
    expect(toolCallEndEvent(2, { id: "c", name: "f", arguments: '{"a":[1,2]}' })).toEqual({
      type: "tool_call_end",
      index: 2,
      id: "c",
      name: "f",
      arguments: '{"a":[1,2]}',
      parsedArguments: { a: [1, 2] },
    });
    expect(toolCallEndEvent(0, { id: "c", name: "f", arguments: "" }).parsedArguments).toEqual({});
  });

  it("refuses arguments that are not JSON with a stream error keeping the raw text", () => {
    let caught: unknown;
    try {
      toolCallEndEvent(0, { id: "c", name: "f", arguments: '{"a":' });
    } catch (error) {
      caught = error;
    }
    expect(RatatoskrError.isInstance(caught, "stream")).toBe(true);
    expect((caught as RatatoskrError).partial?.toolCalls).toEqual([
      { id: "c", name: "f", arguments: '{"a":', complete: false },
    ]);
  });
});
