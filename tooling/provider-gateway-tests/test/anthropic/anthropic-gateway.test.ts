/**
 * The provider behind the composed gateway: routing of bare `claude*`
 * names, and a multi-turn tool loop with extended thinking through
 * `ModelGateway` alone.
 */

import {
  type ChatOptions,
  collectChatStream,
  Message,
  type ModelGateway,
  RatatoskrError,
  toAssistantMessage,
} from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createAnthropic } from "@ratatoskr/provider-anthropic";
import {
  type AnthropicMock,
  fixture,
  startAnthropicMock,
} from "@ratatoskr/provider-anthropic/internal/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const KEY = "test-key-canary-123456";
let mock: AnthropicMock;
beforeAll(async () => {
  mock = await startAnthropicMock();
});
afterAll(async () => {
  await mock.close();
});

describe("through the gateway", () => {
  it("continues a paused web fetch turn and never hands the server tools to the caller's loop", async () => {
    const gateway: ModelGateway = await Ratatoskr.builder()
      .use(createAnthropic({ apiKey: KEY, baseURL: mock.url }))
      .build();
    mock.enqueue({ sse: fixture("web-fetch-pause-turn.sse") }, { sse: fixture("text.sse") });
    const options: ChatOptions = {
      model: "claude-sonnet-4-6",
      providerOptions: {
        anthropic: { tools: [{ type: "web_fetch_20250910", name: "web_fetch" }] },
      },
    };
    const conversation: Message[] = [Message.user("Summarise https://example.com/article")];
    const rounds: string[] = [];
    for (;;) {
      const response = await collectChatStream(gateway.chatStream(conversation, options));
      rounds.push(response.finishReason);
      expect(response.toolCalls).toEqual([]);
      conversation.push(toAssistantMessage(response));
      if (response.finishReason !== "pause") break;
    }
    expect(rounds).toEqual(["pause", "stop"]);
    const sent = mock.body().messages as Array<{ role: string; content: Array<{ type: string }> }>;
    expect(sent.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(sent[1]!.content.map((block) => block.type)).toEqual([
      "text",
      "server_tool_use",
      "web_fetch_tool_result",
    ]);
  });

  it("runs a two-turn tool loop with thinking via ModelGateway.chatStream", async () => {
    const gateway: ModelGateway = await Ratatoskr.builder()
      .use(createAnthropic({ apiKey: KEY, baseURL: mock.url }))
      .build();
    mock.enqueue({ sse: fixture("thinking-tool.sse") }, { sse: fixture("thinking-final.sse") });
    const options: ChatOptions = {
      model: "claude-sonnet-4-6",
      maxTokens: 8192,
      reasoning: { maxTokens: 4096 },
      tools: [
        {
          name: "get_weather",
          parameters: { type: "object", properties: { location: { type: "string" } } },
        },
      ],
    };
    const conversation: Message[] = [Message.user("What's the weather in Paris?")];
    const first = await collectChatStream(gateway.chatStream(conversation, options));
    expect(first.finishReason).toBe("tool_calls");
    expect(first.reasoningDetails?.[0]).toMatchObject({ type: "text", provider: "anthropic" });
    conversation.push(toAssistantMessage(first));
    for (const call of first.toolCalls)
      conversation.push(Message.toolResult(call.id, "18°C and sunny"));
    const second = await collectChatStream(gateway.chatStream(conversation, options));
    expect(second.content).toBe("It is 18°C and sunny in Paris right now.");
    const sent = mock.body(-1) as {
      messages: Array<{ role: string; content: Array<{ type: string; signature?: string }> }>;
    };
    expect(sent.messages[1]!.content.map((block) => block.type)).toEqual([
      "thinking",
      "text",
      "tool_use",
    ]);
    expect(sent.messages[1]!.content[0]!.signature).toBe(
      first.reasoningDetails?.[0] && (first.reasoningDetails[0] as { signature: string }).signature,
    );
    expect(sent.messages[2]!.content.map((block) => block.type)).toEqual(["tool_result"]);
  });

  it("ModelGateway.chat returns thinking details that go back on the next turn", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createAnthropic({ apiKey: KEY, baseURL: mock.url }))
      .build();
    mock.enqueue(
      { json: fixture("message-thinking-tool.json") },
      { json: fixture("message-text.json") },
    );
    const options: ChatOptions = { model: "claude-sonnet-4-6", reasoning: { effort: "low" } };
    const conversation: Message[] = [Message.user("Weather in Paris?")];
    const first = await gateway.chat(conversation, options);
    expect(first.provider).toBe("anthropic");
    conversation.push(
      toAssistantMessage(first),
      Message.toolResult(first.toolCalls[0]!.id, "18°C"),
    );
    await gateway.chat(conversation, options);
    const sent = mock.body(-1) as { messages: Array<{ content: Array<{ type: string }> }> };
    expect(sent.messages[1]!.content.map((block) => block.type)).toEqual([
      "thinking",
      "redacted_thinking",
      "text",
      "tool_use",
    ]);
  });

  it("routes bare claude* names through the .anthropic() shorthand and streams", async () => {
    const gateway = await Ratatoskr.builder().anthropic(KEY, { baseURL: mock.url }).build();
    mock.enqueue({ sse: fixture("text.sse") });
    const texts: string[] = [];
    for await (const event of gateway.chatStream([Message.user("hi")], {
      model: "claude-haiku-4-5",
    })) {
      if (event.type === "content") texts.push(event.text);
    }
    expect(texts.join("")).toBe("Hello! How can I help you today?");
    mock.enqueue({ json: fixture("count-tokens.json") });
    expect(await gateway.countTokens("Hello, world", "claude-haiku-4-5")).toMatchObject({
      count: 2095,
      approximate: false,
    });
  });

  it("a 401 reaches the caller as an authentication error without the key", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createAnthropic({ apiKey: KEY, baseURL: mock.url }))
      .build();
    mock.enqueue({ json: fixture("error-401.json"), status: 401 });
    const error = await gateway
      .chat([Message.user("hi")], { model: "claude-sonnet-4-6" })
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "authentication")).toBe(true);
    expect(JSON.stringify((error as RatatoskrError).toJSON())).not.toContain(KEY);
  });

  it("reads only its own providerOptions entry: another provider's options never reach Anthropic", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createAnthropic({ apiKey: KEY, baseURL: mock.url }))
      .build();
    mock.enqueue({ json: fixture("message-text.json") });
    const response = await gateway.chat([Message.user("hi")], {
      model: "claude-sonnet-4-6",
      providerOptions: {
        openrouter: { transforms: ["middle-out"], provider: { order: ["anthropic"] } },
        anthropic: { metadata: { user_id: "user-1" } },
      },
    });
    const body = mock.body();
    expect(body.metadata).toEqual({ user_id: "user-1" });
    expect(JSON.stringify(body)).not.toMatch(/middle-out|transforms|"order"/);
    expect(response.warnings ?? []).toEqual([]);
    expect(response.requestId).toBe("req_mock_01");
    expect(response.model).toBe("claude-sonnet-4-5-20250929");
  });

  it("an ignored setting is a warning on the response, on done and to onWarning; strict mode refuses it before sending", async () => {
    const heard: unknown[] = [];
    const gateway = await Ratatoskr.builder()
      .use(createAnthropic({ apiKey: KEY, baseURL: mock.url }))
      .hooks({ onWarning: (event) => heard.push(event.warning) })
      .build();
    const warning = {
      type: "unsupported_setting",
      setting: "temperature",
      details: expect.any(String),
      provider: "anthropic",
    };
    mock.enqueue({ json: fixture("message-text.json") });
    const response = await gateway.chat([Message.user("hi")], {
      model: "claude-sonnet-4-6",
      temperature: 0.3,
    });
    expect(response.warnings).toEqual([warning]);
    mock.enqueue({ sse: fixture("text.sse") });
    const events = [];
    for await (const event of gateway.chatStream([Message.user("hi")], {
      model: "claude-sonnet-4-6",
      temperature: 0.3,
    })) {
      events.push(event);
    }
    expect(events.at(-1)).toMatchObject({ type: "done", warnings: [warning] });
    expect(heard).toEqual([warning, warning]);

    const before = mock.requests.length;
    const refused = await gateway
      .chat([Message.user("hi")], { model: "claude-sonnet-4-6", temperature: 0.3, strict: true })
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(refused, "invalid_input")).toBe(true);
    expect((refused as RatatoskrError).message).toContain("temperature");
    expect(mock.requests.length).toBe(before);
  });
});
