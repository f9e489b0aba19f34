import { Message, RatatoskrError } from "@ratatoskr/core";
import { chatRequestFor, jsonReply, sseReply } from "@ratatoskr/testing";
import { drain, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import { fixture, TEST_KEY } from "./huggingface-fixtures.test-helpers.ts";
import { createHuggingFace } from "./huggingface-provider.ts";

const CHAT_MODEL = "meta-llama/Llama-3.1-8B-Instruct";

const server = useOpenAIWireMockServer();

const plugin = (settings = {}) =>
  createHuggingFace({ apiKey: TEST_KEY, chatBaseURL: `${server.url}/v1`, ...settings });

describe("chat through the OpenAI-compatible router", () => {
  it("streams text, usage and done from the router's SSE; posts to /v1/chat/completions with the token", async () => {
    server.reply(sseReply(fixture("hf-router-chat-stream-text.sse")));
    const events = await drain(
      plugin().chat!.stream(
        chatRequestFor([Message.user("Tea or coffee?")], { model: CHAT_MODEL }),
      ),
    );
    expect(
      events
        .filter((event) => event.type === "content")
        .map((event) => (event as { text: string }).text)
        .join(""),
    ).toBe("Tea it is.");
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "stop" });
    expect(events.find((event) => event.type === "usage")).toMatchObject({
      usage: { promptTokens: 21, completionTokens: 4, totalTokens: 25 },
    });
    const [request] = server.requests;
    expect(request!.path).toBe("/v1/chat/completions");
    expect(request!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    const body = request!.body as Record<string, unknown>;
    expect({
      model: body.model,
      messages: body.messages,
      stream: body.stream,
    }).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Tea or coffee?",
            "role": "user",
          },
        ],
        "model": "meta-llama/Llama-3.1-8B-Instruct",
        "stream": true,
      }
    `);
  });

  it("answers chat() from a chat.completion JSON", async () => {
    server.reply(jsonReply(200, fixture("hf-router-chat-completion.json")));
    const response = await plugin().chat!.complete(
      chatRequestFor([Message.user("Tea or coffee?")], { model: CHAT_MODEL }),
    );
    expect(response.content).toBe("Tea it is.");
    expect(response.finishReason).toBe("stop");
    expect(response.response?.model).toEqual(expect.any(String));
    expect(response.warnings ?? []).toEqual([]);
  });

  it("streams a tool call start → deltas → end", async () => {
    server.reply(sseReply(fixture("hf-router-chat-stream-tool.sse")));
    const events = await drain(
      plugin().chat!.stream(
        chatRequestFor([Message.user("Weather in Oslo?")], {
          model: CHAT_MODEL,
          tools: [
            {
              name: "get_weather",
              description: "Weather",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
          ],
        }),
      ),
    );
    expect(
      events
        .map((event) => event.type)
        .filter((type) => type !== "response_metadata" && type !== "warning"),
    ).toEqual([
      "tool_call_start",
      "tool_call_delta",
      "tool_call_delta",
      "tool_call_end",
      "usage",
      "done",
    ]);
    expect(events.find((event) => event.type === "tool_call_end")).toEqual({
      type: "tool_call_end",
      index: 0,
      id: "call_hf_1",
      name: "get_weather",
      arguments: '{"city": "Oslo"}',
      parsedArguments: { city: "Oslo" },
    });
  });

  it("maps a 401 to an authentication error without the key", async () => {
    server.reply(jsonReply(401, fixture("error-401.json")));
    const error = await plugin()
      .chat!.complete(chatRequestFor([Message.user("Hi")], { model: CHAT_MODEL }))
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "authentication")).toBe(true);
    expect(JSON.stringify((error as RatatoskrError).toJSON())).not.toContain(TEST_KEY);
  });

  it("without a token for the hosted router: an authentication error from the iterator, not a synchronous throw", async () => {
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      const stream = createHuggingFace().chat!.stream(
        chatRequestFor([Message.user("Hi")], { model: CHAT_MODEL }),
      );
      await expect(drain(stream)).rejects.toMatchObject({ code: "authentication" });
    } finally {
      if (saved !== undefined) process.env.HF_TOKEN = saved;
    }
  });

  it("chat: false leaves the chat capability out", () => {
    const inferenceOnly = createHuggingFace({ apiKey: TEST_KEY, chat: false });
    expect(inferenceOnly.capabilities).toEqual(["embed", "nli", "classify"]);
    expect(inferenceOnly.chat).toBeUndefined();
    expect(inferenceOnly.supports("chat", CHAT_MODEL)).toMatchObject({ supported: false });
  });

  it("an ignored standard setting is a warning on the result and from warningsFor, the same ones", async () => {
    server.reply(jsonReply(200, fixture("hf-router-chat-completion.json")));
    const request = chatRequestFor([Message.user("Hi")], { model: CHAT_MODEL, topK: 40 });
    const provider = plugin();
    const before = provider.chat!.warningsFor(request);
    expect(before).toEqual([
      expect.objectContaining({ type: "unsupported_setting", setting: "topK" }),
    ]);
    expect(server.requests).toHaveLength(0);
    const result = await provider.chat!.complete(request);
    expect(result.warnings).toEqual(before);
    expect(server.requests[0]!.body).not.toHaveProperty("top_k");
  });

  it("the huggingface options entry is sent as body fields (router pass-through)", async () => {
    server.reply(jsonReply(200, fixture("hf-router-chat-completion.json")));
    await plugin().chat!.complete(
      chatRequestFor([Message.user("Hi")], {
        model: CHAT_MODEL,
        providerOptions: { repetition_penalty: 1.1 },
      }),
    );
    expect(server.requests[0]!.body).toMatchObject({ repetition_penalty: 1.1 });
  });
});
