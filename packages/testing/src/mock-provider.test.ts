import {
  type ChatRequestV1,
  collectChatStreamParts,
  Message,
  RatatoskrError,
} from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { drain } from "./chat-stream-test-helpers.ts";
import { createMockDescriptor, createMockProvider, hashEmbedding } from "./mock-provider.ts";

const request = (text: string, extra: Partial<ChatRequestV1> = {}): ChatRequestV1 => ({
  model: "m",
  messages: [Message.user(text)],
  settings: {},
  providerOptions: {},
  signal: new AbortController().signal,
  ...extra,
});

const embedRequest = (signal = new AbortController().signal) => ({
  model: "m",
  values: ["x"],
  providerOptions: {},
  signal,
});

describe("createMockProvider", () => {
  it("echoes the last user message by default, with metadata, and records the request", async () => {
    const mock = createMockProvider();
    const chat = request("hello there");
    const result = await mock.chat!.complete!(chat);
    expect(result.content).toBe("mock: hello there");
    expect(result.usage?.completionTokens).toBe(3);
    expect(result.response).toEqual({ model: "m", requestId: "mock-request-1" });
    expect(mock.calls).toHaveLength(1);
    expect(mock.calls[0]).toMatchObject({ method: "chat", signal: chat.signal });
    expect(mock.callsOf("chat")[0]!.request.messages).toBe(chat.messages);
  });

  it("plays scripted answers and streams in order, then fails on cue", async () => {
    const mock = createMockProvider()
      .enqueueChat({ content: "first", toolCalls: [], finishReason: "stop" })
      .enqueueStream([
        { type: "content", text: "a" },
        { type: "done", finishReason: "length" },
      ])
      .failNext("embed", new RatatoskrError({ code: "rate_limited", message: "slow down" }));
    expect((await mock.chat!.complete!(request("x"))).content).toBe("first");
    const streamed = await collectChatStreamParts(mock.chat!.stream!(request("x")));
    expect(streamed).toMatchObject({ content: "a", finishReason: "length" });
    await expect(mock.embedding!.embed(embedRequest())).rejects.toMatchObject({
      code: "rate_limited",
    });
    const embedded = await mock.embedding!.embed(embedRequest());
    expect(embedded.embeddings[0]).toMatchObject({ dimensions: 8, model: "m" });
  });

  it("queues failures of one method in order, each for its count", async () => {
    const first = new RatatoskrError({ code: "network", message: "first" });
    const second = new RatatoskrError({ code: "rate_limited", message: "second" });
    const mock = createMockProvider().failNext("embed", first).failNext("embed", second, 2);
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await mock.embedding!.embed(embedRequest()).then(
          () => "ok",
          (error: RatatoskrError) => error.message,
        ),
      );
    }
    expect(outcomes).toEqual(["first", "second", "second", "ok"]);
  });

  it("throws a scripted error after the scripted parts", async () => {
    const mock = createMockProvider().enqueueStream({
      events: [{ type: "content", text: "partial" }],
      error: new RatatoskrError({ code: "stream", message: "cut" }),
    });
    const error = await collectChatStreamParts(mock.chat!.stream!(request("x"))).catch((e) => e);
    expect(RatatoskrError.isInstance(error, "stream")).toBe(true);
    expect(error.partial.content).toBe("partial");
  });

  it("rejects with aborted when the signal is already aborted", async () => {
    const mock = createMockProvider();
    await expect(mock.embedding!.embed(embedRequest(AbortSignal.abort()))).rejects.toMatchObject({
      code: "aborted",
    });
  });

  it("warns about unsupported settings and unknown provider options, and warningsFor agrees", async () => {
    const mock = createMockProvider({ unsupportedSettings: ["topK"], knownProviderOptions: ["a"] });
    const chat = request("x", { settings: { topK: 3, temperature: 1 }, providerOptions: { b: 1 } });
    const expected = [
      { type: "unsupported_setting", setting: "topK", details: "the mock mock ignores it" },
      { type: "unknown_provider_option", option: "b" },
    ];
    expect(mock.chat!.warningsFor!(chat)).toEqual(expected);
    expect((await mock.chat!.complete!(chat)).warnings).toEqual(expected);
    const parts = await drain(mock.chat!.stream!(chat));
    expect(parts.filter((part) => part.type === "warning").map((part) => part.warning)).toEqual(
      expected,
    );
    expect(mock.chat!.warningsFor!(request("clean"))).toEqual([]);
  });

  it("offers only the capabilities and halves it is given, and declares batch limits", () => {
    const mock = createMockProvider({
      capabilities: ["chat", "embed"],
      chat: "stream",
      maxEmbeddingsPerCall: 2,
      maxParallelCalls: 3,
    });
    expect(mock.chat?.complete).toBeUndefined();
    expect(mock.chat?.stream).toBeTypeOf("function");
    expect(mock.nli).toBeUndefined();
    expect(mock.embedding?.maxEmbeddingsPerCall?.("m")).toBe(2);
    expect(mock.embedding?.maxParallelCalls).toBe(3);
  });

  it("hashEmbedding is deterministic, unit length and text-dependent", () => {
    const a = hashEmbedding("alpha", 16);
    expect(a).toEqual(hashEmbedding("alpha", 16));
    expect(Math.hypot(...a)).toBeCloseTo(1, 10);
    expect(a).not.toEqual(hashEmbedding("beta", 16));
  });
});

describe("createMockDescriptor", () => {
  it("creates mocks with its defaults under the settings given, and reports configuration", async () => {
    const created: string[] = [];
    const descriptor = createMockDescriptor({
      id: "acme",
      environment: { apiKey: "ACME_KEY" },
      routing: [{ pattern: /^acme-/, priority: 50, reason: "acme-* ids" }],
      onCreate: (provider) => created.push(provider.id),
    });
    expect(descriptor.isConfigured?.({})).toBe(false);
    expect(descriptor.isConfigured?.({ ACME_KEY: "x" })).toBe(true);
    const provider = await descriptor.create({ capabilities: ["embed"] });
    expect(provider.id).toBe("acme");
    expect(provider.chat).toBeUndefined();
    expect(created).toEqual(["acme"]);
  });
});

describe("the conformance assertions catch broken streams", () => {
  it("assertChatStreamProtocol rejects a stream without done, a malformed warning and a second done", async () => {
    const { assertChatStreamProtocol } = await import("./conformance.ts");
    expect(() => assertChatStreamProtocol([{ type: "content", text: "x" }])).toThrow();
    expect(() =>
      assertChatStreamProtocol([
        { type: "warning", warning: { type: "unsupported_setting", setting: "" } },
        { type: "done", finishReason: "stop" },
      ]),
    ).toThrow(/setting/);
    expect(() =>
      assertChatStreamProtocol([
        { type: "done", finishReason: "stop" },
        { type: "done", finishReason: "stop" },
      ]),
    ).toThrow(/exactly one done/);
    const checked = assertChatStreamProtocol([
      { type: "response_metadata", model: "m" },
      { type: "warning", warning: { type: "other", message: "clamped" } },
      { type: "content", text: "ok" },
      { type: "done", finishReason: "stop" },
    ]);
    expect(checked.response.content).toBe("ok");
    expect(checked.warnings).toEqual([{ type: "other", message: "clamped" }]);
  });
});
