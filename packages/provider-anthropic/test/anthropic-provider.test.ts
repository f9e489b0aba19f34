import { inspect } from "node:util";
import {
  type ChatEvent,
  type ChatSettingsV1,
  type ChatStreamPartV1,
  collectChatStreamParts,
  Message,
  RatatoskrError,
  type ToolDefinition,
} from "@ratatoskr/core";
import { chatRequestFor, trackAbortListeners } from "@ratatoskr/testing";
import {
  assertChatEventProtocol,
  assertChatStreamProtocol,
  drain as drainParts,
} from "@ratatoskr/testing/conformance";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAnthropic } from "../src/index.ts";
import {
  type AnthropicMock,
  fixture,
  fixtureJson,
  startAnthropicMock,
} from "./anthropic-mock-server.ts";
import { contentOf, drainEvents as drain, MODEL } from "./anthropic-requests.ts";

const KEY = "test-key-canary-123456";
const WEATHER: ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a location",
  parameters: {
    type: "object",
    properties: {
      location: { type: "string" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["location"],
  },
};

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

function provider() {
  return createAnthropic({ apiKey: KEY, baseURL: mock.url });
}

async function failure(run: () => Promise<unknown>): Promise<RatatoskrError> {
  try {
    await run();
  } catch (error) {
    expect(RatatoskrError.isInstance(error), `not a RatatoskrError: ${String(error)}`).toBe(true);
    return error as RatatoskrError;
  }
  throw new Error("expected a failure");
}

function expectNoKey(error: RatatoskrError): void {
  const text = [
    error.message,
    error.body ?? "",
    JSON.stringify(error.toJSON()),
    String(error.stack),
  ].join("\n");
  expect(text).not.toContain(KEY);
}

function collectContent(events: ChatEvent[]): string {
  return events.map((event) => (event.type === "content" ? event.text : "")).join("");
}

/** thinking-final.sse with raw UTF-8 (2- and 3-byte) characters instead of JSON escapes. */
function multiByteFixture(): string {
  return fixture("thinking-final.sse").replaceAll("\\u00b0", "°").replaceAll("sunny", "sunny ☀");
}

const user = [Message.user("What's the weather in Paris?")];

describe("chatStream event sequences", () => {
  it("plain text: response metadata, content deltas, usage, done with end_turn", async () => {
    mock.enqueue({ sse: fixture("text.sse") });
    const parts = await drainParts(provider().chat.stream(chatRequestFor(user, { model: MODEL })));
    expect(parts).toEqual([
      { type: "response_metadata", model: "claude-sonnet-4-5-20250929", requestId: "req_mock_01" },
      { type: "content", text: "Hello" },
      { type: "content", text: "! How can" },
      { type: "content", text: " I help you today?" },
      {
        type: "usage",
        usage: {
          promptTokens: 25,
          completionTokens: 12,
          totalTokens: 37,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        },
      },
      {
        type: "done",
        finishReason: "stop",
        rawFinishReason: "end_turn",
        usage: {
          promptTokens: 25,
          completionTokens: 12,
          totalTokens: 37,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        },
      },
    ]);
    const request = mock.requests.at(-1)!;
    expect(request.url).toBe("/v1/messages");
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.headers["x-stainless-retry-count"]).toBe("0");
    expect(mock.body()).toMatchInlineSnapshot(`
      {
        "max_tokens": 64000,
        "messages": [
          {
            "content": "What's the weather in Paris?",
            "role": "user",
          },
        ],
        "model": "claude-sonnet-4-6",
        "stream": true,
      }
    `);
  });

  it("tool use: input_json_delta pieces split mid-key become ordered deltas, end on block stop", async () => {
    mock.enqueue({ sse: fixture("tool-use.sse") });
    const events = await drain(
      provider().chat.stream(
        chatRequestFor(user, { model: MODEL, tools: [WEATHER], toolChoice: "auto" }),
      ),
    );
    expect(events.filter((event) => event.type !== "usage" && event.type !== "done")).toEqual([
      { type: "content", text: "Let me look that up." },
      {
        type: "tool_call_start",
        index: 0,
        id: "toolu_01A09q90qw90lq917835lq9",
        name: "get_weather",
      },
      { type: "tool_call_delta", index: 0, arguments: '{"loc' },
      { type: "tool_call_delta", index: 0, arguments: 'ation": "San Fra' },
      { type: "tool_call_delta", index: 0, arguments: 'ncisco, CA"' },
      { type: "tool_call_delta", index: 0, arguments: ', "unit": "fah' },
      { type: "tool_call_delta", index: 0, arguments: 'renheit"}' },
      {
        type: "tool_call_end",
        index: 0,
        id: "toolu_01A09q90qw90lq917835lq9",
        name: "get_weather",
        arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}',
        parsedArguments: { location: "San Francisco, CA", unit: "fahrenheit" },
      },
    ]);
    const response = assertChatEventProtocol(events);
    expect(response.finishReason).toBe("tool_calls");
    expect(response.rawFinishReason).toBe("tool_use");
    expect(JSON.parse(response.toolCalls[0]!.arguments)).toEqual({
      location: "San Francisco, CA",
      unit: "fahrenheit",
    });
    expect(mock.body()).toMatchSnapshot();
  });

  it("parallel tool use: calls numbered 0.. in order; a call without input gets {}", async () => {
    mock.enqueue({ sse: fixture("parallel-tool-use.sse") });
    const events = await drain(
      provider().chat.stream(chatRequestFor(user, { model: MODEL, tools: [WEATHER] })),
    );
    const response = assertChatEventProtocol(events);
    expect(response.toolCalls).toEqual([
      {
        id: "toolu_01Paris7yT4kD9sLq2Wm3Xc",
        name: "get_weather",
        arguments: '{"location": "Paris"}',
      },
      {
        id: "toolu_01Tokyo2bN8vF5rHj6Pz1Ke",
        name: "get_weather",
        arguments: '{"location": "Tokyo"}',
      },
      { id: "toolu_01Clock9aQ3mV7cRt2Lx8Ud", name: "get_time", arguments: "{}" },
    ]);
    expect(
      events
        .filter((event) => event.type.startsWith("tool_call"))
        .map((event) => `${event.type}:${(event as { index: number }).index}`),
    ).toEqual([
      "tool_call_start:0",
      "tool_call_delta:0",
      "tool_call_delta:0",
      "tool_call_end:0",
      "tool_call_start:1",
      "tool_call_delta:1",
      "tool_call_delta:1",
      "tool_call_end:1",
      "tool_call_start:2",
      "tool_call_delta:2",
      "tool_call_end:2",
    ]);
  });

  it("thinking with signature: reasoning deltas, then one reasoning_detail at the block's stop", async () => {
    mock.enqueue({ sse: fixture("thinking-tool.sse") });
    const events = await drain(
      provider().chat.stream(
        chatRequestFor(user, {
          model: MODEL,
          tools: [WEATHER],
          reasoning: { maxTokens: 2048 },
          maxTokens: 4096,
        }),
      ),
    );
    expect(events.slice(0, 4)).toEqual([
      { type: "reasoning", text: "The user wants to know" },
      { type: "reasoning", text: " the current weather in Paris." },
      { type: "reasoning", text: " I have access to a function `get_weather`..." },
      {
        type: "reasoning_detail",
        detail: {
          type: "text",
          text: "The user wants to know the current weather in Paris. I have access to a function `get_weather`...",
          signature: expect.stringMatching(/^EvQBCkYICxgCKkAxhD4N.*BgB$/),
          provider: "anthropic",
        },
      },
    ]);
    const response = assertChatEventProtocol(events);
    expect(response.reasoningDetails).toHaveLength(1);
    expect(response.content).toBe(
      "I can help you get the current weather information for Paris. Let me check that for you",
    );
    expect(response.toolCalls).toEqual([
      {
        id: "toolu_01CswdEQBMshySk6Y9DFKrfq",
        name: "get_weather",
        arguments: '{"location": "Paris"}',
      },
    ]);
    expect(response.usage).toEqual({
      promptTokens: 417,
      completionTokens: 108,
      totalTokens: 525,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(mock.body().thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(mock.body().max_tokens).toBe(4096);
  });

  it("redacted thinking becomes a redacted reasoning detail, in block order", async () => {
    mock.enqueue({ sse: fixture("redacted-thinking.sse") });
    const response = await collectChatStreamParts(
      provider().chat.stream(chatRequestFor(user, { model: MODEL, reasoning: { effort: "low" } })),
    );
    expect(response.reasoningDetails?.map((detail) => detail.type)).toEqual(["redacted", "text"]);
    expect(response.reasoningDetails?.[0]).toMatchObject({
      type: "redacted",
      provider: "anthropic",
      data: expect.stringMatching(/^EmwKAhgB/),
    });
    expect(response.reasoning).toBe("Answering briefly.");
    expect(mock.body().thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
  });

  it("reasoning.exclude omits reasoning text but keeps the signed detail", async () => {
    mock.enqueue({ sse: fixture("thinking-tool.sse") });
    const events = await drain(
      provider().chat.stream(
        chatRequestFor(user, { model: MODEL, tools: [WEATHER], reasoning: { exclude: true } }),
      ),
    );
    expect(events.some((event) => event.type === "reasoning")).toBe(false);
    expect(events.filter((event) => event.type === "reasoning_detail")).toHaveLength(1);
    expect(mock.body().thinking).toEqual({
      type: "enabled",
      budget_tokens: 16384,
      display: "omitted",
    });
  });

  it("cache usage: prompt = input + cache write + cache read; cache parts reported", async () => {
    mock.enqueue({ sse: fixture("cache-usage.sse") });
    const response = await collectChatStreamParts(
      provider().chat.stream(
        chatRequestFor([Message.system("You are a weather bot."), ...user], {
          model: MODEL,
          cachePrompt: true,
          tools: [WEATHER],
        }),
      ),
    );
    expect(response.usage).toEqual({
      promptTokens: 21 + 188 + 2048,
      completionTokens: 7,
      totalTokens: 21 + 188 + 2048 + 7,
      cacheReadTokens: 2048,
      cacheWriteTokens: 188,
    });
    const body = mock.body();
    expect(body.system).toEqual([
      { type: "text", text: "You are a weather bot.", cache_control: { type: "ephemeral" } },
    ]);
    expect((body.tools as Array<Record<string, unknown>>)[0]!.cache_control).toEqual({
      type: "ephemeral",
    });
  });

  it.each([
    ["refusal.sse", "content_filter", "refusal"],
    ["pause-turn.sse", "pause", "pause_turn"],
    ["max-tokens.sse", "length", "max_tokens"],
  ])("%s maps the stop reason to %s and keeps the raw %s", async (file, finishReason, raw) => {
    mock.enqueue({ sse: fixture(file) });
    const events = await drain(provider().chat.stream(chatRequestFor(user, { model: MODEL })));
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason, rawFinishReason: raw });
  });

  it.each([
    "text.sse",
    "tool-use.sse",
    "parallel-tool-use.sse",
    "thinking-tool.sse",
    "thinking-final.sse",
    "redacted-thinking.sse",
    "cache-usage.sse",
    "refusal.sse",
    "pause-turn.sse",
    "max-tokens.sse",
  ])("exact part sequence for %s", async (file) => {
    mock.enqueue({ sse: fixture(file) });
    const parts = await drainParts(
      provider().chat.stream(chatRequestFor(user, { model: MODEL, tools: [WEATHER] })),
    );
    assertChatStreamProtocol(parts);
    expect(parts).toMatchSnapshot();
  });

  it("gives the same events however the bytes are split (1, 3, 7, 64 bytes)", async () => {
    mock.enqueue({ sse: fixture("thinking-tool.sse") });
    const expected = await drain(
      provider().chat.stream(chatRequestFor(user, { model: MODEL, tools: [WEATHER] })),
    );
    for (const chunkSize of [1, 3, 7, 64]) {
      mock.enqueue({ sse: fixture("thinking-tool.sse"), chunkSize });
      expect(
        await drain(
          provider().chat.stream(chatRequestFor(user, { model: MODEL, tools: [WEATHER] })),
        ),
      ).toEqual(expected);
    }
  });

  it("gives the same events for a two-piece split at every byte position, LF and CRLF", async () => {
    // An injected fetch delivers exactly the pieces asked for (TCP may merge small writes).
    const splitAt = (bytes: Uint8Array, cut: number) =>
      createAnthropic({
        apiKey: KEY,
        baseURL: "http://anthropic.invalid",
        fetch: async () =>
          new Response(
            new ReadableStream<Uint8Array>({
              start(controller) {
                controller.enqueue(bytes.subarray(0, cut));
                controller.enqueue(bytes.subarray(cut));
                controller.close();
              },
            }),
            { status: 200, headers: { "content-type": "text/event-stream" } },
          ),
      });
    for (const text of [multiByteFixture(), multiByteFixture().replaceAll("\n", "\r\n")]) {
      const bytes = new TextEncoder().encode(text);
      const expected = await drain(
        splitAt(bytes, 0).chat.stream(chatRequestFor(user, { model: MODEL })),
      );
      expect(collectContent(expected)).toBe("It is 18°C and sunny ☀ in Paris right now.");
      for (let cut = 1; cut <= bytes.length; cut++) {
        expect(
          await drain(splitAt(bytes, cut).chat.stream(chatRequestFor(user, { model: MODEL }))),
        ).toEqual(expected);
      }
    }
  });

  it("keeps multi-byte characters split across chunks intact", async () => {
    mock.enqueue({ sse: multiByteFixture(), chunkSize: 1 });
    const response = await collectChatStreamParts(
      provider().chat.stream(chatRequestFor(user, { model: MODEL })),
    );
    expect(response.content).toBe("It is 18°C and sunny ☀ in Paris right now.");
    expect(response.reasoning).toBe("The tool says 18°C and sunny ☀.");
  });

  it("accepts a last event without its blank line", async () => {
    mock.enqueue({ sse: fixture("text.sse").trimEnd() });
    const events = await drain(provider().chat.stream(chatRequestFor(user, { model: MODEL })));
    expect(events.at(-1)?.type).toBe("done");
  });

  it("reads CRLF-framed events the same way", async () => {
    mock.enqueue({ sse: fixture("text.sse").replaceAll("\n", "\r\n") });
    const response = await collectChatStreamParts(
      provider().chat.stream(chatRequestFor(user, { model: MODEL })),
    );
    expect(response.content).toBe("Hello! How can I help you today?");
  });
});

describe("chatStream failures", () => {
  it("a mid-stream overloaded_error is a typed, retryable error keeping the partial text", async () => {
    mock.enqueue({ sse: fixture("overloaded.sse") });
    const seen: ChatEvent[] = [];
    const error = await failure(async () => {
      for await (const event of contentOf(
        provider().chat.stream(chatRequestFor(user, { model: MODEL })),
      ))
        seen.push(event);
    });
    expect(seen).toEqual([{ type: "content", text: "Hello" }]);
    expect(error.code).toBe("provider");
    expect(error.isRetryable).toBe(true);
    expect(error.details).toMatchObject({ errorType: "overloaded_error", midStream: true });
    expect(error.partial).toEqual({ content: "Hello" });
    expect(error.message).toContain("Overloaded");
  });

  it("a stream cut before message_stop is a stream error keeping the partial text, never done", async () => {
    mock.enqueue({ sse: fixture("cut-before-stop.sse") });
    const seen: ChatEvent[] = [];
    const error = await failure(async () => {
      for await (const event of contentOf(
        provider().chat.stream(chatRequestFor(user, { model: MODEL })),
      ))
        seen.push(event);
    });
    expect(seen.some((event) => event.type === "done")).toBe(false);
    expect(error.code).toBe("stream");
    expect(error.partial?.content).toBe("The first half of an answer");
    expect(error.message).toContain("message_stop");
  });

  it("an event whose data is not JSON is a clean stream error", async () => {
    mock.enqueue({
      sse: fixture("text.sse").replace(
        'data: {"type":"content_block_stop","index":0}',
        "data: {not json",
      ),
    });
    const error = await failure(() =>
      drain(provider().chat.stream(chatRequestFor(user, { model: MODEL }))),
    );
    expect(error.code).toBe("stream");
    expect(error.partial?.content).toBe("Hello! How can I help you today?");
  });

  it("an endless line is a stream error naming the provider, not an unbounded buffer", async () => {
    const own = await startAnthropicMock();
    try {
      const [head] = fixture("text.sse").split("event: content_block_stop");
      // 17 Mi characters without a line end (the shared decoder's bound is 16 Mi), then silence.
      own.enqueue({ sseThenHang: `${head!}data: ${"x".repeat(17 * 1024 * 1024)}` });
      const plugin = createAnthropic({ apiKey: KEY, baseURL: own.url });
      const error = await failure(() =>
        drain(plugin.chat.stream(chatRequestFor(user, { model: MODEL }))),
      );
      expect(error.code).toBe("stream");
      expect(error.provider).toBe("anthropic");
      expect(error.message).toContain("longer than 16777216 characters");
      expect(error.partial?.content).toBe("Hello! How can I help you today?");
      await expect.poll(() => own.openSockets()).toBe(0);
    } finally {
      await own.close();
    }
  });

  it("a mid-stream error event with megabytes of text is bounded in the message", async () => {
    const [head] = fixture("text.sse").split("event: content_block_stop");
    const huge = "overloaded ".repeat(100_000);
    mock.enqueue({
      sse: `${head!}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"${huge}"}}\n\n`,
    });
    const error = await failure(() =>
      drain(provider().chat.stream(chatRequestFor(user, { model: MODEL }))),
    );
    expect(error.code).toBe("provider");
    expect(error.message).toContain("overloaded");
    expect(error.message.length).toBeLessThan(700);
    expect(error.body?.length ?? 0).toBeLessThanOrEqual(4096);
    // Nothing in the error, its cause chain included, holds the whole text.
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY }).length).toBeLessThan(100_000);
    expect(error.partial?.content).toBe("Hello! How can I help you today?");
  });

  it("a spliced second message_start ends the stream before its tool call is delivered", async () => {
    mock.enqueue({ sse: fixture("spliced-message-start.sse") });
    const seen: ChatEvent[] = [];
    const error = await failure(async () => {
      for await (const event of contentOf(
        provider().chat.stream(chatRequestFor(user, { model: MODEL, tools: [WEATHER] })),
      ))
        seen.push(event);
    });
    expect(error.code).toBe("stream");
    expect(error.message).toMatch(/second message_start/);
    expect(seen.filter((event) => event.type === "tool_call_start")).toEqual([
      { type: "tool_call_start", index: 0, id: "toolu_01FirstCall5Jk6Lm7Np", name: "get_weather" },
    ]);
    expect(seen.some((event) => event.type === "done")).toBe(false);
    expect(error.partial?.toolCalls?.map((call) => call.id)).toEqual([
      "toolu_01FirstCall5Jk6Lm7Np",
    ]);
  });

  it("a spliced stream is refused however the bytes are split", async () => {
    for (const chunkSize of [1, 7, 64]) {
      mock.enqueue({ sse: fixture("spliced-message-start.sse"), chunkSize });
      const seen: ChatEvent[] = [];
      const error = await failure(async () => {
        for await (const event of contentOf(
          provider().chat.stream(chatRequestFor(user, { model: MODEL, tools: [WEATHER] })),
        ))
          seen.push(event);
      });
      expect(error.code).toBe("stream");
      expect(seen.filter((event) => event.type === "tool_call_start")).toHaveLength(1);
    }
  });

  it("content after message_stop is a stream error, not more events", async () => {
    mock.enqueue({
      sse: `${fixture("text.sse")}event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":"late"}}\n\n`,
    });
    const seen: ChatEvent[] = [];
    const error = await failure(async () => {
      for await (const event of contentOf(
        provider().chat.stream(chatRequestFor(user, { model: MODEL })),
      ))
        seen.push(event);
    });
    expect(error.code).toBe("stream");
    expect(error.message).toMatch(/after message_stop/);
    expect(seen.at(-1)?.type).toBe("done");
    expect(collectContent(seen)).toBe("Hello! How can I help you today?");
  });

  it("an event whose JSON is not an object is a clean stream error, never a TypeError", async () => {
    mock.enqueue({
      sse: fixture("text.sse").replace(
        'data: {"type":"content_block_stop","index":0}',
        "data: null",
      ),
    });
    const error = await failure(() =>
      drain(provider().chat.stream(chatRequestFor(user, { model: MODEL }))),
    );
    expect(error.code).toBe("stream");
    expect(error.message).toMatch(/not an Anthropic stream event/);
    expect(error.partial?.content).toBe("Hello! How can I help you today?");
  });

  it("leaves no abort listener behind on a long-lived signal", async () => {
    const session = new AbortController();
    const signal = session.signal;
    const listeners = trackAbortListeners(signal);
    const plugin = provider();
    for (let i = 0; i < 15; i++) {
      mock.enqueue(
        i % 3 === 2
          ? { json: fixture("error-529.json"), status: 529 }
          : { sse: fixture("text.sse") },
      );
      await drain(plugin.chat.stream(chatRequestFor(user, { model: MODEL, signal }))).catch(
        () => undefined,
      );
    }
    expect(listeners.count).toBe(0);
  });

  it("a connection reset mid-body is a stream error keeping the partial text", async () => {
    const sse = fixture("cut-before-stop.sse");
    mock.enqueue({ sseThenReset: sse });
    const error = await failure(() =>
      collectChatStreamParts(provider().chat.stream(chatRequestFor(user, { model: MODEL }))),
    );
    expect(error.code).toBe("stream");
    expect(error.partial?.content).toBe("The first half of an answer");
  });

  it("tool arguments cut off (not JSON at block stop) are a stream error with the raw arguments", async () => {
    mock.enqueue({ sse: fixture("tool-cut-off.sse") });
    const error = await failure(() =>
      drain(provider().chat.stream(chatRequestFor(user, { model: MODEL, tools: [WEATHER] }))),
    );
    expect(error.code).toBe("stream");
    expect(error.partial?.toolCalls).toEqual([
      {
        id: "toolu_01Cut4Fz7Kx1Pm8Qn5Wr2Ty",
        name: "get_weather",
        arguments: '{"location": "Par',
        complete: false,
      },
    ]);
  });

  it("aborting mid-stream ends with aborted, delivers nothing more and closes the upstream socket", async () => {
    const own = await startAnthropicMock();
    try {
      const [head] = fixture("text.sse").split("event: content_block_stop");
      own.enqueue({ sseThenHang: head! });
      const controller = new AbortController();
      const seen: ChatEvent[] = [];
      const plugin = createAnthropic({ apiKey: KEY, baseURL: own.url });
      const error = await failure(async () => {
        for await (const event of contentOf(
          plugin.chat.stream(chatRequestFor(user, { model: MODEL, signal: controller.signal })),
        )) {
          seen.push(event);
          if (seen.length === 2) controller.abort();
        }
      });
      expect(error.code).toBe("aborted");
      expect(seen).toHaveLength(2);
      expect(error.partial?.content).toBe("Hello! How can");
      await expect.poll(() => own.openSockets()).toBe(0);
    } finally {
      await own.close();
    }
  });

  it("headers then silence: an abort while waiting for bytes ends with aborted and closes the socket", async () => {
    const own = await startAnthropicMock();
    try {
      const [head] = fixture("text.sse").split("event: content_block_delta");
      own.enqueue({ sseThenHang: head! });
      const plugin = createAnthropic({ apiKey: KEY, baseURL: own.url });
      // The server never sends more: the call can only end through the abort.
      const error = await failure(() =>
        drain(
          plugin.chat.stream(
            chatRequestFor(user, { model: MODEL, signal: AbortSignal.timeout(50) }),
          ),
        ),
      );
      expect(error.code).toBe("aborted");
      await expect.poll(() => own.openSockets()).toBe(0);
    } finally {
      await own.close();
    }
  });

  it("after done, an abort while the server keeps the body open ends the stream quietly", async () => {
    const own = await startAnthropicMock();
    try {
      own.enqueue({ sseThenHang: fixture("text.sse") });
      const controller = new AbortController();
      const plugin = createAnthropic({ apiKey: KEY, baseURL: own.url });
      const types: string[] = [];
      for await (const event of contentOf(
        plugin.chat.stream(chatRequestFor(user, { model: MODEL, signal: controller.signal })),
      )) {
        types.push(event.type);
        if (event.type === "done") setTimeout(() => controller.abort(), 10);
      }
      expect(types.at(-1)).toBe("done");
      await expect.poll(() => own.openSockets()).toBe(0);
    } finally {
      await own.close();
    }
  });

  it("breaking out of the loop closes the upstream socket", async () => {
    const own = await startAnthropicMock();
    try {
      const [head] = fixture("text.sse").split("event: content_block_stop");
      own.enqueue({ sseThenHang: head! });
      const plugin = createAnthropic({ apiKey: KEY, baseURL: own.url });
      for await (const event of contentOf(
        plugin.chat.stream(chatRequestFor(user, { model: MODEL })),
      )) {
        expect(event.type).toBe("content");
        break;
      }
      await expect.poll(() => own.openSockets()).toBe(0);
    } finally {
      await own.close();
    }
  });

  it("an already-aborted signal rejects before any request", async () => {
    const before = mock.requests.length;
    const error = await failure(() =>
      drain(
        provider().chat.stream(chatRequestFor(user, { model: MODEL, signal: AbortSignal.abort() })),
      ),
    );
    expect(error.code).toBe("aborted");
    expect(mock.requests.length).toBe(before);
  });

  it("input the provider refuses is reported through the iterator, not thrown synchronously, before any request", async () => {
    const before = mock.requests.length;
    for (const request of [
      chatRequestFor(user, { model: MODEL, reasoning: { maxTokens: 500 } }), // below the API's thinking minimum
      chatRequestFor(user, { model: MODEL, providerOptions: { effort: "extreme" } }),
    ]) {
      let stream: AsyncIterable<ChatStreamPartV1> | undefined;
      expect(() => {
        stream = provider().chat.stream(request);
      }).not.toThrow();
      expect((await failure(() => drain(stream!))).code).toBe("invalid_input");
    }
    expect(mock.requests.length).toBe(before);
    const badArguments = [
      Message.user("hi"),
      Message.assistantWithToolCalls("", [
        { id: "t1", name: "get_weather", arguments: "{not json" },
      ]),
    ];
    expect(
      (
        await failure(() =>
          drain(provider().chat.stream(chatRequestFor(badArguments, { model: MODEL }))),
        )
      ).code,
    ).toBe("invalid_input");
  });

  it("a missing API key is an authentication error naming ANTHROPIC_API_KEY", async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const error = await failure(() =>
        drain(
          createAnthropic({ baseURL: mock.url }).chat.stream(
            chatRequestFor(user, { model: MODEL }),
          ),
        ),
      );
      expect(error.code).toBe("authentication");
      expect(error.message).toContain("ANTHROPIC_API_KEY");
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });
});

