import { createUsage } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { serveMock } from "./openai-http.test-helpers.ts";

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
};

describe("POST /v1/chat/completions, complete", () => {
  it("answers a chat.completion object that the SDK reads", async () => {
    const { client } = await serveMock();
    const completion = await client.chat.completions.create({
      model: "mock:echo",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hello there" },
      ],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toMatch(/^chatcmpl-\w+$/);
    expect(completion.created).toBeGreaterThan(1_600_000_000);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message).toMatchObject({
      role: "assistant",
      content: "mock: hello there",
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
  });

  it("maps the request's messages and settings onto the gateway call", async () => {
    const { client, mock } = await serveMock();
    await client.chat.completions.create({
      model: "mock:settings",
      messages: [
        {
          role: "developer",
          content: [
            { type: "text", text: "Be " },
            { type: "text", text: "kind." },
          ],
        },
        { role: "user", content: "Weather in Oslo?", name: "ada" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      parallel_tool_calls: false,
      temperature: 0.5,
      top_p: 0.9,
      max_completion_tokens: 100,
      max_tokens: 50,
      stop: "END",
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", schema: { type: "object" }, strict: true },
      },
      reasoning_effort: "low",
      user: "ignored",
    });
    const request = mock.callsOf("chat")[0]?.request;
    expect(request?.model).toBe("settings");
    expect(request?.messages).toEqual([
      { role: "system", content: "Be kind." },
      { role: "user", content: "Weather in Oslo?", name: "ada" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' }],
      },
      { role: "tool", content: "sunny", toolCallId: "call_1" },
    ]);
    expect(request?.settings).toEqual({
      tools: [
        {
          name: "get_weather",
          description: "Weather of a city",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      ],
      toolChoice: { name: "get_weather" },
      parallelToolCalls: false,
      temperature: 0.5,
      topP: 0.9,
      maxTokens: 100,
      stop: ["END"],
      seed: 7,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
      responseFormat: {
        type: "json_schema",
        name: "answer",
        schema: { type: "object" },
        strict: true,
      },
      reasoning: { effort: "low" },
    });
  });

  it("answers tool calls with content null, finish_reason tool_calls and usage details", async () => {
    const { client, mock } = await serveMock();
    mock.enqueueChat({
      content: "",
      reasoning: "They want weather.",
      toolCalls: [{ id: "call_9", name: "get_weather", arguments: '{"city":"Bergen"}' }],
      finishReason: "tool_calls",
      usage: createUsage(10, 20, { reasoningTokens: 5, cacheReadTokens: 8 }),
    });
    const completion = await client.chat.completions.create({
      model: "mock:tools",
      messages: [{ role: "user", content: "Weather in Bergen?" }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "call_9",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
      },
    ]);
    expect((choice?.message as { reasoning?: string } | undefined)?.reasoning).toBe(
      "They want weather.",
    );
    expect(completion.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 20,
      total_tokens: 30,
      completion_tokens_details: { reasoning_tokens: 5 },
      prompt_tokens_details: { cached_tokens: 8 },
    });
  });

  it("maps finish reasons length and content_filter", async () => {
    const { client, mock } = await serveMock();
    mock.enqueueChat({ content: "cut", toolCalls: [], finishReason: "length" });
    mock.enqueueChat({ content: "", toolCalls: [], finishReason: "content_filter" });
    mock.enqueueChat({ content: "paused", toolCalls: [], finishReason: "pause" });
    const reasons: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const completion = await client.chat.completions.create({
        model: "mock:m",
        messages: [{ role: "user", content: "x" }],
      });
      reasons.push(completion.choices[0]?.finish_reason);
    }
    expect(reasons).toEqual(["length", "content_filter", "stop"]);
  });
});

describe("POST /v1/chat/completions, streaming", () => {
  it("streams content and tool-call deltas that the SDK reassembles", async () => {
    const { client, mock } = await serveMock();
    const usage = createUsage(12, 9);
    mock.enqueueStream([
      { type: "content", text: "Let me " },
      { type: "content", text: "check." },
      { type: "tool_call_start", index: 0, id: "call_a", name: "get_weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":' },
      { type: "tool_call_delta", index: 0, arguments: '"Oslo"}' },
      {
        type: "tool_call_end",
        index: 0,
        id: "call_a",
        name: "get_weather",
        arguments: '{"city":"Oslo"}',
        parsedArguments: { city: "Oslo" },
      },
      { type: "tool_call_start", index: 1, id: "call_b", name: "get_weather" },
      { type: "tool_call_delta", index: 1, arguments: '{"city":"Rome"}' },
      {
        type: "tool_call_end",
        index: 1,
        id: "call_b",
        name: "get_weather",
        arguments: '{"city":"Rome"}',
        parsedArguments: { city: "Rome" },
      },
      { type: "done", finishReason: "tool_calls", usage },
    ]);
    const stream = client.chat.completions.stream({
      model: "mock:stream",
      messages: [{ role: "user", content: "Weather?" }],
      tools: [weatherTool],
    });
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0];
    expect(choice?.message.content).toBe("Let me check.");
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "call_a",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
      },
      {
        id: "call_b",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Rome"}' },
      },
    ]);
    expect(final.usage).toBeUndefined();
  });

  it("sends reasoning as delta.reasoning, and a usage chunk with no choices when asked", async () => {
    const { client, mock } = await serveMock();
    const usage = createUsage(3, 7, { reasoningTokens: 4 });
    mock.enqueueStream([
      { type: "reasoning", text: "Think" },
      { type: "reasoning", text: "ing." },
      { type: "content", text: "Answer." },
      { type: "usage", usage },
      { type: "done", finishReason: "stop" },
    ]);
    const stream = await client.chat.completions.create({
      model: "mock:reasoner",
      messages: [{ role: "user", content: "Why?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const first = chunks[0];
    expect(first?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    const reasoning = chunks
      .map((chunk) => (chunk.choices[0]?.delta as { reasoning?: string } | undefined)?.reasoning)
      .filter((text) => text !== undefined);
    expect(reasoning).toEqual(["Think", "ing."]);
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(content).toBe("Answer.");
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({
      prompt_tokens: 3,
      completion_tokens: 7,
      total_tokens: 10,
      completion_tokens_details: { reasoning_tokens: 4 },
    });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
  });

  it("frames the stream as OpenAI does: data events, then data: [DONE]", async () => {
    const { baseURL } = await serveMock();
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "mock:raw",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await response.text();
    const events = text.split("\n\n").filter((event) => event !== "");
    expect(events.every((event) => event.startsWith("data: "))).toBe(true);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)));
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? "").join("")).toBe("mock: hi");
    expect(chunks.at(-1).choices[0]).toEqual({
      index: 0,
      delta: {},
      logprobs: null,
      finish_reason: "stop",
    });
    expect(chunks.some((chunk) => "usage" in chunk)).toBe(false);
  });

  it("ends a stream that fails midway with an error event the SDK throws", async () => {
    const { client, mock } = await serveMock();
    const { RatatoskrError } = await import("@ratatoskr/core");
    mock.enqueueStream({
      events: [{ type: "content", text: "partial" }],
      error: new RatatoskrError({ code: "stream", message: "upstream connection reset" }),
    });
    const stream = await client.chat.completions.create({
      model: "mock:broken",
      messages: [{ role: "user", content: "go" }],
      stream: true,
    });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((error: unknown) => error);
    expect(received.join("")).toBe("partial");
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain("upstream connection reset");
  });
});
