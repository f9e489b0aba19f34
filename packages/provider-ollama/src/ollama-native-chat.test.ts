import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import {
  type ChatStreamPartV1,
  collectChatStreamParts,
  Message,
  toAssistantMessage,
} from "@ratatoskr/core";
import {
  chatRequestFor,
  jsonReply,
  modulesResolvedBy,
  trackAbortListeners,
} from "@ratatoskr/testing";
import { drain, failure, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  embedRequest,
  fixture,
  ndjsonReply,
  piecesFetch,
  splitAt,
} from "./ollama-fixtures.test-helpers.ts";
import { createOllama, type OllamaSettings } from "./ollama-provider.ts";

const server = useOpenAIWireMockServer();
afterEach(() => {
  vi.restoreAllMocks();
});

const ollama = (settings: OllamaSettings = {}) =>
  createOllama({ baseURL: server.url, ...settings });
const hi = [Message.user("Hi")];
const weather = [
  {
    name: "get_weather",
    description: "Get the weather in a given city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
];
const texts = (events: ChatStreamPartV1[], type: "content" | "reasoning") =>
  events
    .filter((event) => event.type === type)
    .map((event) => (event as { text: string }).text)
    .join("");

describe("native /api/chat transport (the default)", () => {
  it("streams content from /api/chat with usage from the eval counts", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
    const plugin = ollama();
    expect(plugin.transport).toBe("native");
    const events = await drain(plugin.chat.stream(chatRequestFor(hi, { model: "llama3.2" })));
    expect(texts(events, "content")).toBe("That's a fantastic question!");
    const usage = { promptTokens: 26, completionTokens: 8, totalTokens: 34 };
    expect(events[0]).toEqual({ type: "response_metadata", model: "llama3.2" });
    expect(events.slice(-2)).toEqual([
      { type: "usage", usage },
      { type: "done", finishReason: "stop", rawFinishReason: "stop", usage },
    ]);
    const request = server.requests[0]!;
    expect(request.path).toBe("/api/chat");
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: "llama3.2",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
  });

  it("maps settings, the provider's settings and its own provider options into the request", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
    const plugin = ollama({
      keepAlive: "10m",
      numCtx: 8192,
      modelOptions: { top_k: 20, num_gpu: 1 },
    });
    await drain(
      plugin.chat.stream(
        chatRequestFor([Message.system("Be brief."), Message.user("Hi")], {
          model: "qwen3:8b",
          temperature: 0.2,
          topP: 0.9,
          maxTokens: 64,
          stop: ["\n\n"],
          seed: 42,
          frequencyPenalty: 0.5,
          presencePenalty: 0.25,
          reasoning: { effort: "minimal" },
          responseFormat: {
            type: "json_schema",
            name: "answer",
            schema: { type: "object", properties: { age: { type: "integer" } } },
          },
          providerOptions: {
            keep_alive: -1,
            options: { num_ctx: 16384, top_k: 30 },
            think: "high",
          },
        }),
      ),
    );
    expect(server.requests[0]!.body).toMatchInlineSnapshot(`
      {
        "format": {
          "properties": {
            "age": {
              "type": "integer",
            },
          },
          "type": "object",
        },
        "keep_alive": -1,
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
        "model": "qwen3:8b",
        "options": {
          "frequency_penalty": 0.5,
          "num_ctx": 16384,
          "num_gpu": 1,
          "num_predict": 64,
          "presence_penalty": 0.25,
          "seed": 42,
          "stop": [
            "

      ",
          ],
          "temperature": 0.2,
          "top_k": 30,
          "top_p": 0.9,
        },
        "stream": true,
        "think": "high",
      }
    `);
  });

  it.each([
    [{ effort: "high" as const }, "high"],
    [{ effort: "medium" as const }, "medium"],
    [{ maxTokens: 2000 }, true],
    [{}, true],
  ])("sends reasoning %j as think: %j", async (reasoning, think) => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
    await drain(ollama().chat.stream(chatRequestFor(hi, { model: "qwen3", reasoning })));
    expect((server.requests[0]!.body as { think?: unknown }).think).toEqual(think);
  });

  it("emits a whole tool call as start, one delta and end; ids made up when Ollama sends none", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-tools.ndjson")));
    const events = await drain(
      ollama().chat.stream(
        chatRequestFor([Message.user("what is the weather in tokyo?")], {
          model: "llama3.2",
          tools: weather,
        }),
      ),
    );
    expect(events[0]).toEqual({ type: "response_metadata", model: "llama3.2" });
    expect(events.slice(1, 4)).toEqual([
      { type: "tool_call_start", index: 0, id: "call_0", name: "get_weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":"Tokyo"}' },
      {
        type: "tool_call_end",
        index: 0,
        id: "call_0",
        name: "get_weather",
        arguments: '{"city":"Tokyo"}',
        parsedArguments: { city: "Tokyo" },
      },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "done",
      finishReason: "tool_calls",
      rawFinishReason: "stop",
    });
    expect((server.requests[0]!.body as { tools: unknown }).tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Get the weather in a given city",
          parameters: weather[0]!.parameters,
        },
      },
    ]);
  });

  it("keeps Ollama's own ids for parallel calls and sends the turn back as history", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-tools-parallel.ndjson")));
    const plugin = ollama();
    const question = Message.user("Weather in Paris and Oslo?");
    const first = await collectChatStreamParts(
      plugin.chat.stream(chatRequestFor([question], { model: "qwen3:8b", tools: weather })),
    );
    expect(first.toolCalls).toEqual([
      { id: "call_k3v9x2ap", name: "get_weather", arguments: '{"city":"Paris"}' },
      { id: "call_q8m1z7wd", name: "get_weather", arguments: '{"city":"Oslo","unit":"celsius"}' },
    ]);
    expect(first.finishReason).toBe("tool_calls");
    expect(first.usage).toEqual({ promptTokens: 182, completionTokens: 41, totalTokens: 223 });

    server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
    await drain(
      plugin.chat.stream(
        chatRequestFor(
          [
            question,
            toAssistantMessage(first),
            Message.toolResult("call_k3v9x2ap", "18°C"),
            Message.toolResult("call_q8m1z7wd", "4°C", "get_weather"),
          ],
          { model: "qwen3:8b", tools: weather },
        ),
      ),
    );
    expect((server.requests[1]!.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [
          { id: "call_k3v9x2ap", function: { name: "get_weather", arguments: { city: "Paris" } } },
          {
            id: "call_q8m1z7wd",
            function: { name: "get_weather", arguments: { city: "Oslo", unit: "celsius" } },
          },
        ],
      },
      { role: "tool", content: "18°C", tool_call_id: "call_k3v9x2ap", tool_name: "get_weather" },
      { role: "tool", content: "4°C", tool_call_id: "call_q8m1z7wd", tool_name: "get_weather" },
    ]);
  });

  it("streams thinking as reasoning and sends it back as `thinking`", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-thinking.ndjson")));
    const plugin = ollama();
    const first = await collectChatStreamParts(
      plugin.chat.stream(
        chatRequestFor([Message.user("What is 17 × 23?")], {
          model: "qwen3",
          reasoning: { effort: "high" },
        }),
      ),
    );
    expect(first.reasoning).toBe("17 × 23 = 17 × 20 + 17 × 3 = 340 + 51 = 391.");
    expect(first.content).toBe("17 × 23 = **391**");
    server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
    await drain(
      plugin.chat.stream(
        chatRequestFor([Message.user("What is 17 × 23?"), toAssistantMessage(first)], {
          model: "qwen3",
        }),
      ),
    );
    expect((server.requests[1]!.body as { messages: unknown[] }).messages[1]).toEqual({
      role: "assistant",
      content: "17 × 23 = **391**",
      thinking: "17 × 23 = 17 × 20 + 17 × 3 = 340 + 51 = 391.",
    });
  });

  it("drops the thinking text when reasoning.exclude is set (the model still thinks)", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-thinking.ndjson")));
    const events = await drain(
      ollama().chat.stream(chatRequestFor(hi, { model: "qwen3", reasoning: { exclude: true } })),
    );
    expect(events.some((event) => event.type === "reasoning")).toBe(false);
    expect(texts(events, "content")).toBe("17 × 23 = **391**");
    expect((server.requests[0]!.body as { think?: unknown }).think).toBe(true);
  });

  it("maps done_reason length to length; chat() collects the same stream", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-length.ndjson")));
    const response = await ollama().chat.complete(
      chatRequestFor(hi, { model: "llama3.2", maxTokens: 4 }),
    );
    expect(response).toMatchObject({
      content: "Once upon a time",
      finishReason: "length",
      rawFinishReason: "length",
      usage: { promptTokens: 31, completionTokens: 4, totalTokens: 35 },
    });
    expect((server.requests[0]!.body as { stream: boolean }).stream).toBe(true);
  });

  it("reports usage as unknown, not zero, when the final object has no counts", async () => {
    server.reply(
      ndjsonReply(
        '{"model":"llama3.2","message":{"role":"assistant","content":"Hi"},"done":false}\n{"model":"llama3.2","message":{"role":"assistant","content":""},"done":true}\n',
      ),
    );
    const events = await drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" })));
    expect(events.map((event) => event.type)).toEqual(["response_metadata", "content", "done"]);
    expect(events.at(-1)).toEqual({ type: "done", finishReason: "stop" });
  });
});

