import { getEventListeners } from "node:events";
import { inspect } from "node:util";
import {
  type ChatStreamPartV1,
  collectChatStreamParts,
  Message,
  toAssistantMessage,
} from "@ratatoskr/core";
import {
  type ChatRequestOptions,
  chatRequestFor,
  jsonReply,
  sseReply,
  startOpenAIWireMockServer,
} from "@ratatoskr/testing";
import { drain, failure, replay, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import {
  createOpenAICompatible,
  type OpenAICompatibleSettings,
} from "./openai-compatible-provider.ts";
import { fixture, TEST_API_KEY as KEY } from "./openai-fixtures.test-helpers.ts";

const server = useOpenAIWireMockServer();

function provider(settings: Partial<OpenAICompatibleSettings> = {}) {
  return createOpenAICompatible({
    id: "compat",
    baseURL: `${server.url}/v1`,
    apiKey: KEY,
    ...settings,
  });
}

const messages = [Message.system("Be brief."), Message.user("Hi")];
const options: ChatRequestOptions = { model: "gpt-4o-mini" };
const COMPLETION_ID = "chatcmpl-BxR7fQm2Lk9sVt3Zp0Yw4Hn8Ja1Dc";

describe("chatStream: plain text", () => {
  it("yields the response metadata, content deltas, then usage, then done, and sends the exact body", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    const events = await drain(provider().chat.stream(chatRequestFor(messages, options)));
    expect(events).toEqual([
      { type: "response_metadata", model: "gpt-4o-mini-2024-07-18", requestId: COMPLETION_ID },
      ...["Hello", "!", " How", " can", " I", " help", " you", " today", "?"].map((text) => ({
        type: "content",
        text,
      })),
      {
        type: "usage",
        usage: {
          promptTokens: 19,
          completionTokens: 10,
          totalTokens: 29,
          reasoningTokens: 0,
          cacheReadTokens: 0,
        },
      },
      {
        type: "done",
        finishReason: "stop",
        rawFinishReason: "stop",
        usage: {
          promptTokens: 19,
          completionTokens: 10,
          totalTokens: 29,
          reasoningTokens: 0,
          cacheReadTokens: 0,
        },
      },
    ]);
    const [request] = server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Be brief.",
            "role": "system",
          },
          {
            "content": "Hi",
            "role": "user",
          },
        ],
        "model": "gpt-4o-mini",
        "stream": true,
        "stream_options": {
          "include_usage": true,
        },
      }
    `);
  });

  it("gives the same events however the bytes are split, and with CRLF line endings", async () => {
    const text = fixture("openai-chat-stream-text.sse");
    server.reply(sseReply(text));
    const reference = await drain(provider().chat.stream(chatRequestFor(messages, options)));
    for (const chunkSize of [1, 7, 64]) {
      server.reply(sseReply(text, { chunkSize }));
      expect(await drain(provider().chat.stream(chatRequestFor(messages, options)))).toEqual(
        reference,
      );
    }
    server.reply(sseReply(text.replaceAll("\n", "\r\n")));
    expect(await drain(provider().chat.stream(chatRequestFor(messages, options)))).toEqual(
      reference,
    );
  });

  it("ignores SSE comments (keep-alives) between events", async () => {
    const text = fixture("openai-chat-stream-text.sse").replaceAll(
      "data: ",
      ": keep-alive\n\ndata: ",
    );
    server.reply(sseReply(text));
    const response = await collectChatStreamParts(
      provider().chat.stream(chatRequestFor(messages, options)),
    );
    expect(response.content).toBe("Hello! How can I help you today?");
  });

  it("decodes multi-byte characters split across network reads", async () => {
    const text = fixture("openai-chat-stream-text.sse").replace(
      '"content":"Hello"',
      '"content":"Héllo ✓ 👋"',
    );
    server.reply(sseReply(text, { chunkSize: 1 }));
    const response = await collectChatStreamParts(
      provider().chat.stream(chatRequestFor(messages, options)),
    );
    expect(response.content).toBe("Héllo ✓ 👋! How can I help you today?");
  });

  it("ends at [DONE] without waiting for the body's end, ignores what follows and closes the request", async () => {
    const text = `${fixture("openai-chat-stream-text.sse")}data: {"choices":[{"index":0,"delta":{"content":"after"}}]}\n\n`;
    expect(text.indexOf("[DONE]")).toBeLessThan(text.indexOf("after"));
    // The server keeps the connection open after its last byte.
    server.reply(sseReply(text, { hang: true }));
    const events = await drain(provider().chat.stream(chatRequestFor(messages, options)));
    expect(events.at(-1)?.type).toBe("done");
    expect(events.some((event) => event.type === "content" && event.text === "after")).toBe(false);
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
  });

  it("completes a stream whose body ends after the finish reason without [DONE]", async () => {
    const text = fixture("openai-chat-stream-text.sse").replace("data: [DONE]\n\n", "");
    expect(text).not.toContain("[DONE]");
    server.reply(sseReply(text));
    const response = await collectChatStreamParts(
      provider().chat.stream(chatRequestFor(messages, options)),
    );
    expect(response.content).toBe("Hello! How can I help you today?");
  });

  it("fails on an `error` event with the server's message, keeping the text before it", async () => {
    // The error object bare or under `error`, as the `openai` SDK reads it.
    for (const data of [
      '{"error":{"message":"upstream overloaded","code":503}}',
      '{"message":"upstream overloaded","code":503}',
    ]) {
      server.reply(
        sseReply(`${fixture("openai-chat-stream-cut.sse")}event: error\ndata: ${data}\n\n`),
      );
      const error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
      expect(error.code).toBe("provider");
      expect(error.isRetryable).toBe(true);
      expect(error.message).toContain("upstream overloaded");
      expect(error.partial?.content).toBe("The answer is");
    }
  });

  it("fails on an endless line with a stream error instead of buffering it without bound", async () => {
    // 17 Mi characters without a line end, past the decoder's 16 Mi bound; the server then stalls.
    const endless = `data: {"choices":[{"index":0,"delta":{"content":"${"x".repeat(17 * 1024 * 1024)}`;
    server.reply(sseReply(`${fixture("openai-chat-stream-cut.sse")}${endless}`, { hang: true }));
    const error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
    expect(error.code).toBe("stream");
    expect(error.provider).toBe("compat");
    expect(error.message).toContain("longer than 16777216 characters");
    expect(error.partial?.content).toBe("The answer is");
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
  });

  it("names a body without any event: not an event stream, or an event stream that ended at once", async () => {
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    let error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
    expect(error.code).toBe("stream");
    expect(error.message).toBe(
      'compat answered the stream request with "application/json", not an event stream',
    );
    server.reply(sseReply(""));
    error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
    expect(error.code).toBe("stream");
    expect(error.message).toBe("compat ended the stream before any event");
  });

  it("bounds the server's text of a mid-stream error in the message", async () => {
    const huge = "overloaded ".repeat(100_000); // 1.1 MB of text in one error event
    server.reply(
      sseReply(`${fixture("openai-chat-stream-cut.sse")}event: error\ndata: ${huge}\n\n`),
    );
    const error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
    expect(error.message.startsWith("compat reported an error mid-stream: overloaded")).toBe(true);
    expect(error.message.length).toBeLessThan(600);
    expect(error.message.endsWith("…")).toBe(true);
    expect(error.body?.length).toBeLessThanOrEqual(4096);
    // Nothing in the error, its cause chain included, holds the whole text.
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY }).length).toBeLessThan(100_000);
    expect(error.partial?.content).toBe("The answer is");
  });

  it("fails on event data that is not a JSON object without quoting it", async () => {
    for (const data of ["42", "[1,2]", "null", '"secret-looking text"']) {
      server.reply(sseReply(`${fixture("openai-chat-stream-cut.sse")}data: ${data}\n\n`));
      const error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
      expect(error.code).toBe("stream");
      expect(error.message).toContain("not a JSON object");
      expect(error.message).not.toContain("secret-looking");
      expect(error.partial?.content).toBe("The answer is");
    }
  });

  it("turns a stream cut before the finish reason into a stream error that keeps the text", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-cut.sse")));
    const error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
    expect(error.code).toBe("stream");
    expect(error.partial?.content).toBe("The answer is");
    expect(error.message).toMatch(/without a finish reason/);
  });

  it("turns a connection reset mid-stream into an error that keeps the text, never success", async () => {
    server.reply(
      sseReply(fixture("openai-chat-stream-cut.sse"), {
        destroy: true,
        chunkSize: 300,
        delayMs: 5,
      }),
    );
    const seen: ChatStreamPartV1[] = [];
    const error = await failure(
      (async () => {
        for await (const event of provider().chat.stream(chatRequestFor(messages, options)))
          seen.push(event);
      })(),
    );
    expect(error.code, String(error.cause)).toBe("network");
    expect(error.isRetryable).toBe(true);
    expect(seen.some((event) => event.type === "done")).toBe(false);
    expect(seen.map((event) => (event.type === "content" ? event.text : "")).join("")).toBe(
      "The answer is",
    );
    expect(error.partial?.content).toBe("The answer is");
  });

  it("turns a malformed event into a clean stream error", async () => {
    const text =
      fixture("openai-chat-stream-cut.sse") + 'data: {"choices":[{"delta":{"content":"x"}\n\n';
    server.reply(sseReply(text));
    const error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
    expect(error.code).toBe("stream");
    expect(error.partial?.content).toBe("The answer is");
  });

  it("maps an error object sent after a 200 to a typed, retryable provider error with the partial text", async () => {
    server.reply(sseReply(fixture("compatible-chat-stream-midstream-error.sse")));
    const error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
    expect(error.code).toBe("provider");
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain("overloaded");
    expect(error.partial?.content).toBe("Partial answer");
  });
});

