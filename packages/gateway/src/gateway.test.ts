import { type ChatEvent, Message, type ProviderV1, RatatoskrError } from "@ratatoskr/core";
import { createMockProvider, defaultMockStream, trackAbortListeners } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { Ratatoskr } from "./index.ts";
import { drain, errorOf, hello } from "./test-helpers.ts";

describe("composed gateway dispatch", () => {
  it("routes each method to the provider and stamps the answering provider", async () => {
    const mock = createMockProvider({ id: "mock" });
    const gateway = await Ratatoskr.builder().use(mock).build();
    const response = await gateway.chat(hello, { model: "m" });
    expect(response).toMatchObject({
      content: "mock: hello world",
      provider: "mock",
      finishReason: "stop",
    });
    const events = await drain(gateway.chatStream(hello, { model: "m" }));
    expect(events.at(-1)).toMatchObject({ type: "done", provider: "mock" });
    expect((await gateway.embed("x", "m")).dimensions).toBe(8);
    expect(await gateway.embedBatch(["a", "b"], "m")).toHaveLength(2);
    expect((await gateway.inferNli("the cat sat", "cat sat", "m")).label).toBe("entailment");
    expect(await gateway.inferNliBatch([{ premise: "a", hypothesis: "a" }], "m")).toHaveLength(1);
    expect(
      (await gateway.classifyZeroShot("I love sports", ["sports", "politics"], "m")).topLabel,
    ).toBe("sports");
    expect((await gateway.countTokens("one two", "m")).count).toBe(2);
    expect((await gateway.generate("p", { model: "m" })).text).toBe("mock: p");
    expect((await drain(gateway.generateStream("p", { model: "m" }))).at(-1)).toMatchObject({
      type: "done",
      provider: "mock",
    });
    expect(mock.calls.map((call) => call.method)).toEqual([
      "chat",
      "chatStream",
      "embed",
      "embed",
      "nli",
      "nli",
      "classify",
      "countTokens",
      "generate",
      "generateStream",
    ]);
  });

  it("passes the model without its provider: prefix and always passes a signal", async () => {
    const mock = createMockProvider({ id: "mock" });
    const gateway = await Ratatoskr.builder().use(mock).build();
    await gateway.embed("x", "mock:tiny");
    expect(mock.callsOf("embed")[0]!.request).toMatchObject({ model: "tiny", values: ["x"] });
    expect(mock.calls[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it("derives chat complete from stream and stream from complete (generation too), once, at registration", async () => {
    const streamOnly = createMockProvider({
      id: "stream-only",
      chat: "stream",
      generation: "stream",
    });
    const completeOnly = createMockProvider({
      id: "complete-only",
      chat: "complete",
      generation: "complete",
    });
    const gateway = await Ratatoskr.builder().use(streamOnly).use(completeOnly).build();
    expect((await gateway.chat(hello, { model: "stream-only:m" })).content).toBe(
      "mock: hello world",
    );
    const events = await drain(gateway.chatStream(hello, { model: "complete-only:m" }));
    expect(events.map((event) => event.type)).toEqual(["content", "usage", "done"]);
    expect(events.at(-1)).toMatchObject({ provider: "complete-only", model: "m" });
    expect((await gateway.generate("p", { model: "stream-only:m" })).text).toBe("mock: p");
    const generated = await drain(gateway.generateStream("p", { model: "complete-only:m" }));
    expect(generated.map((event) => event.type)).toEqual(["text", "usage", "done"]);
    expect(streamOnly.calls.map((call) => call.method)).toEqual(["chatStream", "generateStream"]);
    expect(completeOnly.calls.map((call) => call.method)).toEqual(["chat", "generate"]);
  });

  it("stamps the answering model and the provider's request id on responses and done", async () => {
    const mock = createMockProvider({ id: "mock" });
    const gateway = await Ratatoskr.builder().use(mock).build();
    mock.enqueueChat({
      content: "hi",
      toolCalls: [],
      finishReason: "stop",
      response: { model: "m-2025-01", requestId: "req-chat" },
    });
    expect(await gateway.chat(hello, { model: "m" })).toMatchObject({
      model: "m-2025-01",
      requestId: "req-chat",
      provider: "mock",
    });
    mock.enqueueStream([
      { type: "response_metadata", model: "m-dated" },
      { type: "content", text: "hi" },
      { type: "response_metadata", requestId: "req-late" },
      { type: "done", finishReason: "stop" },
    ]);
    const events = await drain(gateway.chatStream(hello, { model: "m" }));
    expect(events.map((event) => event.type)).toEqual(["content", "done"]);
    expect(events.at(-1)).toMatchObject({ model: "m-dated", requestId: "req-late" });
  });

  it("tries the next accepting provider when one declines the model at call time", async () => {
    const declining = createMockProvider({ id: "first" }).failNext(
      "chat",
      new RatatoskrError({ code: "model_not_available", message: "not here" }),
    );
    declining.failNext(
      "chatStream",
      new RatatoskrError({ code: "model_not_available", message: "not here" }),
    );
    const second = createMockProvider({ id: "second" });
    const gateway = await Ratatoskr.builder().use(declining).use(second).build();
    expect((await gateway.chat(hello, { model: "m" })).provider).toBe("second");
    const events = await drain(gateway.chatStream(hello, { model: "m" }));
    expect(events.at(-1)).toMatchObject({ provider: "second" });
  });

  it("an unserved capability rejects with not_implemented naming what is registered", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider({ id: "chatter", capabilities: ["chat"] }))
      .build();
    const error = await errorOf(gateway.embed("x", "m"));
    expect(error.code).toBe("not_implemented");
    expect(error.message).toContain("chatter");
    const unrouted = await Ratatoskr.builder()
      .use(
        createMockProvider({
          id: "picky",
          supports: () => ({ supported: false, reason: "only knows picky-1" }),
        }),
      )
      .build();
    const miss = await errorOf(unrouted.chat(hello, { model: "other" }));
    expect(miss.code).toBe("no_provider");
    expect(miss.message).toContain("only knows picky-1");
  });

  it("capabilities() merges the providers' and lists who serves what", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider({ id: "cloud", capabilities: ["chat"] }))
      .use(
        createMockProvider({
          id: "local",
          capabilities: ["embed", "nli", "classify"],
          localInference: true,
        }),
      )
      .build();
    const capabilities = gateway.capabilities();
    expect(capabilities).toMatchObject({
      chat: true,
      chatStreaming: true,
      toolUse: true,
      embeddings: true,
      nli: true,
      classification: true,
      tokenCounting: false,
      generate: false,
      localInference: true,
    });
    expect(capabilities.providers.embed).toEqual(["local"]);
    expect(capabilities.providers.chat).toEqual(["cloud"]);
  });

  it("turns a provider's foreign error into a typed provider error keeping the cause", async () => {
    const mock = createMockProvider().failNext("embed", new TypeError("kaput"));
    const gateway = await Ratatoskr.builder().use(mock).build();
    const error = await errorOf(gateway.embed("x", "m"));
    expect(error.code).toBe("provider");
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toContain("kaput");
  });

  it("rejects provider results of the wrong shape with a data error", async () => {
    const empty: ProviderV1 = {
      specificationVersion: "v1",
      id: "empty",
      embedding: { embed: async () => ({ embeddings: [] }) },
      nli: { infer: async () => ({ results: [] }) },
    };
    const gateway = await Ratatoskr.builder().use(empty).build();
    expect((await errorOf(gateway.embedBatch(["a", "b"], "m"))).code).toBe("data");
    expect(
      (await errorOf(gateway.inferNliBatch([{ premise: "a", hypothesis: "b" }], "m"))).code,
    ).toBe("data");
    const misshapen: ProviderV1 = {
      specificationVersion: "v1",
      id: "misshapen",
      embedding: {
        embed: async ({ model }) => ({ embeddings: [{ values: [1, 2, 3], model, dimensions: 2 }] }),
      },
    };
    const other = await Ratatoskr.builder().use(misshapen).build();
    expect((await errorOf(other.embed("a", "m"))).message).toContain("dimensions");
  });
});