describe("native NDJSON framing", () => {
  const cases = [
    ["ollama-chat-stream-text.ndjson", {}],
    ["ollama-chat-stream-tools.ndjson", { tools: weather }],
    ["ollama-chat-stream-tools-parallel.ndjson", { tools: weather }],
    ["ollama-chat-stream-thinking.ndjson", { reasoning: { effort: "high" as const } }],
    ["ollama-chat-stream-length.ndjson", {}],
  ] as const;

  it.each(cases)("gives the same events however %s is split", async (file, options) => {
    const text = fixture(file);
    const run = (pieces: Uint8Array[]) =>
      drain(
        createOllama({ baseURL: "http://127.0.0.1:9", fetch: piecesFetch(pieces) }).chat.stream(
          chatRequestFor(hi, {
            model: "llama3.2",
            ...options,
          }),
        ),
      );
    const whole = await run([new TextEncoder().encode(text)]);
    expect(whole.at(-1)?.type).toBe("done");
    const size = new TextEncoder().encode(text).length;
    for (let position = 1; position < size; position++) {
      expect(await run(splitAt(text, position)), `split at byte ${position}`).toEqual(whole);
    }
    const bytes = new TextEncoder().encode(text);
    const single = Array.from(bytes, (_, index) => bytes.subarray(index, index + 1));
    expect(await run(single), "one byte at a time").toEqual(whole);
  });

  it("reads CRLF line ends, blank lines and a last line without a newline", async () => {
    const lines = fixture("ollama-chat-stream-text.ndjson").trimEnd().split("\n");
    const body = `${lines.join("\r\n\r\n")}`;
    server.reply(ndjsonReply(body, { chunkSize: 5 }));
    const events = await drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" })));
    expect(texts(events, "content")).toBe("That's a fantastic question!");
    expect(events.at(-1)?.type).toBe("done");
  });

  it("fails a line that is not JSON with a stream error that keeps what came before, without console noise", async () => {
    const warn = vi.spyOn(console, "warn");
    const log = vi.spyOn(console, "log");
    const lines = fixture("ollama-chat-stream-text.ndjson").split("\n");
    lines.splice(2, 0, '{"model":"llama3.2","message":{"role":');
    server.reply(ndjsonReply(lines.join("\n")));
    const error = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error.code).toBe("stream");
    expect(error.message).toContain("not JSON");
    expect(error.partial?.content).toBe("That'");
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it("turns an error object after content into a typed error with the partial text", async () => {
    server.reply(ndjsonReply(fixture("ollama-chat-stream-midstream-error.ndjson")));
    const seen: ChatStreamPartV1[] = [];
    const error = await failure(
      (async () => {
        for await (const event of ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" })))
          seen.push(event);
      })(),
    );
    expect(texts(seen, "content")).toBe(" Yes.");
    expect(error.code).toBe("stream");
    expect(error.message).toContain("an error was encountered while running the model");
    expect(error.partial?.content).toBe(" Yes.");
  });

  it("fails a stream cut short before its done object, keeping the partial text", async () => {
    const lines = fixture("ollama-chat-stream-text.ndjson").split("\n").slice(0, 3);
    server.reply(ndjsonReply(`${lines.join("\n")}\n`));
    const error = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error.code).toBe("stream");
    expect(error.isRetryable).toBe(true);
    expect(error.partial?.content).toBe("That's");
  });

  it("reports a connection reset mid-stream as a retryable network error keeping the partial text", async () => {
    const lines = fixture("ollama-chat-stream-text.ndjson").split("\n").slice(0, 4);
    server.reply(ndjsonReply(`${lines.join("\n")}\n`, { destroy: true }));
    const error = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error).toMatchObject({ code: "network", isRetryable: true });
    expect(error.partial?.content).toBe("That's a");
  });

  it("fails a stream that ends in the middle of a line", async () => {
    const text = fixture("ollama-chat-stream-text.ndjson");
    server.reply(ndjsonReply(text.slice(0, text.indexOf('"content":" a"'))));
    const error = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error.code).toBe("stream");
    expect(error.message).toContain("middle of a line");
    expect(error.partial?.content).toBe("That's");
  });

  it("fails an endless line with a stream error instead of buffering it without bound", async () => {
    const lines = fixture("ollama-chat-stream-text.ndjson").split("\n").slice(0, 3);
    // 17 Mi characters without a line end (the bound is 16 Mi), then the server stalls.
    const endless = `{"message":{"role":"assistant","content":"${"x".repeat(17 * 1024 * 1024)}`;
    server.reply(ndjsonReply(`${lines.join("\n")}\n${endless}`, { hang: true }));
    const error = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error.code).toBe("stream");
    expect(error.message).toContain("longer than 16777216 characters");
    expect(error.partial?.content).toBe("That's");
    await expect.poll(() => server.requests[0]?.clientClosedEarly).toBe(true);
  });

  it("bounds the server's text of a mid-stream error line in the message", async () => {
    const lines = fixture("ollama-chat-stream-text.ndjson").split("\n").slice(0, 3);
    const huge = "model runner failed ".repeat(60_000); // 1.2 MB
    server.reply(ndjsonReply(`${lines.join("\n")}\n${JSON.stringify({ error: huge })}\n`));
    const error = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error.message).toContain("reported an error mid-stream: model runner failed");
    expect(error.message.length).toBeLessThan(600);
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY }).length).toBeLessThan(100_000);
    expect(error.partial?.content).toBe("That's");
  });

  it("ends at the final object: what a server sends after it is not read", async () => {
    const text = fixture("ollama-chat-stream-length.ndjson");
    server.reply(ndjsonReply(`${text}${text.split("\n")[0]}\n`));
    const events = await drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" })));
    expect(texts(events, "content")).toBe("Once upon a time");
    expect(events.filter((event) => event.type === "done")).toHaveLength(1);
  });
});