describe("chatStream: tool calls", () => {
  const toolOptions: ChatRequestOptions = {
    model: "gpt-4o",
    tools: [
      {
        name: "GetWeatherArgs",
        description: "Weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
      {
        name: "get_stock_price",
        parameters: { type: "object", properties: { ticker: { type: "string" } } },
      },
    ],
    toolChoice: "auto",
    parallelToolCalls: true,
  };

  it("streams two parallel calls start → deltas → end, ending each only at the finish reason", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-tools-parallel.sse")));
    const events = await drain(provider().chat.stream(chatRequestFor(messages, toolOptions)));
    const kinds = events.map((event) =>
      event.type.startsWith("tool_call")
        ? `${event.type}:${(event as { index: number }).index}`
        : event.type,
    );
    expect(kinds).toEqual([
      "response_metadata",
      "tool_call_start:0",
      ...Array(11).fill("tool_call_delta:0"),
      "tool_call_start:1",
      ...Array(9).fill("tool_call_delta:1"),
      "tool_call_end:0",
      "tool_call_end:1",
      "usage",
      "done",
    ]);
    expect(events[1]).toEqual({
      type: "tool_call_start",
      index: 0,
      id: "call_JMW1whyEaYG438VE1OIflxA2",
      name: "GetWeatherArgs",
    });
    const response = await collectChatStreamParts(replay(events));
    expect(response.toolCalls).toEqual([
      {
        id: "call_JMW1whyEaYG438VE1OIflxA2",
        name: "GetWeatherArgs",
        arguments: '{"city": "Edinburgh", "country": "GB", "units": "c"}',
      },
      {
        id: "call_DNYTawLBoN8fj3KN6qU9N1Ou",
        name: "get_stock_price",
        arguments: '{"ticker": "AAPL", "exchange": "NASDAQ"}',
      },
    ]);
    expect(response.finishReason).toBe("tool_calls");
    expect(response.usage).toEqual({
      promptTokens: 149,
      completionTokens: 60,
      totalTokens: 209,
      reasoningTokens: 0,
    });
    expect(server.requests[0]?.body).toMatchSnapshot();
  });

  it("keeps interleaved argument fragments apart by index", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-tools-interleaved.sse")));
    const events = await drain(provider().chat.stream(chatRequestFor(messages, toolOptions)));
    const deltas = events
      .filter((event) => event.type === "tool_call_delta")
      .map((event) => (event as { index: number }).index);
    expect(new Set(deltas.slice(0, 6)).size).toBe(2); // really interleaved
    const response = await collectChatStreamParts(replay(events));
    expect(response.toolCalls.map((call) => JSON.parse(call.arguments))).toEqual([
      { city: "Edinburgh", country: "GB", units: "c" },
      { ticker: "AAPL", exchange: "NASDAQ" },
    ]);
  });

  it("rebuilds one call from arguments split across many chunks; unknown usage stays undefined", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-tool-single.sse")));
    const events = await drain(provider().chat.stream(chatRequestFor(messages, toolOptions)));
    expect(events.filter((event) => event.type === "usage")).toEqual([]);
    const done = events.at(-1);
    expect(done).toEqual({
      type: "done",
      finishReason: "tool_calls",
      rawFinishReason: "tool_calls",
    });
    expect("usage" in (done as object)).toBe(false);
    const response = await collectChatStreamParts(replay(events));
    expect(response.toolCalls).toEqual([
      {
        id: "call_9pQ2wXv7LrT4sYb1",
        name: "get_weather",
        arguments: '{"location":"Paris, France","unit":"celsius"}',
      },
    ]);
  });

  it("fails with the raw arguments when a call's JSON is cut off by the length limit", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-tool-truncated.sse")));
    const seen: ChatStreamPartV1[] = [];
    const error = await failure(
      (async () => {
        for await (const event of provider().chat.stream(chatRequestFor(messages, toolOptions)))
          seen.push(event);
      })(),
    );
    expect(error.code).toBe("stream");
    expect(error.partial?.toolCalls).toEqual([
      {
        id: "call_T3uNcAt3dArgs01",
        name: "write_file",
        arguments: '{"path":"notes.md","content":"# Notes\\nfirst line',
        complete: false,
      },
    ]);
    expect(seen.some((event) => event.type === "tool_call_end")).toBe(false);
  });
});

