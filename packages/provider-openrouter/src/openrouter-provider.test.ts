import {
  type ChatStreamPartV1,
  collectChatStreamParts,
  Message,
  toAssistantMessage,
} from "@ratatoskr/core";
import { chatRequestFor, jsonReply, sseReply } from "@ratatoskr/testing";
import { drain, failure, replay, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openrouterDescriptor } from "./openrouter-descriptor.ts";
import { fixture, TEST_API_KEY as KEY } from "./openrouter-fixtures.test-helpers.ts";
import {
  createOpenRouter,
  OPENROUTER_BASE_URL,
  supportsOpenRouter,
} from "./openrouter-provider.ts";

const server = useOpenAIWireMockServer();
/** The generation id of the recorded reasoning stream (OpenRouter sends no x-request-id). */
const GENERATION_ID = "gen-1761234567-Qx7vT2mNpL9sKd4Wr8Ya";
afterEach(() => {
  vi.unstubAllEnvs();
});

const openrouter = (settings: Parameters<typeof createOpenRouter>[0] = {}) =>
  createOpenRouter({ apiKey: KEY, baseURL: `${server.url}/api/v1`, ...settings });

describe("createOpenRouter", () => {
  it("is the `openrouter` provider for vendor/model chat names, on OpenRouter's URL", () => {
    const plugin = createOpenRouter({ apiKey: KEY });
    expect(plugin.id).toBe("openrouter");
    expect(plugin.baseURL).toBe(OPENROUTER_BASE_URL);
    expect(plugin.supports?.("chat", "anthropic/claude-sonnet-4")).toBe(true);
    expect(plugin.supports?.("chat", "openrouter/auto")).toBe(true);
    expect(plugin.supports?.("chat", "gpt-4o")).toMatchObject({ supported: false });
    expect(plugin.supports?.("embed", "openai/text-embedding-3-small")).toMatchObject({
      supported: false,
    });
  });

  it("reads OPENROUTER_API_KEY and names it when missing", () => {
    vi.stubEnv("OPENROUTER_API_KEY", undefined);
    expect(() => createOpenRouter()).toThrowError(/OPENROUTER_API_KEY/);
    vi.stubEnv("OPENROUTER_API_KEY", "test-key-env-1234567");
    expect(createOpenRouter().id).toBe("openrouter");
  });

  it("sends app attribution headers, the reasoning object and provider preferences", async () => {
    server.reply(sseReply(fixture("openrouter-chat-stream-reasoning.sse")));
    const plugin = openrouter({
      appName: "Ratatoskr tests",
      appUrl: "https://example.com/ratatoskr",
      providerPreferences: {
        order: ["deepinfra", "together"],
        allow_fallbacks: false,
        data_collection: "deny",
      },
    });
    await drain(
      plugin.chat.stream(
        chatRequestFor([Message.user("What is 15 × 23?")], {
          model: "z-ai/glm-4.5",
          maxTokens: 2000,
          reasoning: { effort: "high", exclude: false },
        }),
      ),
    );
    const request = server.requests[0]!;
    expect(request.path).toBe("/api/v1/chat/completions");
    expect(request.headers["http-referer"]).toBe("https://example.com/ratatoskr");
    expect(request.headers["x-title"]).toBe("Ratatoskr tests");
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 2000,
        "messages": [
          {
            "content": "What is 15 × 23?",
            "role": "user",
          },
        ],
        "model": "z-ai/glm-4.5",
        "provider": {
          "allow_fallbacks": false,
          "data_collection": "deny",
          "order": [
            "deepinfra",
            "together",
          ],
        },
        "reasoning": {
          "effort": "high",
          "exclude": false,
        },
        "stream": true,
        "stream_options": {
          "include_usage": true,
        },
      }
    `);
  });

  it("merges a call's providerOptions.openrouter.provider over the preferences, and its reasoning over settings.reasoning", async () => {
    server.reply(sseReply(fixture("openrouter-chat-stream-reasoning.sse")));
    await drain(
      openrouter({ providerPreferences: { order: ["a"], data_collection: "deny" } }).chat.stream(
        chatRequestFor([Message.user("x")], {
          model: "z-ai/glm-4.5",
          reasoning: { maxTokens: 1024 },
          providerOptions: {
            provider: { order: ["b"], sort: "throughput" },
            reasoning: { enabled: true },
          },
        }),
      ),
    );
    expect(server.requests[0]?.body).toMatchObject({
      provider: { order: ["b"], data_collection: "deny", sort: "throughput" },
      reasoning: { max_tokens: 1024, enabled: true },
    });
  });
});

describe("OpenRouter provider options, settings and warnings", () => {
  const plain = () => jsonReply(200, fixture("openrouter-chat-completion-reasoning.json"));

  it("sends its own request fields as given; any other key (another provider's id included) is a warning, not sent", async () => {
    const request = chatRequestFor([Message.user("x")], {
      model: "openai/gpt-4o",
      providerOptions: {
        transforms: ["middle-out"],
        models: ["anthropic/claude-sonnet-4"],
        route: "fallback",
        usage: { include: true },
        plugins: [{ id: "web" }],
        anthropic: { metadata: { user_id: "a" } },
        service_tier: "flex",
      },
    });
    const warned = (warnings: readonly { type: string; option?: string }[] | undefined) =>
      (warnings ?? []).map((warning) => `${warning.type}:${warning.option}`);
    expect(warned(openrouter().chat.warningsFor(request))).toEqual([
      "unknown_provider_option:anthropic",
      "unknown_provider_option:service_tier",
    ]);
    server.reply(plain());
    const result = await openrouter().chat.complete(request);
    expect(warned(result.warnings)).toEqual([
      "unknown_provider_option:anthropic",
      "unknown_provider_option:service_tier",
    ]);
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      transforms: ["middle-out"],
      models: ["anthropic/claude-sonnet-4"],
      route: "fallback",
      usage: { include: true },
      plugins: [{ id: "web" }],
    });
    expect(body).not.toHaveProperty("anthropic");
    expect(body).not.toHaveProperty("service_tier");
  });

  it.each([
    [{ provider: "anthropic" }, "provider"],
    [{ transforms: "middle-out" }, "transforms"],
    [{ models: ["a/b", 3] }, "models"],
    [{ route: 1 }, "route"],
    [{ reasoning: "high" }, "reasoning"],
    [{ usage: true }, "usage"],
    [{ plugins: { id: "web" } }, "plugins"],
    [{ user: 7 }, "user"],
    [{ repetition_penalty: "1.1" }, "repetition_penalty"],
    [{ min_p: Number.NaN }, "min_p"],
    [{ logit_bias: [1, 2] }, "logit_bias"],
  ] as const)(
    "rejects %j with invalid_input naming the option, before any request",
    async (providerOptions, option) => {
      const request = chatRequestFor([Message.user("x")], {
        model: "openai/gpt-4o",
        providerOptions: providerOptions as unknown as Record<string, Record<string, unknown>>,
      });
      for (const call of [
        async () => openrouter().chat.warningsFor(request),
        () => openrouter().chat.complete(request),
        () => drain(openrouter().chat.stream(request)),
      ]) {
        const error = await failure(call());
        expect(error.code).toBe("invalid_input");
        expect(error.message).toContain(`providerOptions.openrouter.${option}`);
      }
      expect(server.requests).toHaveLength(0);
    },
  );

  it("sends topK as top_k without a warning", async () => {
    const request = chatRequestFor([Message.user("x")], { model: "openai/gpt-4o", topK: 40 });
    expect(openrouter().chat.warningsFor(request)).toEqual([]);
    server.reply(plain());
    await openrouter().chat.complete(request);
    expect(server.requests[0]?.body).toMatchObject({ top_k: 40 });
  });

  it("cachePrompt marks the last system message with a cache_control breakpoint", async () => {
    server.reply(plain());
    const result = await openrouter().chat.complete(
      chatRequestFor(
        [Message.system("Rules."), Message.system("Long reference text."), Message.user("x")],
        { model: "anthropic/claude-sonnet-4", cachePrompt: true },
      ),
    );
    expect(result.warnings).toBeUndefined();
    expect((server.requests[0]!.body as { messages: unknown[] }).messages).toEqual([
      { role: "system", content: "Rules." },
      {
        role: "system",
        content: [
          { type: "text", text: "Long reference text.", cache_control: { type: "ephemeral" } },
        ],
      },
      { role: "user", content: "x" },
    ]);
  });

  it("cachePrompt with tools but no system message is a warning; without either there is nothing to mark", async () => {
    const tools = [{ name: "f", parameters: { type: "object", properties: {} } }];
    const withTools = chatRequestFor([Message.user("x")], {
      model: "anthropic/claude-sonnet-4",
      cachePrompt: true,
      tools,
    });
    expect(openrouter().chat.warningsFor(withTools)).toEqual([
      expect.objectContaining({ type: "unsupported_setting", setting: "cachePrompt" }),
    ]);
    const bare = chatRequestFor([Message.user("x")], {
      model: "anthropic/claude-sonnet-4",
      cachePrompt: true,
    });
    expect(openrouter().chat.warningsFor(bare)).toEqual([]);
    server.reply(plain());
    await openrouter().chat.complete(bare);
    expect((server.requests[0]!.body as { messages: unknown[] }).messages).toEqual([
      { role: "user", content: "x" },
    ]);
  });
});

describe("openrouterDescriptor", () => {
  it("describes the openrouter provider and creates it", async () => {
    expect(openrouterDescriptor).toMatchObject({
      id: "openrouter",
      packageName: "@ratatoskr/provider-openrouter",
      capabilities: ["chat"],
      environment: { apiKey: "OPENROUTER_API_KEY" },
    });
    expect(openrouterDescriptor.isConfigured?.({})).toBe(false);
    expect(openrouterDescriptor.isConfigured?.({ OPENROUTER_API_KEY: "k" })).toBe(true);
    expect((await openrouterDescriptor.create({ apiKey: KEY })).id).toBe("openrouter");
  });

  it.each([
    ["anthropic/claude-sonnet-4", true],
    ["meta-llama/llama-3.1-8b-instruct:free", true],
    ["openrouter/auto", true],
    ["gpt-4o", false],
    ["ft:gpt-4o-mini:org::abc", false],
    ["llama3.2:3b", false],
    ["hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", false],
  ])("its vendor/model hint (priority 30, chat only) matches %s: %s", (model, matches) => {
    const [hint] = openrouterDescriptor.routing ?? [];
    expect(hint).toMatchObject({ priority: 30, capabilities: ["chat"] });
    expect(hint!.pattern.test(model)).toBe(matches);
    expect(supportsOpenRouter("chat", model) === true).toBe(matches);
  });
});

describe("OpenRouter streams", () => {
  it("ignores keep-alive comments and maps reasoning, content, the late usage chunk and done", async () => {
    server.reply(sseReply(fixture("openrouter-chat-stream-reasoning.sse")));
    const events = await drain(
      openrouter().chat.stream(
        chatRequestFor([Message.user("What is 15 × 23?")], { model: "z-ai/glm-4.5" }),
      ),
    );
    expect(events.map((event) => event.type)).toEqual([
      "response_metadata",
      "reasoning",
      "reasoning",
      "reasoning",
      "reasoning",
      "reasoning",
      "content",
      "content",
      "usage",
      "reasoning_detail",
      "done",
    ]);
    const response = await collectChatStreamParts(replay(events));
    expect(response.reasoning).toBe(
      "The user asks for 15 × 23.\n15 × 20 = 300 and 15 × 3 = 45, so 300 + 45 = 345.",
    );
    expect(response.content).toBe("15 × 23 = **345**");
    expect(response.usage).toEqual({
      promptTokens: 14,
      completionTokens: 41,
      totalTokens: 55,
      reasoningTokens: 29,
      cacheReadTokens: 0,
      // OpenRouter's usage accounting: the cost it billed, kept as the provider's.
      cost: { usd: 7.39e-5, source: "provider" },
    });
    expect(response.reasoningDetails).toEqual([
      {
        type: "opaque",
        provider: "openrouter",
        value: { type: "reasoning.text", text: response.reasoning, format: "unknown", index: 0 },
      },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "stop" });
    expect(response.response).toEqual({ model: "z-ai/glm-4.5", requestId: GENERATION_ID });
  });

  it("ends a streamed tool call with its id, name, complete arguments and parsed arguments", async () => {
    server.reply(sseReply(fixture("openrouter-chat-stream-reasoning-tool.sse")));
    const events = await drain(
      openrouter().chat.stream(
        chatRequestFor([Message.user("Weather in Paris?")], {
          model: "anthropic/claude-sonnet-4",
          tools: [{ name: "get_weather", parameters: { type: "object", properties: {} } }],
        }),
      ),
    );
    expect(events.filter((event) => event.type === "tool_call_end")).toEqual([
      {
        type: "tool_call_end",
        index: 0,
        id: "toolu_01A09q90qw90lq917835lq9",
        name: "get_weather",
        arguments: '{"location": "Paris, France"}',
        parsedArguments: { location: "Paris, France" },
      },
    ]);
  });

  it("keeps the signed reasoning of a tool-calling turn and sends it back verbatim on the next turn", async () => {
    server.reply(sseReply(fixture("openrouter-chat-stream-reasoning-tool.sse")));
    const plugin = openrouter();
    const tools = [
      {
        name: "get_weather",
        parameters: { type: "object", properties: { location: { type: "string" } } },
      },
    ];
    const question = Message.user("Weather in Paris?");
    const first = await collectChatStreamParts(
      plugin.chat.stream(chatRequestFor([question], { model: "anthropic/claude-sonnet-4", tools })),
    );
    expect(first.finishReason).toBe("tool_calls");
    expect(first.toolCalls).toEqual([
      {
        id: "toolu_01A09q90qw90lq917835lq9",
        name: "get_weather",
        arguments: '{"location": "Paris, France"}',
      },
    ]);
    expect(first.reasoningDetails).toEqual([
      {
        type: "opaque",
        provider: "openrouter",
        value: {
          type: "reasoning.text",
          text: "I should check the weather in Paris first.",
          format: "anthropic-claude-v1",
          index: 0,
          signature:
            "ErUBCkYIBRgCIkDk9sRdXqm0Zp3Yw1cT8vLjN6hQ2aF4uB7eG0iK5oM9sP1rV3xZ6yC8wE2tH4nJ7gL0bD5fA9",
        },
      },
    ]);
    server.reply(sseReply(fixture("openrouter-chat-stream-reasoning.sse")));
    await drain(
      plugin.chat.stream(
        chatRequestFor(
          [
            question,
            toAssistantMessage(first),
            Message.toolResult("toolu_01A09q90qw90lq917835lq9", '{"celsius":18}'),
          ],
          { model: "anthropic/claude-sonnet-4", tools },
        ),
      ),
    );
    expect((server.requests[1]!.body as { messages: unknown[] }).messages).toMatchSnapshot();
  });

  it.each([
    [
      "openrouter-chat-stream-midstream-error.sse",
      "rate_limited",
      true,
      "Once upon a time, in a land",
    ],
    ["openrouter-chat-stream-midstream-error-string-code.sse", "provider", true, "Hello there"],
  ] as const)(
    "maps the finish_reason error chunk of %s to %s, keeping the partial text",
    async (file, code, retryable, partial) => {
      server.reply(sseReply(fixture(file)));
      const seen: ChatStreamPartV1[] = [];
      const error = await failure(
        (async () => {
          for await (const event of openrouter().chat.stream(
            chatRequestFor([Message.user("x")], {
              model: "openai/gpt-4o",
            }),
          ))
            seen.push(event);
        })(),
      );
      expect(error.code).toBe(code);
      expect(error.isRetryable).toBe(retryable);
      expect(error.partial?.content).toBe(partial);
      expect(seen.some((event) => event.type === "done")).toBe(false);
    },
  );

  it.each([
    [401, "openrouter-error-401.json", {}, "authentication"],
    [400, "openrouter-error-400-invalid-model.json", {}, "model_not_found"],
    [429, "openrouter-error-429.json", { "retry-after": "3" }, "rate_limited"],
    [502, "openrouter-error-502.json", {}, "provider"],
  ] as const)("maps HTTP %i to %s without leaking the key", async (status, file, headers, code) => {
    server.reply(jsonReply(status, fixture(file), headers));
    const error = await failure(
      drain(
        openrouter().chat.stream(
          chatRequestFor([Message.user("x")], { model: "anthropic/claude-nope" }),
        ),
      ),
    );
    expect(error.code).toBe(code);
    expect(JSON.stringify(error.toJSON()) + error.message).not.toContain(KEY);
    if (status === 429) expect(error.retryAfterMs).toBe(3000);
  });
});

describe("OpenRouter chat (non-streamed)", () => {
  it("keeps reasoning text and reasoning_details of a complete answer", async () => {
    server.reply(jsonReply(200, fixture("openrouter-chat-completion-reasoning.json")));
    const response = await openrouter().chat.complete(
      chatRequestFor([Message.user("What is 15 × 23?")], {
        model: "z-ai/glm-4.5",
      }),
    );
    expect(response.content).toBe("15 × 23 = **345**");
    expect(response.reasoning).toContain("300 + 45 = 345");
    expect(response.reasoningDetails).toHaveLength(1);
    expect(response.reasoningDetails?.[0]).toMatchObject({
      type: "opaque",
      provider: "openrouter",
      value: { type: "reasoning.text" },
    });
    expect(response.usage?.reasoningTokens).toBe(29);
    expect(server.requests[0]?.body).not.toHaveProperty("stream");
  });

  it("turns a 200 that carries an error object into a typed error", async () => {
    server.reply(jsonReply(200, { error: { code: 502, message: "Provider returned error" } }));
    const error = await failure(
      openrouter().chat.complete(chatRequestFor([Message.user("x")], { model: "openai/gpt-4o" })),
    );
    expect(error.code).toBe("provider");
    expect(error.isRetryable).toBe(true);
  });
});

describe.skipIf(!process.env.OPENROUTER_API_KEY)("live OpenRouter (OPENROUTER_API_KEY)", () => {
  it("streams a short answer", async () => {
    const plugin = createOpenRouter({ appName: "ratatoskr-live-test" });
    const response = await collectChatStreamParts(
      plugin.chat.stream(
        chatRequestFor([Message.user("Reply with the single word: pong")], {
          model: process.env.OPENROUTER_TEST_MODEL ?? "openai/gpt-4o-mini",
          maxTokens: 16,
        }),
      ),
    );
    expect(response.content.toLowerCase()).toContain("pong");
  });
});