describe("HTTP errors", () => {
  const cases: Array<[string, number, string, string, boolean, Record<string, string>?]> = [
    ["401", 401, "error-401.json", "authentication", false],
    ["404", 404, "error-404.json", "model_not_found", false],
    [
      "429",
      429,
      "error-429.json",
      "rate_limited",
      true,
      fixtureJson<Record<string, string>>("error-429.headers.json"),
    ],
    ["500", 500, "error-500.json", "provider", true],
    ["529 overloaded", 529, "error-529.json", "provider", true],
    [
      "400 prompt too long",
      400,
      "error-400-prompt-too-long.json",
      "context_length_exceeded",
      false,
    ],
    ["400 invalid request", 400, "error-400-invalid.json", "invalid_input", false],
  ];
  it.each(cases)("%s → %s", async (_title, status, file, code, retryable, headers) => {
    for (const call of ["stream", "chat"] as const) {
      mock.enqueue({ json: fixture(file), status, ...(headers ? { headers } : {}) });
      const before = mock.requests.length;
      const error = await failure(() =>
        call === "stream"
          ? drain(provider().chat.stream(chatRequestFor(user, { model: MODEL })))
          : provider().chat.complete(chatRequestFor(user, { model: MODEL })),
      );
      expect(mock.requests.length - before, "the SDK must not retry").toBe(1);
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.isRetryable).toBe(retryable);
      expect(error.provider).toBe("anthropic");
      expect(error.model).toBe(MODEL);
      expectNoKey(error);
      if (status === 429) {
        expect(error.retryAfterMs).toBe(18_000);
        expect(error.details?.errorType).toBe("rate_limit_error");
      }
      if (code === "context_length_exceeded") expect(error.limit).toBe(200_000);
    }
  });

  it("a refused connection is a retryable network error", async () => {
    const closed = await startAnthropicMock();
    const url = closed.url;
    await closed.close();
    const error = await failure(() =>
      createAnthropic({ apiKey: KEY, baseURL: url }).chat.complete(
        chatRequestFor(user, { model: MODEL }),
      ),
    );
    expect(error.code).toBe("network");
    expect(error.isRetryable).toBe(true);
    expectNoKey(error);
  });
});