describe("chatStream: reasoning", () => {
  it("streams reasoning_content as reasoning and sends it back in the same field on the next turn", async () => {
    server.reply(sseReply(fixture("deepseek-chat-stream-reasoning-content.sse")));
    const deepseek = provider({ id: "deepseek" });
    const response = await collectChatStreamParts(
      deepseek.chat.stream(
        chatRequestFor([Message.user("9.11 or 9.8?")], { model: "deepseek-reasoner" }),
      ),
    );
    expect(response.reasoning).toBe("The user wants 9.11 vs 9.8. 9.8 is larger.");
    expect(response.content).toBe("9.8 is larger.");
    expect(response.usage?.reasoningTokens).toBe(31);
    expect(response.reasoningDetails).toEqual([
      {
        type: "opaque",
        provider: "deepseek",
        value: { field: "reasoning_content", text: "The user wants 9.11 vs 9.8. 9.8 is larger." },
      },
    ]);
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    const foreign = {
      ...toAssistantMessage(response),
      reasoningDetails: [
        ...response.reasoningDetails!,
        { type: "text" as const, text: "elsewhere", provider: "anthropic" },
      ],
    };
    await drain(
      deepseek.chat.stream(
        chatRequestFor([Message.user("9.11 or 9.8?"), foreign, Message.user("Why?")], {
          model: "deepseek-reasoner",
        }),
      ),
    );
    const sent = (server.requests[1]!.body as { messages: unknown[] }).messages[1];
    expect(sent).toEqual({
      role: "assistant",
      content: "9.8 is larger.",
      reasoning_content: "The user wants 9.11 vs 9.8. 9.8 is larger.",
    });
  });

  it("does not send another provider's reasoning records", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    const assistant = {
      role: "assistant" as const,
      content: "x",
      reasoningDetails: [
        {
          type: "opaque" as const,
          provider: "other",
          value: { field: "reasoning", text: "secret thoughts" },
        },
      ],
    };
    await drain(
      provider().chat.stream(
        chatRequestFor([Message.user("a"), assistant, Message.user("b")], options),
      ),
    );
    expect((server.requests[0]!.body as { messages: unknown[] }).messages[1]).toEqual({
      role: "assistant",
      content: "x",
    });
  });
});