describe("bad input is rejected before any provider is called", () => {
  it.each([
    ["empty model", (g: Gw) => g.chat(hello, { model: "" })],
    ["missing options", (g: Gw) => g.chat(hello, undefined as never)],
    ["empty messages", (g: Gw) => g.chat([], { model: "m" })],
    ["bad role", (g: Gw) => g.chat([{ role: "robot", content: "x" } as never], { model: "m" })],
    [
      "non-string content",
      (g: Gw) => g.chat([{ role: "user", content: 42 } as never], { model: "m" }),
    ],
    [
      "tool message without id",
      (g: Gw) => g.chat([{ role: "tool", content: "x" } as never], { model: "m" }),
    ],
    ["non-string text", (g: Gw) => g.embed(42 as never, "m")],
    ["empty text", (g: Gw) => g.embed("", "m")],
    ["empty batch", (g: Gw) => g.embedBatch([], "m")],
    ["non-string in batch", (g: Gw) => g.embedBatch(["a", null as never], "m")],
    ["empty pairs", (g: Gw) => g.inferNliBatch([], "m")],
    ["pair without hypothesis", (g: Gw) => g.inferNliBatch([{ premise: "a" } as never], "m")],
    ["no labels", (g: Gw) => g.classifyZeroShot("t", [], "m")],
    ["duplicate labels", (g: Gw) => g.classifyZeroShot("t", ["a", "a"], "m")],
    [
      "empty hypothesis template",
      (g: Gw) => g.classifyZeroShot("t", ["a"], "m", { hypothesisTemplate: "" }),
    ],
    ["non-string count text", (g: Gw) => g.countTokens(undefined as never, "m")],
    ["empty prompt", (g: Gw) => g.generate("", { model: "m" })],
    ["whitespace model", (g: Gw) => g.embed("x", "   ")],
  ])("%s", async (_name, call) => {
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder().use(mock).build();
    const error = await errorOf(call(gateway) as Promise<unknown>);
    expect(error.code).toBe("invalid_input");
    expect(mock.calls).toHaveLength(0);
  });

  it("a stream with bad input fails on iteration, not on the call, and calls nobody", async () => {
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder().use(mock).build();
    const stream = gateway.chatStream([], { model: "m" });
    expect((await errorOf(drain(stream))).code).toBe("invalid_input");
    expect((await errorOf(drain(gateway.generateStream("", { model: "m" })))).code).toBe(
      "invalid_input",
    );
    expect(mock.calls).toHaveLength(0);
  });
  it("countTokens accepts empty text", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    expect((await gateway.countTokens("", "m")).count).toBe(0);
  });
});