describe("chat (non-streaming)", () => {
  it("maps a text message", async () => {
    mock.enqueue({ json: fixture("message-text.json") });
    const response = await provider().chat.complete(
      chatRequestFor(user, { model: MODEL, maxTokens: 1024 }),
    );
    expect(response).toEqual({
      content: "Hi! My name is Claude.",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "end_turn",
      response: { model: "claude-sonnet-4-5-20250929", requestId: "req_mock_01" },
      usage: {
        promptTokens: 2095,
        completionTokens: 503,
        totalTokens: 2598,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      },
    });
    expect(mock.body()).toEqual({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: "user", content: user[0]!.content }],
      stream: false,
    });
  });

  it("rejects a body that is not a message with a data error", async () => {
    mock.enqueue({ json: { unexpected: true } });
    expect(
      (await failure(() => provider().chat.complete(chatRequestFor(user, { model: MODEL })))).code,
    ).toBe("data");
  });

  it("maps thinking, redacted thinking, text and tool_use blocks", async () => {
    mock.enqueue({ json: fixture("message-thinking-tool.json") });
    const response = await provider().chat.complete(
      chatRequestFor(user, { model: MODEL, tools: [WEATHER], reasoning: { effort: "high" } }),
    );
    expect(response.reasoning).toBe("I should call get_weather for Paris.");
    expect(response.reasoningDetails?.map((detail) => detail.type)).toEqual(["text", "redacted"]);
    expect(response.toolCalls).toEqual([
      {
        id: "toolu_01CswdEQBMshySk6Y9DFKrfq",
        name: "get_weather",
        arguments: '{"location":"Paris"}',
      },
    ]);
    expect(response.finishReason).toBe("tool_calls");
    expect(response.usage).toEqual({
      promptTokens: 817,
      completionTokens: 108,
      totalTokens: 925,
      reasoningTokens: 60,
      cacheReadTokens: 300,
      cacheWriteTokens: 100,
    });
    expect(mock.body().thinking).toEqual({ type: "enabled", budget_tokens: 32768 });
  });
});

