import { collectChatStream, Message, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { runProviderConformance } from "./conformance.ts";
import { createMockProvider, defaultMockStream, hashEmbedding } from "./mock-provider.ts";

describe("createMockProvider", () => {
  it("echoes the last user message by default and records the call", async () => {
    const mock = createMockProvider();
    const signal = new AbortController().signal;
    const response = await mock.chat!([Message.user("hello there")], { model: "m", signal });
    expect(response.content).toBe("mock: hello there");
    expect(response.usage?.completionTokens).toBe(3);
    expect(mock.calls).toHaveLength(1);
    expect(mock.calls[0]!.method).toBe("chat");
    expect(mock.calls[0]!.signal).toBe(signal);
  });

  it("plays scripted responses and streams in order, then fails on cue", async () => {
    const mock = createMockProvider()
      .enqueueChat({ content: "first", toolCalls: [], finishReason: "stop" })
      .enqueueStream([
        { type: "content", text: "a" },
        { type: "done", finishReason: "length" },
      ])
      .failNext("embed", new RatatoskrError({ code: "rate_limited", message: "slow down" }));
    expect((await mock.chat!([Message.user("x")], { model: "m" })).content).toBe("first");
    const streamed = await collectChatStream(mock.chatStream!([Message.user("x")], { model: "m" }));
    expect(streamed).toMatchObject({ content: "a", finishReason: "length" });
    await expect(mock.embed!("x", "m")).rejects.toMatchObject({ code: "rate_limited" });
    await expect(mock.embed!("x", "m")).resolves.toMatchObject({ dimensions: 8 });
  });

  it("queues failures of one method in order, each for its count", async () => {
    const first = new RatatoskrError({ code: "network", message: "first" });
    const second = new RatatoskrError({ code: "rate_limited", message: "second" });
    const mock = createMockProvider().failNext("embed", first).failNext("embed", second, 2);
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await mock.embed!("x", "m").then(
          () => "ok",
          (error: RatatoskrError) => error.message,
        ),
      );
    }
    expect(outcomes).toEqual(["first", "second", "second", "ok"]);
  });

  it("throws a scripted error after the scripted events", async () => {
    const mock = createMockProvider().enqueueStream({
      events: [{ type: "content", text: "partial" }],
      error: new RatatoskrError({ code: "stream", message: "cut" }),
    });
    const error = await collectChatStream(
      mock.chatStream!([Message.user("x")], { model: "m" }),
    ).catch((e) => e);
    expect(RatatoskrError.isInstance(error, "stream")).toBe(true);
    expect(error.partial.content).toBe("partial");
  });

  it("rejects with aborted when the signal is already aborted", async () => {
    const mock = createMockProvider();
    const controller = new AbortController();
    controller.abort();
    await expect(mock.embed!("x", "m", { signal: controller.signal })).rejects.toMatchObject({
      code: "aborted",
    });
  });

  it("hashEmbedding is deterministic, unit length and text-dependent", () => {
    const a = hashEmbedding("alpha", 16);
    expect(a).toEqual(hashEmbedding("alpha", 16));
    expect(Math.hypot(...a)).toBeCloseTo(1, 10);
    expect(a).not.toEqual(hashEmbedding("beta", 16));
  });
});

const shared = createMockProvider();

runProviderConformance({
  name: "mock",
  createProvider: () => shared,
  scenarios: {
    chat: {
      prepare: () => shared.reset(),
      messages: [Message.user("hi")],
      options: { model: "m" },
      expectContent: "mock: hi",
    },
    toolCalls: {
      prepare: () => {
        shared.reset();
        shared.enqueueStream([
          { type: "tool_call_start", index: 0, id: "call_a", name: "add" },
          { type: "tool_call_start", index: 1, id: "call_b", name: "now" },
          { type: "tool_call_delta", index: 0, arguments: '{"a":' },
          { type: "tool_call_delta", index: 1, arguments: "{}" },
          { type: "tool_call_delta", index: 0, arguments: "1}" },
          {
            type: "tool_call_end",
            index: 1,
            id: "call_b",
            name: "now",
            arguments: "{}",
            parsedArguments: {},
          },
          {
            type: "tool_call_end",
            index: 0,
            id: "call_a",
            name: "add",
            arguments: '{"a":1}',
            parsedArguments: { a: 1 },
          },
          { type: "done", finishReason: "tool_calls" },
        ]);
      },
      messages: [Message.user("add")],
      options: { model: "m" },
      expectToolCalls: ["add", "now"],
    },
    abort: {
      prepare: () => {
        shared.reset();
        shared.enqueueStream({
          events: defaultMockStream([Message.user("a b c d e")], "m"),
          delayMs: 5,
        });
      },
      messages: [Message.user("a b c d e")],
      options: { model: "m" },
    },
    chatStream: {
      messages: [Message.user("hi you")],
      options: { model: "m" },
      expectContent: "mock: hi you",
    },
    embed: { text: "x", model: "m", dimensions: 8 },
    embedBatch: { texts: ["a", "b", "c"], model: "m" },
    nli: { premise: "the cat sat", hypothesis: "cat sat", model: "m" },
    nliBatch: {
      pairs: [
        { premise: "a b", hypothesis: "a" },
        { premise: "x", hypothesis: "not x" },
      ],
      model: "m",
    },
    classify: { text: "I love sports", labels: ["sports", "politics"], model: "m" },
    countTokens: { text: "one two three", model: "m", expectCount: 3 },
  },
});