describe("chat (non-streamed)", () => {
  it("maps a text completion", async () => {
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    const response = await provider().chat.complete(
      chatRequestFor(messages, { ...options, temperature: 0 }),
    );
    expect(response).toEqual({
      content: "Hello! How can I help you today?",
      toolCalls: [],
      finishReason: "stop",
      rawFinishReason: "stop",
      usage: {
        promptTokens: 19,
        completionTokens: 10,
        totalTokens: 29,
        reasoningTokens: 0,
        cacheReadTokens: 0,
      },
      response: { model: "gpt-4o-mini-2024-07-18", requestId: "chatcmpl-BxR8aa1" },
    });
    expect(server.requests[0]?.body).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      temperature: 0,
    });
  });

  it("maps parallel tool calls and cached prompt tokens", async () => {
    server.reply(jsonReply(200, fixture("openai-chat-completion-tools.json")));
    const response = await provider().chat.complete(chatRequestFor(messages, options));
    expect(response.toolCalls).toEqual([
      {
        id: "call_Ab12Cd34Ef56Gh78",
        name: "get_weather",
        arguments: '{"location":"Paris, France"}',
      },
      {
        id: "call_Ij90Kl12Mn34Op56",
        name: "get_weather",
        arguments: '{"location":"Oslo, Norway"}',
      },
    ]);
    expect(response.finishReason).toBe("tool_calls");
    expect(response.usage?.cacheReadTokens).toBe(64);
  });
});

