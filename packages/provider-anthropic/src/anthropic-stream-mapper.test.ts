import type Anthropic from "@anthropic-ai/sdk";
import { type ChatStreamPartV1, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { AnthropicStreamMapper } from "./anthropic-stream-mapper.ts";
import { convertAnthropicUsage, mergeAnthropicUsage } from "./anthropic-usage.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";

const event = (value: unknown) => value as Anthropic.RawMessageStreamEvent;
const start = event({
  type: "message_start",
  message: { model: "claude-x", usage: { input_tokens: 5, output_tokens: 1 } },
});

describe("AnthropicStreamMapper", () => {
  it("fails when message_stop arrives with a tool_use block still open", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.handle(start);
    mapper.handle(
      event({
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t", name: "f", input: {} },
      }),
    );
    mapper.handle(
      event({
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: '{"a":1}' },
      }),
    );
    expect(() => mapper.handle(event({ type: "message_stop" }))).toThrowError(RatatoskrError);
    expect(mapper.isFinished).toBe(false);
    expect(mapper.partial().toolCalls).toEqual([
      { id: "t", name: "f", arguments: '{"a":1}', complete: false },
    ]);
  });

  it("ignores unknown events, unknown blocks and unknown deltas, and citations on text", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.handle(start);
    expect(mapper.handle(event({ type: "future_event" }))).toBeUndefined();
    expect(
      mapper.handle(
        event({ type: "content_block_start", index: 0, content_block: { type: "future_block" } }),
      ),
    ).toBeUndefined();
    expect(
      mapper.handle(
        event({
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: "{" },
        }),
      ),
    ).toBeUndefined();
    expect(mapper.handle(event({ type: "content_block_stop", index: 0 }))).toBeUndefined();
    mapper.handle(
      event({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }),
    );
    expect(
      mapper.handle(
        event({
          type: "content_block_delta",
          index: 1,
          delta: { type: "citations_delta", citation: { type: "char_location" } },
        }),
      ),
    ).toBeUndefined();
    expect(
      mapper.handle(
        event({ type: "content_block_delta", index: 1, delta: { type: "future_delta" } }),
      ),
    ).toBeUndefined();
    expect(mapper.handle(event({ type: "content_block_stop", index: 1 }))).toBeUndefined();
    expect(mapper.handle(event({ type: "message_stop" }))).toEqual([
      { type: "usage", usage: { promptTokens: 5, completionTokens: 1, totalTokens: 6 } },
      {
        type: "done",
        finishReason: "other",
        usage: { promptTokens: 5, completionTokens: 1, totalTokens: 6 },
      },
    ]);
  });

  it("passes a tool_use start that already carries input as one delta", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.handle(start);
    expect(
      mapper.handle(
        event({
          type: "content_block_start",
          index: 0,
          content_block: { type: "tool_use", id: "t", name: "f", input: { a: 1 } },
        }),
      ),
    ).toEqual([
      { type: "tool_call_start", index: 0, id: "t", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: '{"a":1}' },
    ]);
    expect(mapper.handle(event({ type: "content_block_stop", index: 0 }))).toEqual({
      type: "tool_call_end",
      index: 0,
      id: "t",
      name: "f",
      arguments: '{"a":1}',
      parsedArguments: { a: 1 },
    });
  });

  it("emits a thinking detail without signature when none came, and done without usage when it is unknown", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.handle(event({ type: "message_start", message: { model: "claude-x" } }));
    mapper.handle(
      event({
        type: "content_block_start",
        index: 0,
        content_block: { type: "thinking", thinking: "", signature: "" },
      }),
    );
    expect(mapper.handle(event({ type: "content_block_stop", index: 0 }))).toEqual({
      type: "reasoning_detail",
      detail: { type: "text", text: "", provider: "anthropic" },
    });
    mapper.handle(
      event({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: null }),
    );
    expect(mapper.handle(event({ type: "message_stop" }))).toEqual({
      type: "done",
      finishReason: "stop",
      rawFinishReason: "end_turn",
    });
  });

  it("message_start is a response_metadata part: the model, and the request-id header (else the message id)", () => {
    const withId = event({ type: "message_start", message: { id: "msg_01", model: "claude-x" } });
    expect(new AnthropicStreamMapper().handle(withId)).toEqual({
      type: "response_metadata",
      model: "claude-x",
      requestId: "msg_01",
    });
    expect(new AnthropicStreamMapper({ requestId: "req_01" }).handle(withId)).toEqual({
      type: "response_metadata",
      model: "claude-x",
      requestId: "req_01",
    });
    expect(
      new AnthropicStreamMapper().handle(event({ type: "message_start", message: {} })),
    ).toBeUndefined();
  });
});

