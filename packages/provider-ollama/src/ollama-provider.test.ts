import { collectChatStreamParts, Message, toAssistantMessage } from "@ratatoskr/core";
import { chatRequestFor, jsonReply, sseReply, startOpenAIWireMockServer } from "@ratatoskr/testing";
import { drain, failure, replay, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OLLAMA_DEFAULT_BASE_URL, resolveOllamaBaseURL } from "./ollama-base-url.ts";
import { embedRequest, fixture } from "./ollama-fixtures.test-helpers.ts";
import { createOllama } from "./ollama-provider.ts";

const server = useOpenAIWireMockServer();
afterEach(() => {
  vi.unstubAllEnvs();
});

const ollama = () => createOllama({ baseURL: server.url });
/** The OpenAI-compatible `/v1` transport, opted into. */
const ollamaOpenAI = () => createOllama({ baseURL: server.url, transport: "openai" });

describe("resolveOllamaBaseURL", () => {
  it.each([
    [undefined, OLLAMA_DEFAULT_BASE_URL],
    ["", OLLAMA_DEFAULT_BASE_URL],
    ["0.0.0.0", "http://0.0.0.0:11434"],
    ["127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["gpu-box", "http://gpu-box:11434"],
    ["http://gpu-box", "http://gpu-box:80"],
    ["https://ollama.example.com", "https://ollama.example.com:443"],
    ["http://localhost:11434/", "http://localhost:11434"],
    ["http://localhost:11434/v1", "http://localhost:11434"],
    ["[::1]:11434", "http://[::1]:11434"],
  ])("reads %j as %s", (value, expected) => {
    vi.stubEnv("OLLAMA_HOST", undefined); // undefined falls back to it
    expect(resolveOllamaBaseURL(value)).toBe(expected);
  });

  it("defaults to OLLAMA_HOST", () => {
    vi.stubEnv("OLLAMA_HOST", "10.0.0.5:11434");
    expect(createOllama().baseURL).toBe("http://10.0.0.5:11434");
  });
});

describe("createOllama", () => {
  it("is the keyless `ollama` provider for chat and embeddings: it serves any Ollama model name", () => {
    const plugin = ollama();
    expect(plugin.id).toBe("ollama");
    expect(plugin.specificationVersion).toBe("v1");
    expect(Object.keys(plugin).filter((key) => key === "chat" || key === "embedding")).toEqual([
      "chat",
      "embedding",
    ]);
    // Which ids Ollama is preferred for is the descriptor's routing hints; the
    // provider itself serves every name Ollama could have pulled.
    for (const model of [
      "llama3.2:3b",
      "llama3.2",
      "gpt-oss:20b",
      "jmorgan/my-model:latest",
      "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M",
    ]) {
      expect(plugin.supports?.("chat", model), model).toBe(true);
    }
    expect(plugin.supports?.("embed", "nomic-embed-text")).toBe(true);
    expect(plugin.supports?.("embed", "bge-m3:567m")).toBe(true);
    // It declines, with a reason, what is no Ollama name at all.
    for (const model of ["ft:gpt-4o-mini:org::abc123", "a b", "x:y:z", "/llama3.2", ""]) {
      const support = plugin.supports?.("chat", model);
      expect(support, model).toMatchObject({ supported: false });
      expect((support as { reason: string }).reason, model).toContain("not an Ollama model name");
    }
    expect(plugin.supports?.("nli", "x:y")).toMatchObject({
      supported: false,
      reason: expect.stringContaining("not nli"),
    });
  });

  it('transport "openai" streams chat from /v1/chat/completions without an Authorization header', async () => {
    server.reply(sseReply(fixture("ollama-openai-chat-stream-text.sse")));
    const plugin = ollamaOpenAI();
    expect(plugin.transport).toBe("openai");
    const events = await drain(
      plugin.chat.stream(chatRequestFor([Message.user("Hi")], { model: "llama3.2" })),
    );
    expect(
      events
        .filter((event) => event.type === "content")
        .map((event) => (event as { text: string }).text)
        .join(""),
    ).toBe("That's a fantastic question!");
    expect(events[0]).toMatchObject({ type: "response_metadata", model: "llama3.2" });
    expect(events.at(-1)).toEqual({
      type: "done",
      finishReason: "stop",
      rawFinishReason: "stop",
      usage: { promptTokens: 26, completionTokens: 8, totalTokens: 34 },
    });
    const request = server.requests[0]!;
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Hi",
            "role": "user",
          },
        ],
        "model": "llama3.2",
        "stream": true,
        "stream_options": {
          "include_usage": true,
        },
      }
    `);
  });

  it.each([
    "ollama-openai-chat-stream-tools-index-zero.sse",
    "ollama-openai-chat-stream-tools-index-zero-split.sse",
  ])(
    'transport "openai" keeps parallel calls that all say index 0 apart by id (%s)',
    async (file) => {
      server.reply(sseReply(fixture(file)));
      const events = await drain(
        ollamaOpenAI().chat.stream(
          chatRequestFor([Message.user("Weather in Paris and Oslo?")], {
            model: "qwen3:8b",
            tools: [
              {
                name: "get_weather",
                parameters: { type: "object", properties: { city: { type: "string" } } },
              },
            ],
          }),
        ),
      );
      expect(events.map((event) => event.type)).toEqual([
        "response_metadata",
        "tool_call_start",
        "tool_call_delta",
        "tool_call_start",
        "tool_call_delta",
        "tool_call_end",
        "tool_call_end",
        "usage",
        "done",
      ]);
      const response = await collectChatStreamParts(replay(events));
      expect(response.toolCalls).toEqual([
        { id: "call_k3v9x2ap", name: "get_weather", arguments: '{"city":"Paris"}' },
        { id: "call_q8m1z7wd", name: "get_weather", arguments: '{"city":"Oslo"}' },
      ]);
      expect(response.finishReason).toBe("tool_calls");
    },
  );

  it('transport "openai" streams reasoning and sends it back as `reasoning` on the next turn', async () => {
    server.reply(sseReply(fixture("ollama-openai-chat-stream-reasoning.sse")));
    const plugin = ollamaOpenAI();
    const first = await collectChatStreamParts(
      plugin.chat.stream(
        chatRequestFor([Message.user("Hello")], {
          model: "gpt-oss:20b",
          reasoning: { effort: "low" },
        }),
      ),
    );
    expect(first.reasoning).toBe("User greets. Reply briefly.");
    expect(first.content).toBe("Hi there!");
    expect((server.requests[0]!.body as { reasoning_effort?: string }).reasoning_effort).toBe(
      "low",
    );
    server.reply(sseReply(fixture("ollama-openai-chat-stream-text.sse")));
    await drain(
      plugin.chat.stream(
        chatRequestFor([Message.user("Hello"), toAssistantMessage(first), Message.user("Again")], {
          model: "gpt-oss:20b",
        }),
      ),
    );
    expect((server.requests[1]!.body as { messages: unknown[] }).messages[1]).toEqual({
      role: "assistant",
      content: "Hi there!",
      reasoning: "User greets. Reply briefly.",
    });
  });

  it('transport "openai" maps a missing chat model to model_not_found', async () => {
    server.reply(jsonReply(404, fixture("ollama-openai-error-404-model.json")));
    const error = await failure(
      drain(
        ollamaOpenAI().chat.stream(chatRequestFor([Message.user("Hi")], { model: "llama3.2" })),
      ),
    );
    expect(error.code).toBe("model_not_found");
    expect(error.message).toContain("try pulling it first");
  });

  it("gives a clear connection error naming the URL when Ollama is not running", async () => {
    const stopped = await startOpenAIWireMockServer();
    const url = stopped.url;
    await stopped.close();
    const plugin = createOllama({ baseURL: url });
    const chatError = await failure(
      drain(plugin.chat.stream(chatRequestFor([Message.user("Hi")], { model: "llama3.2" }))),
    );
    const openAIChatError = await failure(
      drain(
        createOllama({ baseURL: url, transport: "openai" }).chat.stream(
          chatRequestFor([Message.user("Hi")], {
            model: "llama3.2",
          }),
        ),
      ),
    );
    const embedError = await failure(plugin.embedding.embed(embedRequest(["hi"], "all-minilm")));
    for (const error of [chatError, openAIChatError, embedError]) {
      expect(error.code).toBe("network");
      expect(error.message).toContain(url);
      expect(error.message).toContain("ollama serve");
    }
  });
});

describe("Ollama embeddings (/api/embed)", () => {
  it("embeds a batch in one request, in input order", async () => {
    server.reply(jsonReply(200, fixture("ollama-embed-batch.json")));
    const plugin = createOllama({
      baseURL: server.url,
      keepAlive: "10m",
      truncate: true,
      embeddingDimensions: 384,
    });
    const result = await plugin.embedding.embed(
      embedRequest(["first text", "second text"], "all-minilm"),
    );
    const embeddings = result.embeddings;
    expect(result.response).toEqual({ model: "all-minilm" });
    expect(result.warnings ?? []).toEqual([]);
    expect(embeddings).toHaveLength(2);
    expect(embeddings.map((embedding) => embedding.dimensions)).toEqual([384, 384]);
    expect(embeddings[0]!.model).toBe("all-minilm");
    const norm = Math.hypot(...embeddings[0]!.values);
    expect(norm).toBeCloseTo(1, 5);
    expect(embeddings[0]!.values).not.toEqual(embeddings[1]!.values);
    const request = server.requests[0]!;
    expect(request.path).toBe("/api/embed");
    expect(request.body).toEqual({
      model: "all-minilm",
      input: ["first text", "second text"],
      truncate: true,
      keep_alive: "10m",
      dimensions: 384,
    });
  });

  it("applies its embedding provider options over the settings, and warns about a key it does not read (unsent)", async () => {
    server.reply(jsonReply(200, fixture("ollama-embed-batch.json")));
    const plugin = createOllama({ baseURL: server.url, truncate: true, keepAlive: "10m" });
    const request = embedRequest(["first text", "second text"], "all-minilm", {
      providerOptions: { truncate: false, keep_alive: -1, dimensions: 384, think: true },
    });
    // warningsFor (strict mode) tells the same before anything is sent.
    const predicted = plugin.embedding.warningsFor?.(request);
    expect(server.requests).toHaveLength(0);
    const result = await plugin.embedding.embed(request);
    expect(predicted).toEqual(result.warnings);
    expect(result.warnings).toEqual([
      {
        type: "unknown_provider_option",
        option: "think",
        details: expect.stringContaining("an embedding call reads"),
      },
    ]);
    expect(server.requests[0]!.body).toEqual({
      model: "all-minilm",
      input: ["first text", "second text"],
      truncate: false,
      keep_alive: -1,
      dimensions: 384,
    });
  });

  it("rejects a provider option of the wrong type with invalid_input naming it, before any request", async () => {
    for (const [providerOptions, option] of [
      [{ truncate: "yes" }, "truncate"],
      [{ dimensions: -3 }, "dimensions"],
      [{ dimensions: 1.5 }, "dimensions"],
      [{ keep_alive: [] }, "keep_alive"],
      [{ options: "fast" }, "options"],
    ] as const) {
      const error = await failure(
        ollama().embedding.embed(embedRequest(["x"], "all-minilm", { providerOptions })),
      );
      expect(error.code, option).toBe("invalid_input");
      expect(error.message).toContain(`providerOptions.ollama.${option}`);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("embeds one text", async () => {
    server.reply(jsonReply(200, fixture("ollama-embed-single.json")));
    const [embedding] = (await ollama().embedding.embed(embedRequest(["first text"], "all-minilm")))
      .embeddings;
    expect(embedding!.dimensions).toBe(384);
    expect(embedding!.values).toHaveLength(384);
  });

  it("maps a missing model to model_not_found and a wrong count to a data error", async () => {
    server.reply(jsonReply(404, fixture("ollama-error-404-model.json")));
    const missing = await failure(
      ollama().embedding.embed(embedRequest(["x"], "nomic-embed-text")),
    );
    expect(missing.code).toBe("model_not_found");
    expect(missing.message).toContain("not found");
    expect(missing.message).toContain("`ollama pull nomic-embed-text`");
    server.reply(jsonReply(200, fixture("ollama-embed-single.json")));
    expect(
      (await failure(ollama().embedding.embed(embedRequest(["a", "b"], "all-minilm")))).code,
    ).toBe("data");
    server.reply(jsonReply(200, "not json"));
    expect((await failure(ollama().embedding.embed(embedRequest(["a"], "all-minilm")))).code).toBe(
      "json",
    );
  });

  it("honours an aborted signal before any request (model and texts arrive validated)", async () => {
    expect(
      (
        await failure(
          ollama().embedding.embed(
            embedRequest(["x"], "all-minilm", { signal: AbortSignal.abort() }),
          ),
        )
      ).code,
    ).toBe("aborted");
    expect(server.requests).toHaveLength(0);
  });

  it("aborts a slow request", async () => {
    server.reply({ ...jsonReply(200, fixture("ollama-embed-single.json")), delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    expect(
      (
        await failure(
          ollama().embedding.embed(
            embedRequest(["x"], "all-minilm", { signal: controller.signal }),
          ),
        )
      ).code,
    ).toBe("aborted");
  });
});

describe.skipIf(!process.env.OLLAMA_HOST)("live Ollama (OLLAMA_HOST)", () => {
  it.each(["native", "openai"] as const)("chats (transport %s) and embeds", async (transport) => {
    const plugin = createOllama({ transport });
    const response = await collectChatStreamParts(
      plugin.chat.stream(
        chatRequestFor([Message.user("Reply with the single word: pong")], {
          model: process.env.OLLAMA_TEST_MODEL ?? "llama3.2",
          maxTokens: 16,
        }),
      ),
    );
    expect(response.content.length).toBeGreaterThan(0);
    expect(response.usage?.completionTokens).toBeGreaterThan(0);
    const { embeddings } = await plugin.embedding.embed(
      embedRequest(["hello"], process.env.OLLAMA_TEST_EMBED_MODEL ?? "all-minilm"),
    );
    expect(embeddings[0]!.dimensions).toBeGreaterThan(0);
  });
});