describe("chat (non-streamed): truncated tool arguments", () => {
  it("fails with a data error that keeps the raw arguments", async () => {
    const body = JSON.parse(fixture("openai-chat-completion-tools.json"));
    body.choices[0].message.tool_calls[1].function.arguments = '{"location":"Oslo, No';
    body.choices[0].finish_reason = "length";
    server.reply(jsonReply(200, body));
    const error = await failure(provider().chat.complete(chatRequestFor(messages, options)));
    expect(error.code).toBe("data");
    expect(error.partial?.toolCalls?.[1]).toEqual({
      id: "call_Ij90Kl12Mn34Op56",
      name: "get_weather",
      arguments: '{"location":"Oslo, No',
      complete: false,
    });
  });
});

describe("chat (non-streamed): tool calls it cannot read", () => {
  it.each([
    [
      "a custom tool call without a function",
      { id: "call_custom", type: "custom", custom: { name: "grep", input: "x" } },
      /tool call call_custom without a function name \(type "custom"\)/,
    ],
    [
      "arguments sent as an object",
      { id: "call_object", type: "function", function: { name: "f", arguments: { a: 1 } } },
      /arguments that are not a string \(object\) for tool call "f" \(call_object\)/,
    ],
  ])(
    "fails %s with a data error instead of a call with an empty name or lost arguments",
    async (_case, call, message) => {
      const body = JSON.parse(fixture("openai-chat-completion-tools.json"));
      body.choices[0].message.tool_calls[1] = call;
      server.reply(jsonReply(200, body));
      const error = await failure(provider().chat.complete(chatRequestFor(messages, options)));
      expect(error.code).toBe("data");
      expect(error.message).toMatch(message);
      expect(error.provider).toBe("compat");
    },
  );
});