describe("native transport errors", () => {
  it("maps a missing model to model_not_found naming the pull command", async () => {
    server.reply(jsonReply(404, fixture("ollama-error-404-chat-model.json")));
    const error = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error.code).toBe("model_not_found");
    expect(error.status).toBe(404);
    expect(error.message).toContain("try pulling it first");
    expect(error.message).toContain("`ollama pull llama3.2`");
  });

  it("keeps retry-after on a 429, and reads a model without thinking as unsupported", async () => {
    server.reply(jsonReply(429, { error: "too many requests" }, { "retry-after": "2" }));
    const limited = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(limited).toMatchObject({ code: "rate_limited", retryAfterMs: 2000, isRetryable: true });
    server.reply(jsonReply(400, { error: '"llama3.2" does not support thinking' }));
    const unsupported = await failure(
      drain(
        ollama().chat.stream(
          chatRequestFor(hi, { model: "llama3.2", reasoning: { effort: "low" } }),
        ),
      ),
    );
    expect(unsupported).toMatchObject({ code: "unsupported", status: 400, isRetryable: false });
  });

  it("reads a non-JSON error body (a proxy's page) without console noise", async () => {
    const log = vi.spyOn(console, "log");
    server.reply({
      status: 502,
      headers: { "content-type": "text/html" },
      body: "<html>Bad Gateway</html>",
    });
    const error = await failure(
      drain(ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error).toMatchObject({ code: "provider", status: 502, isRetryable: true });
    expect(error.message).toContain("Bad Gateway");
    expect(log).not.toHaveBeenCalled();
  });

  it("never shows the proxy key: not in the error, its JSON, stack or inspect output", async () => {
    const key = "canary-ollama-proxy-0042";
    server.reply(jsonReply(401, { error: `invalid key ${key}` }));
    const error = await failure(
      drain(ollama({ apiKey: key }).chat.stream(chatRequestFor(hi, { model: "llama3.2" }))),
    );
    expect(error.code).toBe("authentication");
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${key}`);
    const shown = [
      error.message,
      error.body ?? "",
      JSON.stringify(error.toJSON()),
      String(error.stack),
      inspect(error, { depth: Number.POSITIVE_INFINITY }),
    ].join("\n");
    expect(shown).not.toContain(key);
  });

  it("rejects bad input with invalid_input before any request", async () => {
    // Tool schemas and the other settings arrive validated (core's assertions,
    // run by the gateway); what is left is what only the provider can see.
    const plugin = ollama();
    const cases = [
      plugin.chat.stream(
        chatRequestFor(
          [Message.assistantWithToolCalls("", [{ id: "a", name: "f", arguments: "{oops" }])],
          { model: "llama3.2" },
        ),
      ),
      plugin.chat.stream(
        chatRequestFor(
          [Message.assistantWithToolCalls("", [{ id: "a", name: "f", arguments: "[1]" }])],
          { model: "llama3.2" },
        ),
      ),
      ...[
        { options: 3 },
        { keep_alive: { minutes: 5 } },
        { keep_alive: Number.NaN },
        { think: "extreme" },
      ].map((providerOptions) =>
        plugin.chat.stream(
          chatRequestFor(hi, {
            model: "llama3.2",
            providerOptions: providerOptions as unknown as Record<string, Record<string, unknown>>,
          }),
        ),
      ),
    ];
    for (const [index, stream] of cases.entries()) {
      const error = await failure(drain(stream));
      expect(error.code, `case ${index}: ${error.message}`).toBe("invalid_input");
      if (index >= 2)
        expect(error.message).toMatch(/providerOptions\.ollama\.(?:options|keep_alive|think)/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("refuses bad settings: configuration errors, and invalid_input for a bad base URL", () => {
    for (const settings of [
      { transport: "grpc" },
      { numCtx: 0 },
      { numCtx: 1.5 },
      { embeddingDimensions: -3 },
      { keepAlive: Number.NaN },
      { modelOptions: [] },
    ]) {
      let caught: unknown;
      try {
        createOllama(settings as OllamaSettings);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(settings)).toMatchObject({ code: "configuration" });
    }
    for (const baseURL of [
      "ftp://gpu-box:11434",
      "http://user:hunter2-secret@gpu-box:11434",
      "http://[bad",
    ]) {
      let caught: unknown;
      try {
        createOllama({ baseURL });
      } catch (error) {
        caught = error;
      }
      expect(caught, baseURL).toMatchObject({ code: "invalid_input" });
      expect(String((caught as Error).message)).not.toContain("hunter2-secret");
    }
  });

  it("warns about what Ollama cannot force, and offers only a named tool", async () => {
    const plugin = ollama();
    server.reply(ndjsonReply(fixture("ollama-chat-stream-tools.ndjson")));
    const request = chatRequestFor(hi, {
      model: "llama3.2",
      tools: [...weather, { name: "get_time", parameters: { type: "object" } }],
      toolChoice: { name: "get_weather" },
      parallelToolCalls: false,
    });
    const parts = await drain(plugin.chat.stream(request));
    const warnings = parts.flatMap((part) => (part.type === "warning" ? [part.warning] : []));
    expect(
      warnings.map((warning) => ("setting" in warning ? warning.setting : warning.type)),
    ).toEqual(["parallelToolCalls", "toolChoice"]);
    expect(plugin.chat.warningsFor(request)).toEqual(warnings);
    const tools = (server.requests[0]!.body as { tools: Array<{ function: { name: string } }> })
      .tools;
    expect(tools.map((tool) => tool.function.name)).toEqual(["get_weather"]);
    server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
    await drain(
      plugin.chat.stream(
        chatRequestFor(hi, { model: "llama3.2", tools: weather, toolChoice: "none" }),
      ),
    );
    expect(server.requests[1]!.body).not.toHaveProperty("tools");
  });
});

describe("native transport cancellation", () => {
  const slow = () =>
    ndjsonReply(fixture("ollama-chat-stream-text.ndjson"), {
      chunkSize: 130,
      delayMs: 5,
      hang: true,
    });

  it("aborting mid-stream ends with aborted and closes the upstream socket", async () => {
    server.reply(slow());
    const controller = new AbortController();
    const seen: ChatStreamPartV1[] = [];
    const error = await failure(
      (async () => {
        for await (const event of ollama().chat.stream(
          chatRequestFor(hi, {
            model: "llama3.2",
            signal: controller.signal,
          }),
        )) {
          seen.push(event);
          controller.abort();
        }
      })(),
    );
    expect(error.code).toBe("aborted");
    expect(seen).toHaveLength(1);
    expect(error.partial?.content).toBe("That");
    await expect.poll(() => server.requests[0]!.clientClosedEarly).toBe(true);
  });

  it("leaving the loop early closes the upstream socket", async () => {
    server.reply(slow());
    for await (const event of ollama().chat.stream(chatRequestFor(hi, { model: "llama3.2" }))) {
      if (event.type === "response_metadata") continue;
      expect(event.type).toBe("content");
      break;
    }
    await expect.poll(() => server.requests[0]!.clientClosedEarly).toBe(true);
  });

  it("leaves no listener on a long-lived signal, however the streams end", async () => {
    const controller = new AbortController();
    const listeners = trackAbortListeners(controller.signal);
    const plugin = ollama();
    for (let round = 0; round < 10; round++) {
      server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson")));
      await drain(
        plugin.chat.stream(chatRequestFor(hi, { model: "llama3.2", signal: controller.signal })),
      );
      server.reply(slow());
      for await (const _ of plugin.chat.stream(
        chatRequestFor(hi, {
          model: "llama3.2",
          signal: controller.signal,
        }),
      )) {
        break;
      }
      server.reply(jsonReply(404, fixture("ollama-error-404-chat-model.json")));
      await failure(
        drain(
          plugin.chat.stream(chatRequestFor(hi, { model: "llama3.2", signal: controller.signal })),
        ),
      );
      server.reply(jsonReply(200, fixture("ollama-embed-single.json")));
      await plugin.embedding.embed(
        embedRequest(["x"], "all-minilm", { signal: controller.signal }),
      );
    }
    expect(listeners.count).toBe(0);
  });

  it("honours an already aborted signal without a request", async () => {
    const error = await failure(
      drain(
        ollama().chat.stream(
          chatRequestFor(hi, { model: "llama3.2", signal: AbortSignal.abort() }),
        ),
      ),
    );
    expect(error.code).toBe("aborted");
    expect(server.requests).toHaveLength(0);
  });
});

describe("loading", () => {
  it("importing the package loads neither the ollama client nor the openai SDK", async () => {
    const packageRoot = fileURLToPath(new URL("..", import.meta.url));
    const modules = await modulesResolvedBy("@ratatoskr/provider-ollama", packageRoot);
    expect(modules.some((url) => url.includes("/provider-ollama/src/index.ts"))).toBe(true);
    expect(
      modules.filter((url) => /node_modules\/(?:\.pnpm\/)?(?:ollama|openai)[@/]/.test(url)),
    ).toEqual([]);
  });
});