describe("request mapping", () => {
  it("snapshots a full request: systems, tool loop, tool choice, stop, json schema; warns on unsupported settings", async () => {
    mock.enqueue({ sse: fixture("text.sse") });
    const messages: Message[] = [
      Message.system("You are terse."),
      Message.user("Weather in Paris and Tokyo?"),
      Message.assistantWithToolCalls("Checking.", [
        { id: "toolu_1", name: "get_weather", arguments: '{"location":"Paris"}' },
        { id: "toolu_2", name: "get_weather", arguments: '{"location":"Tokyo"}' },
      ]),
      Message.toolResult("toolu_1", "18°C sunny"),
      Message.toolResult("toolu_2", "9°C rain"),
      Message.system("Answer in one line."),
      Message.user("Thanks, summarise."),
    ];
    const settings: ChatSettingsV1 = {
      tools: [WEATHER],
      toolChoice: { name: "get_weather" },
      parallelToolCalls: false,
      stop: ["\n\n"],
      maxTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      seed: 7,
      responseFormat: {
        type: "json_schema",
        name: "summary",
        schema: { type: "object", properties: { text: { type: "string" } } },
      },
    };
    const parts = await drainParts(
      provider().chat.stream(
        chatRequestFor(messages, {
          model: MODEL,
          ...settings,
          providerOptions: { metadata: { user_id: "user-123" } },
        }),
      ),
    );
    expect(mock.body()).toMatchSnapshot();
    expect(
      parts.flatMap((part) =>
        part.type === "warning" && part.warning.type === "unsupported_setting"
          ? [part.warning.setting]
          : [],
      ),
    ).toEqual(["temperature", "topP", "seed"]);
  });

  it("an ignored setting is a warning on the result and from warningsFor, and is not sent", async () => {
    const plugin = provider();
    const request = chatRequestFor(user, { model: MODEL, temperature: 0.5, topK: 40 });
    const expected = [
      { type: "unsupported_setting", setting: "temperature", details: expect.any(String) },
      { type: "unsupported_setting", setting: "topK", details: expect.any(String) },
    ];
    expect(plugin.chat.warningsFor(request)).toEqual(expected);
    mock.enqueue({ json: fixture("message-text.json") });
    const result = await plugin.chat.complete(request);
    expect(result.warnings).toEqual(expected);
    expect(mock.body()).not.toHaveProperty("temperature");
    expect(mock.body()).not.toHaveProperty("top_k");
    mock.enqueue({ sse: fixture("text.sse") });
    const parts = await drainParts(plugin.chat.stream(request));
    expect(parts.filter((part) => part.type === "warning").map((part) => part.warning)).toEqual(
      expected,
    );
    // Warnings lead the stream, before anything the answer carries.
    expect(parts.slice(0, 2).map((part) => part.type)).toEqual(["warning", "warning"]);
    expect(parts.filter((part) => part.type === "done")).toHaveLength(1);
    expect(mock.body()).not.toHaveProperty("temperature");
  });

  it("a request without ignored settings has no warnings", async () => {
    const request = chatRequestFor(user, {
      model: MODEL,
      maxTokens: 64,
      stop: ["."],
      cachePrompt: true,
    });
    expect(provider().chat.warningsFor(request)).toEqual([]);
    mock.enqueue({ json: fixture("message-text.json") });
    expect(await provider().chat.complete(request)).not.toHaveProperty("warnings");
  });

  it("reads only its own options entry: an entry keyed by another provider id is never sent", async () => {
    const plugin = provider();
    // What a caller who passed the whole keyed map would have sent: the gateway hands each
    // provider its own entry, so "openrouter" here is an option Anthropic does not know.
    const request = chatRequestFor(user, {
      model: MODEL,
      providerOptions: { openrouter: { transforms: ["middle-out"] }, transforms: ["middle-out"] },
    });
    mock.enqueue({ json: fixture("message-text.json") });
    const result = await plugin.chat.complete(request);
    expect(
      result.warnings?.map(
        (warning) => warning.type === "unknown_provider_option" && warning.option,
      ),
    ).toEqual(["openrouter", "transforms"]);
    expect(plugin.chat.warningsFor(request)).toEqual(result.warnings);
    const body = mock.body();
    expect(body).not.toHaveProperty("openrouter");
    expect(body).not.toHaveProperty("transforms");
    expect(JSON.stringify(body)).not.toContain("middle-out");
  });

  it("betas join the anthropic-beta header of the settings; a call's headers are sent", async () => {
    const plugin = createAnthropic({
      apiKey: KEY,
      baseURL: mock.url,
      headers: { "Anthropic-Beta": "test-beta-1" },
    });
    mock.enqueue({ sse: fixture("text.sse") });
    await drain(
      plugin.chat.stream(
        chatRequestFor(user, {
          model: MODEL,
          providerOptions: { betas: ["mcp-client-2025-11-20", "test-beta-1"] },
          headers: { "x-trace": "trace-1" },
        }),
      ),
    );
    const headers = mock.requests.at(-1)!.headers;
    expect(headers["anthropic-beta"]).toBe("test-beta-1,mcp-client-2025-11-20");
    expect(headers["x-trace"]).toBe("trace-1");
    mock.enqueue({ sse: fixture("text.sse") });
    await drain(plugin.chat.stream(chatRequestFor(user, { model: MODEL })));
    expect(mock.requests.at(-1)!.headers["anthropic-beta"]).toBe("test-beta-1");
  });

  it("results carry the model that answered and the request-id header", async () => {
    mock.enqueue({ json: fixture("message-text.json") });
    expect(
      (await provider().chat.complete(chatRequestFor(user, { model: MODEL }))).response,
    ).toEqual({
      model: "claude-sonnet-4-5-20250929",
      requestId: "req_mock_01",
    });
    mock.enqueue({ sse: fixture("text.sse") });
    const parts = await drainParts(provider().chat.stream(chatRequestFor(user, { model: MODEL })));
    expect(parts.filter((part) => part.type === "response_metadata")).toEqual([
      { type: "response_metadata", model: "claude-sonnet-4-5-20250929", requestId: "req_mock_01" },
    ]);
  });

  it("sends extra headers and no x-api-key", async () => {
    mock.enqueue({ sse: fixture("text.sse") });
    const plugin = createAnthropic({
      apiKey: KEY,
      baseURL: mock.url,
      headers: { "anthropic-beta": "test-beta-1" },
    });
    await drain(plugin.chat.stream(chatRequestFor(user, { model: MODEL })));
    expect(mock.requests.at(-1)!.headers["anthropic-beta"]).toBe("test-beta-1");
    expect(mock.requests.at(-1)!.headers["anthropic-version"]).toBe("2026-10-21");
  });

  it("uses an injected fetch", async () => {
    const urls: string[] = [];
    const plugin = createAnthropic({
      apiKey: KEY,
      baseURL: "http://anthropic.invalid",
      fetch: async (input) => {
        urls.push(String(input));
        return new Response(fixture("text.sse"), {
          status: 200,
          headers: { "content-type": "text/event-stream" },
        });
      },
    });
    const response = await collectChatStreamParts(
      plugin.chat.stream(chatRequestFor(user, { model: MODEL })),
    );
    expect(response.content).toBe("Hello! How can I help you today?");
    expect(urls).toEqual(["http://anthropic.invalid/v1/messages"]);
  });
});