describe("request mapping", () => {
  it("maps every setting and merges its own provider options last, as body fields", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    const conversation = [
      Message.system("sys"),
      Message.user("What is the weather in Paris?", "alice"),
      Message.assistantWithToolCalls("", [
        { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
      ]),
      Message.toolResult("call_1", '{"celsius":21}', "get_weather"),
    ];
    const parts = await drain(
      provider().chat.stream(
        chatRequestFor(conversation, {
          model: "m",
          tools: [
            {
              name: "get_weather",
              description: "Weather now",
              parameters: {
                type: "object",
                properties: { city: { type: "string" } },
                required: ["city"],
              },
            },
          ],
          toolChoice: { name: "get_weather" },
          parallelToolCalls: false,
          temperature: 0.2,
          topP: 0.9,
          maxTokens: 256,
          stop: ["\n\n"],
          seed: 7,
          frequencyPenalty: 0.1,
          presencePenalty: 0.3,
          responseFormat: {
            type: "json_schema",
            name: "weather",
            schema: { type: "object" },
            strict: true,
          },
          reasoning: { effort: "low", maxTokens: 1000 },
          providerOptions: { top_k: 40, temperature: 0.3 },
        }),
      ),
    );
    expect(server.requests[0]?.body).toMatchSnapshot();
    expect(parts.filter((part) => part.type === "warning")).toEqual([
      {
        type: "warning",
        warning: {
          type: "unsupported_setting",
          setting: "reasoning",
          details:
            "maxTokens: this server takes a reasoning effort (reasoning_effort), not a token budget",
        },
      },
    ]);
  });

  it("maps json_object, tool choice strings and max_completion_tokens", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    await drain(
      provider({ maxTokensField: "max_completion_tokens", includeUsage: false }).chat.stream(
        chatRequestFor(messages, {
          model: "m",
          responseFormat: { type: "json_object" },
          toolChoice: "required",
          maxTokens: 5,
        }),
      ),
    );
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.tool_choice).toBe("required");
    expect(body.max_completion_tokens).toBe(5);
    expect(body.max_tokens).toBeUndefined();
    expect(body.stream_options).toBeUndefined();
  });

  it("sends no Authorization header without a key, never the OPENAI_API_KEY of the environment, and extra headers", async () => {
    const previous = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-environment-key-should-not-leak";
    try {
      server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
      const keyless = createOpenAICompatible({
        id: "local",
        baseURL: `${server.url}/v1`,
        headers: { "X-Extra": "1" },
      });
      await drain(keyless.chat.stream(chatRequestFor(messages, options)));
      const headers = server.requests[0]?.headers ?? {};
      expect(headers.authorization).toBeUndefined();
      expect(headers["x-extra"]).toBe("1");
      expect(JSON.stringify(headers)).not.toContain("should-not-leak");
    } finally {
      if (previous === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previous;
    }
  });

  it("keeps a caller's own Authorization header when there is no key", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    const basic = createOpenAICompatible({
      id: "proxy",
      baseURL: `${server.url}/v1`,
      headers: { Authorization: "Basic dXNlcjpwYXNz" },
    });
    await drain(basic.chat.stream(chatRequestFor(messages, options)));
    expect(server.requests[0]?.headers.authorization).toBe("Basic dXNlcjpwYXNz");
  });

  it("uses an injected fetch", async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    await drain(provider({ fetch: counting }).chat.stream(chatRequestFor(messages, options)));
    expect(calls).toBe(1);
  });

  it("refuses a bad id or baseURL at creation", () => {
    expect(() => createOpenAICompatible({ id: "Bad Id", baseURL: "http://x" })).toThrow(
      /id must match/,
    );
    expect(() => createOpenAICompatible({ id: "x", baseURL: "localhost:8000" })).toThrow(/baseURL/);
  });
});

describe("HTTP errors", () => {
  it.each([
    [401, "openai-error-401.json", {}, "authentication", false],
    [404, "openai-error-404.json", {}, "model_not_found", false],
    [429, "openai-error-429.json", { "retry-after": "2" }, "rate_limited", true],
    [500, "openai-error-500.json", {}, "provider", true],
    [400, "openai-error-400-context-length.json", {}, "context_length_exceeded", false],
  ] as const)(
    "maps %i to %s, once (SDK retries off), without the key",
    async (status, file, headers, code, retryable) => {
      server.reply(jsonReply(status, fixture(file), headers));
      const error = await failure(drain(provider().chat.stream(chatRequestFor(messages, options))));
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.isRetryable).toBe(retryable);
      expect(server.requests).toHaveLength(1);
      const text = [
        error.message,
        error.body ?? "",
        JSON.stringify(error.toJSON()),
        String(error.stack),
      ].join("\n");
      expect(text).not.toContain(KEY);
      if (status === 429) expect(error.retryAfterMs).toBe(2000);
    },
  );

  it("maps errors of the non-streamed call the same way", async () => {
    server.reply(jsonReply(429, fixture("openai-error-429.json"), { "retry-after-ms": "1500" }));
    const error = await failure(provider().chat.complete(chatRequestFor(messages, options)));
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfterMs).toBe(1500);
  });

  it("gives a network error naming the URL when nothing listens", async () => {
    const closed = await startOpenAIWireMockServer();
    const url = closed.url;
    await closed.close();
    const unreachable = createOpenAICompatible({
      id: "compat",
      baseURL: `${url}/v1`,
      networkErrorHint: "Is it running?",
    });
    const error = await failure(drain(unreachable.chat.stream(chatRequestFor(messages, options))));
    expect(error.code).toBe("network");
    expect(error.message).toContain(url);
    expect(error.message).toContain("Is it running?");
    expect(error.isRetryable).toBe(true);
  });
});

