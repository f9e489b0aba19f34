import type Anthropic from "@anthropic-ai/sdk";
import { RatatoskrError } from "@ratatoskr/core";
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

  it("ignores unknown events, server-tool blocks and citations", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.handle(start);
    expect(mapper.handle(event({ type: "future_event" }))).toBeUndefined();
    expect(
      mapper.handle(
        event({
          type: "content_block_start",
          index: 0,
          content_block: { type: "server_tool_use", id: "s", name: "web_search", input: {} },
        }),
      ),
    ).toBeUndefined();
    expect(
      mapper.handle(
        event({
          type: "content_block_delta",
          index: 0,
          delta: { type: "citations_delta", citation: {} },
        }),
      ),
    ).toBeUndefined();
    expect(mapper.handle(event({ type: "content_block_stop", index: 0 }))).toBeUndefined();
    expect(mapper.handle(event({ type: "content_block_stop", index: 9 }))).toBeUndefined();
  });

  it("rejects input_json_delta outside a tool_use block", () => {
    const mapper = new AnthropicStreamMapper();
    mapper.handle(
      event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
    );
    expect(() =>
      mapper.handle(
        event({
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: "{" },
        }),
      ),
    ).toThrowError(/not a tool_use block/);
  });

  it("passes a tool_use start that already carries input as one delta", () => {
    const mapper = new AnthropicStreamMapper();
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