/** A v1 token-counting request for {@link MODEL}. */
function countRequest(text: string, providerOptions: Record<string, unknown> = {}) {
  return { model: MODEL, text, providerOptions, signal: new AbortController().signal };
}

describe("token counting", () => {
  it("countTokens posts one user message to /v1/messages/count_tokens and is exact", async () => {
    mock.enqueue({ json: fixture("count-tokens.json") });
    const count = await provider().tokenCounting.countTokens(countRequest("Hello, world"));
    expect(count).toEqual({
      count: 2095,
      approximate: false,
      source: "anthropic:count_tokens",
      response: { requestId: "req_mock_01" },
    });
    expect(mock.requests.at(-1)!.url).toBe("/v1/messages/count_tokens");
    expect(mock.body()).toEqual({
      model: MODEL,
      messages: [{ role: "user", content: "Hello, world" }],
    });
  });

  it("countTokens sends the betas option and reports the options it does not use", async () => {
    mock.enqueue({ json: fixture("count-tokens.json") });
    const counting = provider().tokenCounting;
    const request = countRequest("Hello", { betas: ["test-beta-2"], effort: "high", mystery: 1 });
    // warningsFor (strict mode) tells the same before anything is sent.
    const predicted = counting.warningsFor?.(request);
    const count = await counting.countTokens(request);
    expect(predicted).toEqual(count.warnings);
    expect(mock.requests.at(-1)!.headers["anthropic-beta"]).toBe("test-beta-2");
    expect(count.warnings).toEqual([
      { type: "unknown_provider_option", option: "mystery", details: expect.any(String) },
      { type: "other", message: expect.stringMatching(/effort is not used/) },
    ]);
  });

  it("countChatTokens counts a whole request with system, tools and thinking", async () => {
    mock.enqueue({ json: { input_tokens: 418 } });
    const count = await provider().countChatTokens({
      model: MODEL,
      messages: [Message.system("Be brief."), ...user],
      settings: { tools: [WEATHER], toolChoice: "auto", reasoning: { maxTokens: 2048 } },
    });
    expect(count.count).toBe(418);
    expect(mock.body()).toMatchSnapshot();
  });

  it("countChatTokens checks its input itself (it is called directly, not through the gateway)", async () => {
    const before = mock.requests.length;
    for (const bad of [
      { model: "", messages: user },
      { model: MODEL, messages: [] },
      { model: MODEL, messages: [{ role: "robot", content: "hi" }] as never },
    ]) {
      expect((await failure(() => provider().countChatTokens(bad))).code).toBe("invalid_input");
    }
    expect(mock.requests.length).toBe(before);
  });

  it("maps count errors and malformed answers", async () => {
    mock.enqueue({ json: fixture("error-401.json"), status: 401 });
    const counting = provider().tokenCounting;
    expect((await failure(() => counting.countTokens(countRequest("x")))).code).toBe(
      "authentication",
    );
    mock.enqueue({ json: { tokens: 3 } });
    expect((await failure(() => counting.countTokens(countRequest("x")))).code).toBe("data");
    const before = mock.requests.length;
    expect(await counting.countTokens(countRequest(""))).toEqual({
      count: 0,
      approximate: false,
      source: "anthropic:count_tokens",
    });
    expect(mock.requests.length).toBe(before);
  });
});

describe("provider", () => {
  it("is a v1 provider serving chat and countTokens for claude* models only", () => {
    const plugin = provider();
    expect(plugin.specificationVersion).toBe("v1");
    expect(plugin.id).toBe("anthropic");
    expect(typeof plugin.chat.complete).toBe("function");
    expect(typeof plugin.chat.stream).toBe("function");
    expect(typeof plugin.tokenCounting.countTokens).toBe("function");
    for (const absent of ["generation", "embedding", "nli", "classification"]) {
      expect(plugin).not.toHaveProperty(absent);
    }
    expect(plugin.supports("chat", "claude-sonnet-4-6")).toBe(true);
    expect(plugin.supports("countTokens", "claude-opus-4-1")).toBe(true);
    expect(plugin.supports("chat", "gpt-4o")).toMatchObject({ supported: false });
    expect(plugin.supports("embed", "claude-sonnet-4-6")).toMatchObject({ supported: false });
  });
});
