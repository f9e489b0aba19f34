import { create } from "@bufbuild/protobuf";
import { RatatoskrError, type Usage } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import { ChatEventDecoder } from "./chat-event-decoder.ts";
import { ChatEventEncoder, type WireChatEvent } from "./chat-event-encoder.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";

const usage: Usage = {
  promptTokens: 12,
  completionTokens: 30,
  totalTokens: 42,
  reasoningTokens: 10,
  cacheReadTokens: 8,
  cacheWriteTokens: 4,
  serverToolRequests: { web_search: 2 },
};

const stream: WireChatEvent[] = [
  { type: "reasoning", text: "Let me search." },
  { type: "reasoning_detail", detail: { type: "text", text: "Let me search.", signature: "c2ln" } },
  {
    type: "server_tool_call",
    call: { id: "srv_1", name: "web_search", input: { query: "ratatoskr" } },
  },
  {
    type: "server_tool_result",
    result: { toolCallId: "srv_1", name: "web_search", content: { results: [] }, isError: true },
  },
  { type: "content", text: "Nothing found; " },
  { type: "content", text: "" },
  { type: "tool_call_start", index: 0, id: "call_a", name: "a" },
  { type: "tool_call_start", index: 1, id: "call_b", name: "b" },
  { type: "tool_call_delta", index: 1, arguments: "{}" },
  { type: "tool_call_delta", index: 0, arguments: '{"n":1}' },
  {
    type: "tool_call_end",
    index: 0,
    id: "call_a",
    name: "a",
    arguments: '{"n":1}',
    parsedArguments: { n: 1 },
  },
  {
    type: "tool_call_end",
    index: 1,
    id: "call_b",
    name: "b",
    arguments: "{}",
    parsedArguments: {},
  },
  {
    type: "done",
    finishReason: "pause",
    rawFinishReason: "pause_turn",
    usage,
    model: "claude-sonnet-4-5-20250929",
    provider: "anthropic",
    requestId: "req_011",
    warnings: [
      {
        type: "unsupported_setting",
        setting: "seed",
        details: "Anthropic has no seed",
        provider: "anthropic",
      },
      { type: "other", message: "temperature clamped" },
    ],
  },
];

function transmit(events: WireChatEvent[], revision: number): WireChatEvent[] {
  const encoder = new ChatEventEncoder(revision);
  const decoder = new ChatEventDecoder();
  return events
    .flatMap((event) => encoder.encode(event))
    .map((message) => decoder.decode(throughWire(pb.ChatEventSchema, message)));
}

describe("chat streams through the wire", () => {
  it("to a client of this protocol: every event comes back as it was", () => {
    expect(transmit(stream, 1)).toEqual(stream);
  });

  it("to a client of the original protocol: unknown events left out, usage sent before done", () => {
    const received = transmit(stream, 0);
    expect(received.map((event) => event.type)).toEqual([
      "reasoning",
      "content",
      "content",
      "tool_call_start",
      "tool_call_start",
      "tool_call_delta",
      "tool_call_delta",
      "tool_call_end",
      "tool_call_end",
      "usage",
      "done",
    ]);
    expect(received.at(-2)).toEqual({ type: "usage", usage });
  });

  it("usage is not sent twice to an original client when a usage event came first", () => {
    const messages = new ChatEventEncoder(0);
    const sent = [
      ...messages.encode({ type: "usage", usage }),
      ...messages.encode({ type: "done", finishReason: "stop", usage }),
    ];
    expect(sent.map((message) => message.event.case)).toEqual(["usage", "done"]);
  });

  it("every finish reason survives, and an unknown one from a newer server reads as other", () => {
    for (const finishReason of [
      "stop",
      "length",
      "tool_calls",
      "content_filter",
      "pause",
      "other",
    ] as const) {
      expect(transmit([{ type: "done", finishReason }], 1)).toEqual([
        { type: "done", finishReason },
      ]);
    }
    const newer = create(pb.ChatEventSchema, {
      event: { case: "done", value: true },
      finish: { finishReason: 250 as pb.FinishReason },
    });
    expect(new ChatEventDecoder().decode(newer)).toEqual({ type: "done", finishReason: "other" });
  });
});

describe("malformed streams are typed errors", () => {
  it("an empty event, or a tool call index that never started, is a data error", () => {
    const decoder = new ChatEventDecoder();
    expect(() => decoder.decode(create(pb.ChatEventSchema))).toThrow(
      expect.objectContaining({ code: "data", details: { field: "ChatEvent.event" } }),
    );
    const delta = create(pb.ChatEventSchema, {
      event: { case: "toolCallDelta", value: { index: 3, arguments: "{" } },
    });
    expect(() => decoder.decode(delta)).toThrow(
      expect.objectContaining({
        code: "data",
        message: "tool_call_delta.index names tool call 3, which never started",
      }),
    );
  });

  it("an original server's tool call that ends with arguments that are not JSON is a stream error keeping them", () => {
    const decoder = new ChatEventDecoder();
    decoder.decode(
      create(pb.ChatEventSchema, {
        event: { case: "toolCallStart", value: { index: 0, id: "c", name: "n" } },
      }),
    );
    decoder.decode(
      create(pb.ChatEventSchema, {
        event: { case: "toolCallDelta", value: { index: 0, arguments: '{"a":' } },
      }),
    );
    let thrown: unknown;
    try {
      decoder.decode(
        create(pb.ChatEventSchema, { event: { case: "toolCallEnd", value: { index: 0 } } }),
      );
    } catch (error) {
      thrown = error;
    }
    expect(RatatoskrError.isInstance(thrown, "stream")).toBe(true);
    expect((thrown as RatatoskrError).partial?.toolCalls).toEqual([
      { id: "c", name: "n", arguments: '{"a":', complete: false },
    ]);
  });

  it("an event index beyond uint32 cannot be encoded: a data error, not a TypeError", () => {
    expect(() =>
      new ChatEventEncoder(1).encode({ type: "tool_call_start", index: -1, id: "c", name: "n" }),
    ).toThrow(
      expect.objectContaining({ code: "data", details: { field: "tool_call_start.index" } }),
    );
  });
});