type Gw = Awaited<ReturnType<ReturnType<typeof Ratatoskr.builder>["build"]>>;

describe("cancellation", () => {
  const slow = () =>
    createMockProvider().enqueueStream({
      events: defaultMockStream([Message.user("a b c d e f g h")], "m"),
      delayMs: 5,
    });

  it("leaving a for-await loop early aborts the provider's signal", async () => {
    const mock = slow();
    const gateway = await Ratatoskr.builder().use(mock).build();
    for await (const event of gateway.chatStream(hello, { model: "m" })) {
      expect(event.type).toBe("content");
      break;
    }
    expect(mock.calls[0]!.signal!.aborted).toBe(true);
  });

  it("aborting the caller's signal mid-stream reaches the provider and ends with aborted + partial text", async () => {
    const mock = slow();
    const gateway = await Ratatoskr.builder().use(mock).build();
    const controller = new AbortController();
    const seen: ChatEvent[] = [];
    const error = await errorOf(
      (async () => {
        for await (const event of gateway.chatStream(hello, {
          model: "m",
          signal: controller.signal,
        })) {
          seen.push(event);
          if (seen.length === 2) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe("aborted");
    expect(error.partial?.content).toBe("mock: a ");
    expect(mock.calls[0]!.signal!.aborted).toBe(true);
  });

  it("an already-aborted signal rejects unary calls with aborted", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    const error = await errorOf(gateway.embed("x", "m", { signal: AbortSignal.abort() }));
    expect(error.code).toBe("aborted");
  });

  const hanging = (): ProviderV1 => ({
    specificationVersion: "v1",
    id: "hanging",
    embedding: { embed: () => new Promise(() => {}) },
  });

  it("a provider that ignores its signal still ends the call when the caller aborts", async () => {
    const gateway = await Ratatoskr.builder().use(hanging()).build();
    const controller = new AbortController();
    const pending = gateway.embed("x", "m", { signal: controller.signal });
    controller.abort();
    expect((await errorOf(pending)).code).toBe("aborted");
  });

  it("the per-call deadline ends a hung call with a total timeout error", async () => {
    const gateway = await Ratatoskr.builder().use(hanging()).timeout(60_000).build();
    const error = await errorOf(gateway.embed("x", "m", { timeout: 20 }));
    expect(error).toMatchObject({ code: "timeout", timeoutKind: "total", isRetryable: true });
  });

  it("a stream that ends without done is a stream error keeping the partial text", async () => {
    const mock = createMockProvider().enqueueStream([{ type: "content", text: "half" }]);
    const gateway = await Ratatoskr.builder().use(mock).build();
    const error = await errorOf(drain(gateway.chatStream(hello, { model: "m" })));
    expect(error.code).toBe("stream");
    expect(error.partial?.content).toBe("half");
  });

  it("a protocol violation (delta before start) is a stream error and aborts the provider", async () => {
    const mock = createMockProvider().enqueueStream({
      events: [
        { type: "content", text: "x" },
        { type: "tool_call_delta", index: 3, arguments: "{" },
        { type: "done", finishReason: "stop" },
      ],
    });
    const gateway = await Ratatoskr.builder().use(mock).build();
    const error = await errorOf(drain(gateway.chatStream(hello, { model: "m" })));
    expect(error.code).toBe("stream");
    expect(error.message).toContain("before its start");
    expect(mock.calls[0]!.signal!.aborted).toBe(true);
  });

  it("a stream that fails after its done event still completes (done is final), reported once", async () => {
    const seen: string[] = [];
    const mock = createMockProvider().enqueueStream({
      events: [
        { type: "content", text: "all" },
        { type: "done", finishReason: "stop" },
      ],
      error: new Error("socket closed after the finish marker"),
    });
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .hooks({
        onComplete: () => seen.push("complete"),
        onError: (event) => seen.push(event.error.code),
      })
      .build();
    const events = await drain(gateway.chatStream(hello, { model: "m" }));
    expect(events.map((event) => event.type)).toEqual(["content", "done"]);
    expect(seen).toEqual(["complete"]);
  });

  it("a generation stream with an event after done is a stream error keeping the text", async () => {
    const plugin: ProviderV1 = {
      specificationVersion: "v1",
      id: "p",
      generation: {
        async *stream() {
          yield { type: "text", text: "a" };
          yield { type: "done", finishReason: "stop" };
          yield { type: "text", text: "late" };
        },
      },
    };
    const gateway = await Ratatoskr.builder().use(plugin).build();
    const seen: string[] = [];
    const error = await errorOf(
      (async () => {
        for await (const event of gateway.generateStream("p", { model: "m" }))
          seen.push(event.type);
      })(),
    );
    expect(error).toMatchObject({ code: "stream", partial: { content: "a" } });
    expect(seen).toEqual(["text", "done"]);
  });

  it("a stream can be consumed once", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    const stream = gateway.chatStream(hello, { model: "m" });
    await drain(stream);
    expect(await drain(stream)).toEqual([]);
  });

  it("removes its listener from a long-lived caller signal after each call", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    const controller = new AbortController();
    const signal = controller.signal;
    const listeners = trackAbortListeners(signal);
    for (let i = 0; i < 50; i++) {
      await gateway.embed("x", "m", { signal });
      await drain(gateway.chatStream(hello, { model: "m", signal }));
    }
    expect(listeners.count).toBe(0);
  });
});

describe("concurrent next() calls", () => {
  it("a second next() while the stream is starting waits for it and gets the following event", async () => {
    const mock = createMockProvider().enqueueStream({
      events: [
        { type: "content", text: "a" },
        { type: "content", text: "b" },
        { type: "done", finishReason: "stop" },
      ],
      delayMs: 2,
    });
    const gateway = await Ratatoskr.builder().use(mock).build();
    const iterator = gateway.chatStream(hello, { model: "m" })[Symbol.asyncIterator]();
    const [first, second, third, fourth] = await Promise.all([
      iterator.next(),
      iterator.next(),
      iterator.next(),
      iterator.next(),
    ]);
    expect([first, second, third].map((result) => result.value?.type)).toEqual([
      "content",
      "content",
      "done",
    ]);
    expect([first.value, second.value].map((event) => (event as { text: string }).text)).toEqual([
      "a",
      "b",
    ]);
    expect(fourth.done).toBe(true);
    expect(mock.calls).toHaveLength(1);
  });
});

describe("an abort while parts are buffered", () => {
  it("delivers nothing after the caller aborted, even if the provider keeps yielding", async () => {
    const deaf: ProviderV1 = {
      specificationVersion: "v1",
      id: "deaf",
      chat: {
        // Ignores its signal: every part is already buffered.
        async *stream() {
          for (const text of ["a", "b", "c"]) yield { type: "content", text };
          yield { type: "done", finishReason: "stop" };
        },
      },
    };
    const gateway = await Ratatoskr.builder().use(deaf).build();
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await errorOf(
      (async () => {
        for await (const event of gateway.chatStream(hello, {
          model: "m",
          signal: controller.signal,
        })) {
          seen.push(event.type);
          controller.abort();
        }
      })(),
    );
    expect(error).toMatchObject({ code: "aborted", partial: { content: "a" } });
    expect(seen).toEqual(["content"]);
  });
});