const messageStart = start;
const textStart = (index: number, text = "") =>
  event({ type: "content_block_start", index, content_block: { type: "text", text } });
const textDelta = (index: number, text: string) =>
  event({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
const toolStart = (index: number, id: string) =>
  event({
    type: "content_block_start",
    index,
    content_block: { type: "tool_use", id, name: "get_weather", input: {} },
  });
const jsonDelta = (index: number, partial_json: string) =>
  event({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
const blockStop = (index: number) => event({ type: "content_block_stop", index });
const toolBlock = (index: number, id: string) => [
  toolStart(index, id),
  jsonDelta(index, '{"location": "Paris"}'),
  blockStop(index),
];
const stopReason = (reason: string) =>
  event({ type: "message_delta", delta: { stop_reason: reason }, usage: { output_tokens: 9 } });
const messageStop = event({ type: "message_stop" });

/** Feed events until the mapper throws: what it delivered, and the error. */
function feed(events: Anthropic.RawMessageStreamEvent[]) {
  const mapper = new AnthropicStreamMapper();
  const delivered: ChatStreamPartV1[] = [];
  for (const item of events) {
    let mapped: ReturnType<AnthropicStreamMapper["handle"]>;
    try {
      mapped = mapper.handle(item);
    } catch (error) {
      return { delivered, error, mapper };
    }
    if (Array.isArray(mapped)) delivered.push(...mapped);
    else if (mapped !== undefined) delivered.push(mapped);
  }
  return { delivered, error: undefined, mapper };
}

const doneAfterStop: ChatStreamPartV1 = {
  type: "done",
  finishReason: "stop",
  rawFinishReason: "end_turn",
  usage: { promptTokens: 5, completionTokens: 9, totalTokens: 14 },
};

const firstCall: ChatStreamPartV1[] = [
  { type: "tool_call_start", index: 0, id: "toolu_first", name: "get_weather" },
  { type: "tool_call_delta", index: 0, arguments: '{"location": "Paris"}' },
  {
    type: "tool_call_end",
    index: 0,
    id: "toolu_first",
    name: "get_weather",
    arguments: '{"location": "Paris"}',
    parsedArguments: { location: "Paris" },
  },
];

describe("AnthropicStreamMapper protocol violations", () => {
  // Each violating event would have produced an event without the check: the
  // stream must end with a typed error before delivering anything more.
  it.each([
    [
      "a second message_start (a spliced stream)",
      [
        messageStart,
        ...toolBlock(0, "toolu_first"),
        messageStart,
        ...toolBlock(0, "toolu_second"),
        stopReason("tool_use"),
        messageStop,
      ],
      /second message_start/,
      firstCall,
    ],
    ["content before message_start", [textStart(0, "early")], /before message_start/, []],
    [
      "a delta for a block that was never started",
      [messageStart, textDelta(0, "ghost")],
      /content block 0, which was never started/,
      [],
    ],
    [
      "a delta for a block that already stopped",
      [messageStart, textStart(0), textDelta(0, "a"), blockStop(0), textDelta(0, "late")],
      /content block 0, which already stopped/,
      [{ type: "content", text: "a" }],
    ],
    [
      "a block started twice",
      [messageStart, ...toolBlock(0, "toolu_first"), toolStart(0, "toolu_second")],
      /content block 0 started twice/i,
      firstCall,
    ],
    [
      "a content_block_start index out of order",
      [messageStart, textStart(0), blockStop(0), toolStart(2, "toolu_skipped")],
      /content_block_start for index 2; expected index 1/,
      [],
    ],
    [
      "a stop for a block that was never started",
      [messageStart, blockStop(3)],
      /content_block_stop for content block 3, which was never started/,
      [],
    ],
    [
      "a stop for a block that already stopped",
      [messageStart, ...toolBlock(0, "toolu_first"), blockStop(0)],
      /content block 0, which already stopped/,
      firstCall,
    ],
    [
      "a text_delta for a tool_use block",
      [messageStart, toolStart(0, "toolu_first"), textDelta(0, "text in a tool")],
      /text_delta for content block 0, which is a tool_use block/,
      [{ type: "tool_call_start", index: 0, id: "toolu_first", name: "get_weather" }],
    ],
    [
      "a delta for a server tool result block (results arrive whole)",
      [
        messageStart,
        event({
          type: "content_block_start",
          index: 0,
          content_block: { type: "web_search_tool_result", tool_use_id: "srv", content: [] },
        }),
        textDelta(0, "x"),
      ],
      /text_delta for content block 0, which is a web_search_tool_result block/,
      [],
    ],
    [
      "a second message_delta with a stop reason",
      [messageStart, stopReason("end_turn"), stopReason("tool_use"), messageStop],
      /second stop_reason/,
      [],
    ],
    [
      "a content block after the stop reason",
      [messageStart, stopReason("end_turn"), textStart(0, "after the end")],
      /after the stop_reason/,
      [],
    ],
    [
      "message_stop while a block is open",
      [messageStart, textStart(0), textDelta(0, "a"), messageStop],
      /message_stop arrived while content block 0 \(text\) was still open/,
      [{ type: "content", text: "a" }],
    ],
    [
      "a second message_stop",
      [messageStart, stopReason("end_turn"), messageStop, messageStop],
      /after message_stop/,
      [doneAfterStop],
    ],
    [
      "content after message_stop",
      [messageStart, stopReason("end_turn"), messageStop, textStart(0, "late")],
      /after message_stop/,
      [doneAfterStop],
    ],
  ] as Array<[string, Anthropic.RawMessageStreamEvent[], RegExp, ChatStreamPartV1[]]>)(
    "%s",
    (_name, events, pattern, expected) => {
      const { delivered, error, mapper } = feed(events);
      expect(RatatoskrError.isInstance(error, "stream"), String(error)).toBe(true);
      expect((error as RatatoskrError).message).toMatch(pattern);
      expect(
        delivered.filter((item) => item.type !== "usage" && item.type !== "response_metadata"),
        "nothing after the violation",
      ).toEqual(expected);
      // Once broken, the mapper stays broken.
      expect(() => mapper.handle(messageStop)).toThrowError(RatatoskrError);
    },
  );

  it.each([
    ["an event that is not an object", null, /not an Anthropic stream event/],
    ["an event without a type", { index: 0 }, /not an Anthropic stream event/],
    ["a message_start without a message", { type: "message_start" }, /message_start/],
    [
      "a content_block_start without a content block",
      { type: "content_block_start", index: 0 },
      /content_block_start/,
    ],
    [
      "a content block index that is not an integer",
      { type: "content_block_start", index: "0", content_block: { type: "text", text: "" } },
      /index/,
    ],
    [
      "a tool_use block without an id",
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", name: "f" } },
      /tool_use block.*id/,
    ],
    [
      "a server tool result without tool_use_id",
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "web_search_tool_result", content: [] },
      },
      /tool_use_id/,
    ],
    [
      "a content_block_delta without a delta",
      { type: "content_block_delta", index: 0 },
      /content_block_delta/,
    ],
    [
      "a text_delta whose text is not a string",
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: 42 } },
      /text_delta/,
    ],
  ])("a malformed event is a typed stream error: %s", (_name, raw, pattern) => {
    const mapper = new AnthropicStreamMapper();
    const events = [messageStart, textStart(0)];
    for (const item of events) mapper.handle(item);
    if ((raw as { type?: string } | null)?.type === "content_block_start") {
      mapper.handle(blockStop(0));
    }
    let caught: unknown;
    try {
      mapper.handle(event(raw));
    } catch (error) {
      caught = error;
    }
    expect(RatatoskrError.isInstance(caught, "stream"), String(caught)).toBe(true);
    expect((caught as RatatoskrError).message).toMatch(pattern);
  });

  it("an SSE event name that disagrees with the payload's type is a stream error", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.handle(messageStart, "message_start");
    mapper.handle(textStart(0), "content_block_start");
    expect(() => mapper.handle(textDelta(0, "x"), "message_delta")).toThrowError(
      /event "message_delta" carried a "content_block_delta" payload/,
    );
  });
});

describe("usage", () => {
  it("is unknown (undefined), never zero, without input or output counts", () => {
    expect(convertAnthropicUsage(undefined)).toBeUndefined();
    expect(convertAnthropicUsage({ output_tokens: 3 })).toBeUndefined();
    expect(convertAnthropicUsage({ input_tokens: 3, output_tokens: 2 })).toEqual({
      promptTokens: 3,
      completionTokens: 2,
      totalTokens: 5,
    });
  });

  it("merges cumulative message_delta counts, keeping fields the delta leaves null", () => {
    const merged = mergeAnthropicUsage(
      { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 4 },
      { input_tokens: null, output_tokens: 9, cache_read_input_tokens: null },
    );
    expect(merged).toEqual({ input_tokens: 10, output_tokens: 9, cache_read_input_tokens: 4 });
  });
});

describe("mapAnthropicStopReason", () => {
  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["pause_turn", "pause"],
    ["something_new", "other"],
    [null, "other"],
  ] as const)("%s → %s", (raw, mapped) => {
    expect(mapAnthropicStopReason(raw)).toBe(mapped);
  });
});