describe("cancellation", () => {
  it("aborting mid-stream yields an aborted error with the partial text and closes the upstream request", async () => {
    server.reply(
      sseReply(fixture("openai-chat-stream-text.sse"), { chunkSize: 400, delayMs: 5, hang: true }),
    );
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const event of provider().chat.stream(
          chatRequestFor(messages, {
            ...options,
            signal: controller.signal,
          }),
        )) {
          if (event.type === "content") seen.push(event.text);
          if (seen.length === 2) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe("aborted");
    expect(error.partial?.content).toBe(seen.join(""));
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
  });

  it("breaking out of the loop aborts the upstream request", async () => {
    server.reply(
      sseReply(fixture("openai-chat-stream-text.sse"), { chunkSize: 400, delayMs: 5, hang: true }),
    );
    for await (const event of provider().chat.stream(chatRequestFor(messages, options))) {
      if (event.type === "content") break;
    }
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
  });

  it("leaves no abort listener behind on a long-lived signal, whether streams complete or are left early", async () => {
    const controller = new AbortController();
    for (let round = 0; round < 10; round++) {
      server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
      await drain(
        provider().chat.stream(chatRequestFor(messages, { ...options, signal: controller.signal })),
      );
      server.reply(
        sseReply(fixture("openai-chat-stream-text.sse"), {
          chunkSize: 400,
          delayMs: 2,
          hang: true,
        }),
      );
      for await (const event of provider().chat.stream(
        chatRequestFor(messages, {
          ...options,
          signal: controller.signal,
        }),
      )) {
        if (event.type === "content") break;
      }
      server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
      await provider().chat.complete(
        chatRequestFor(messages, { ...options, signal: controller.signal }),
      );
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("an already-aborted signal rejects before any request", async () => {
    const error = await failure(
      drain(
        provider().chat.stream(
          chatRequestFor(messages, { ...options, signal: AbortSignal.abort() }),
        ),
      ),
    );
    expect(error.code).toBe("aborted");
    expect(
      (
        await failure(
          provider().chat.complete(
            chatRequestFor(messages, { ...options, signal: AbortSignal.abort() }),
          ),
        )
      ).code,
    ).toBe("aborted");
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ["before its headers", sseReply("", { headersDelayMs: 1_000 })],
    ["after its headers, before any event", sseReply("", { hang: true })],
  ])("aborting a request stalled %s rejects with aborted and closes it", async (_when, reply) => {
    server.reply(reply);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await failure(
      drain(
        provider().chat.stream(chatRequestFor(messages, { ...options, signal: controller.signal })),
      ),
    );
    expect(error.code).toBe("aborted");
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
  });
});

describe("response metadata", () => {
  it("reports the x-request-id header as the request id, else the completion's id, with the model that answered", async () => {
    server.reply(
      jsonReply(200, fixture("openai-chat-completion-text.json"), { "x-request-id": "req_abc123" }),
    );
    const complete = await provider().chat.complete(chatRequestFor(messages, options));
    expect(complete.response).toEqual({ model: "gpt-4o-mini-2024-07-18", requestId: "req_abc123" });
    server.reply(
      sseReply(fixture("openai-chat-stream-text.sse"), {
        headers: { "content-type": "text/event-stream", "x-request-id": "req_def456" },
      }),
    );
    const parts = await drain(provider().chat.stream(chatRequestFor(messages, options)));
    expect(parts.filter((part) => part.type === "response_metadata")).toEqual([
      { type: "response_metadata", model: "gpt-4o-mini-2024-07-18", requestId: "req_def456" },
    ]);
    expect((await collectChatStreamParts(replay(parts))).response).toEqual({
      model: "gpt-4o-mini-2024-07-18",
      requestId: "req_def456",
    });
  });

  it("sends the request's own headers with the call", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    await drain(
      provider().chat.stream(
        chatRequestFor(messages, { ...options, headers: { "X-Trace": "t-1" } }),
      ),
    );
    expect(server.requests[0]?.headers["x-trace"]).toBe("t-1");
  });
});

describe("warnings", () => {
  it("topK and cachePrompt are warnings by default, on the result, on the stream and from warningsFor, and are not sent", async () => {
    const request = chatRequestFor(messages, { ...options, topK: 40, cachePrompt: true });
    const expected = [
      {
        type: "unsupported_setting",
        setting: "topK",
        details: "the OpenAI Chat Completions wire has no top_k, and this server does not take one",
      },
      {
        type: "unsupported_setting",
        setting: "cachePrompt",
        details: "compat is not known to cache prompt prefixes",
      },
    ];
    expect(provider().chat.warningsFor(request)).toEqual(expected);
    expect(server.requests).toHaveLength(0);
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    expect((await provider().chat.complete(request)).warnings).toEqual(expected);
    expect(server.requests[0]?.body).not.toHaveProperty("top_k");
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    const parts = await drain(provider().chat.stream(request));
    expect(parts.filter((part) => part.type === "warning").map((part) => part.warning)).toEqual(
      expected,
    );
    expect(parts.findIndex((part) => part.type === "warning")).toBeLessThan(
      parts.findIndex((part) => part.type === "content"),
    );
  });

  it("sendTopK sends top_k and promptCaching automatic honours cachePrompt: no warning", async () => {
    const request = chatRequestFor(messages, { ...options, topK: 40, cachePrompt: true });
    const lenient = provider({ sendTopK: true, promptCaching: "automatic" });
    expect(lenient.chat.warningsFor(request)).toEqual([]);
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    const result = await lenient.chat.complete(request);
    expect(result.warnings).toBeUndefined();
    expect(server.requests[0]?.body).toMatchObject({ top_k: 40 });
  });

  it("a result without warnings carries none", async () => {
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    expect(
      (await provider().chat.complete(chatRequestFor(messages, options))).warnings,
    ).toBeUndefined();
  });
});

describe("provider options", () => {
  it("are body fields passed through as given; an object merges into the mapped one", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    const parts = await drain(
      provider().chat.stream(
        chatRequestFor(messages, {
          ...options,
          maxTokens: 8,
          providerOptions: {
            repetition_penalty: 1.1,
            chat_template_kwargs: { enable_thinking: false },
            stream_options: { continuous_usage_stats: true },
          },
        }),
      ),
    );
    expect(parts.some((part) => part.type === "warning")).toBe(false);
    expect(server.requests[0]?.body).toMatchObject({
      max_tokens: 8,
      repetition_penalty: 1.1,
      chat_template_kwargs: { enable_thinking: false },
      stream_options: { include_usage: true, continuous_usage_stats: true },
    });
  });

  it("never replace model, messages or stream: those are warnings", async () => {
    const request = chatRequestFor(messages, {
      ...options,
      providerOptions: { model: "other", messages: [], stream: false },
    });
    expect(
      provider()
        .chat.warningsFor(request)
        .map((warning) => warning.type),
    ).toEqual(["unknown_provider_option", "unknown_provider_option", "unknown_provider_option"]);
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    await drain(provider().chat.stream(request));
    expect(server.requests[0]?.body).toMatchObject({ model: "gpt-4o-mini", stream: true });
    expect((server.requests[0]!.body as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it("with knownProviderOptions, only those are sent; any other key is a warning", async () => {
    const strict = provider({ knownProviderOptions: ["user"] });
    const request = chatRequestFor(messages, {
      ...options,
      providerOptions: { user: "u-1", top_a: 0.2 },
    });
    const expected = [
      {
        type: "unknown_provider_option",
        option: "top_a",
        details: "not sent; known options: user",
      },
    ];
    expect(strict.chat.warningsFor(request)).toEqual(expected);
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    expect((await strict.chat.complete(request)).warnings).toEqual(expected);
    expect(server.requests[0]?.body).toMatchObject({ user: "u-1" });
    expect(server.requests[0]?.body).not.toHaveProperty("top_a");
  });
});
