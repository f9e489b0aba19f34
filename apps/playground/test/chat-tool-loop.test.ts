import {
  type ChatEvent,
  createUsage,
  Message,
  RatatoskrError,
  toolCallEndEvent,
} from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { type PlaygroundChatEvent, runChatTurn } from "../src/chat-tool-loop.ts";
import { createDemoProvider, findExpression } from "../src/demo-provider.ts";

function toolCall(id: string, name: string, argumentsText: string): ChatEvent[] {
  return [
    { type: "tool_call_start", index: 0, id, name },
    { type: "tool_call_delta", index: 0, arguments: argumentsText },
    toolCallEndEvent(0, { id, name, arguments: argumentsText }),
    { type: "done", finishReason: "tool_calls" },
  ];
}

async function collect(stream: AsyncIterable<PlaygroundChatEvent>): Promise<PlaygroundChatEvent[]> {
  const events: PlaygroundChatEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function setup() {
  const mock = createMockProvider({ id: "mock", capabilities: ["chat"] });
  const gateway = await Ratatoskr.builder().use(mock).build();
  return { mock, gateway };
}

describe("runChatTurn", () => {
  it("answers directly without tools and reports stats", async () => {
    const { gateway } = await setup();
    const events = await collect(
      runChatTurn(
        gateway,
        { messages: [Message.user("hi there")], model: "mock:x" },
        { signal: new AbortController().signal },
      ),
    );
    expect(events[0]).toEqual({ type: "round", round: 1 });
    expect(
      events
        .filter((event) => event.type === "content")
        .map((event) => (event as { text: string }).text)
        .join(""),
    ).toBe("mock: hi there");
    const messages = events.find((event) => event.type === "messages") as { messages: Message[] };
    expect(messages.messages).toEqual([{ role: "assistant", content: "mock: hi there" }]);
    const stats = events.at(-1) as Extract<PlaygroundChatEvent, { type: "stats" }>;
    expect(stats).toMatchObject({ type: "stats", rounds: 1, provider: "mock" });
    expect(stats.firstTokenMs).toBeGreaterThanOrEqual(0);
    expect(stats.usage).toEqual(createUsage(2, 3));
  });

  it("offers the demo tools unless turned off", async () => {
    const { gateway, mock } = await setup();
    await collect(
      runChatTurn(
        gateway,
        { messages: [Message.user("a")], model: "x" },
        { signal: new AbortController().signal },
      ),
    );
    await collect(
      runChatTurn(
        gateway,
        {
          messages: [Message.user("a")],
          model: "x",
          tools: false,
          reasoning: "high",
          temperature: 0.2,
        },
        { signal: new AbortController().signal },
      ),
    );
    const [withTools, withoutTools] = mock
      .callsOf("chatStream")
      .map((call) => call.request.settings);
    expect(withTools!.tools!.map((tool) => tool.name)).toEqual([
      "calculator",
      "current_time",
      "norse_lookup",
    ]);
    expect(withoutTools!.tools).toBeUndefined();
    expect(withoutTools).toMatchObject({ reasoning: { effort: "high" }, temperature: 0.2 });
  });

  it("runs several tool rounds and feeds each result back; tool errors go back to the model", async () => {
    const { gateway, mock } = await setup();
    mock
      .enqueueStream(toolCall("c1", "calculator", '{"expression":"1/0"}'))
      .enqueueStream(toolCall("c2", "calculator", '{"expression":"1/4"}'))
      .enqueueStream([
        { type: "content", text: "0.25" },
        { type: "done", finishReason: "stop" },
      ]);
    const events = await collect(
      runChatTurn(
        gateway,
        { messages: [Message.user("q")], model: "x" },
        { signal: new AbortController().signal },
      ),
    );
    const results = events.filter((event) => event.type === "tool_result") as Array<
      Extract<PlaygroundChatEvent, { type: "tool_result" }>
    >;
    expect(results.map((result) => [result.round, result.content, result.isError])).toEqual([
      [1, "Error: Division by zero", true],
      [2, "0.25", false],
    ]);
    const third = mock.callsOf("chatStream")[2]!.request.messages;
    expect(third.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "tool",
    ]);
    expect(third[2]).toEqual({
      role: "tool",
      toolCallId: "c1",
      content: "Error: Division by zero",
      name: "calculator",
    });
    const stats = events.at(-1) as Extract<PlaygroundChatEvent, { type: "stats" }>;
    expect(stats.rounds).toBe(3);
    expect(stats.usage).toBeUndefined(); // the scripts reported none: unknown, not zero
  });

  it("continues a paused server-tool turn without running its server tools, and sums their usage", async () => {
    const { gateway, mock } = await setup();
    const search = { id: "srv_1", name: "web_search", input: { query: "Oslo" } };
    mock
      .enqueueStream([
        { type: "content", text: "Searching. " },
        { type: "server_tool_call", call: search },
        {
          type: "server_tool_result",
          result: { toolCallId: "srv_1", name: "web_search", content: [{ title: "Oslo" }] },
        },
        {
          type: "done",
          finishReason: "pause",
          usage: createUsage(10, 2, { serverToolRequests: { web_search: 1 } }),
        },
      ])
      .enqueueStream([
        { type: "content", text: "Oslo is in Norway." },
        {
          type: "done",
          finishReason: "stop",
          usage: createUsage(20, 5, { serverToolRequests: { web_search: 2 } }),
        },
      ]);
    const events = await collect(
      runChatTurn(
        gateway,
        { messages: [Message.user("Where is Oslo?")], model: "x" },
        { signal: new AbortController().signal },
      ),
    );
    expect(mock.calls).toHaveLength(2);
    expect(events.some((event) => event.type === "tool_result")).toBe(false);
    const second = mock.callsOf("chatStream")[1]!.request.messages;
    expect(second.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(second[1]).toMatchObject({
      role: "assistant",
      content: "Searching. ",
      serverToolCalls: [{ ...search, contentOffset: 11 }],
    });
    const stats = events.at(-1) as Extract<PlaygroundChatEvent, { type: "stats" }>;
    expect(stats.rounds).toBe(2);
    expect(stats.usage).toEqual({
      promptTokens: 30,
      completionTokens: 7,
      totalTokens: 37,
      serverToolRequests: { web_search: 3 },
    });
  });

  it("stops at the round limit with an error", async () => {
    const { gateway, mock } = await setup();
    for (let round = 0; round < 3; round++)
      mock.enqueueStream(toolCall(`c${round}`, "calculator", '{"expression":"1"}'));
    const events = await collect(
      runChatTurn(
        gateway,
        { messages: [Message.user("q")], model: "x" },
        { signal: new AbortController().signal, maxRounds: 2 },
      ),
    );
    expect(mock.calls).toHaveLength(2);
    expect(events.find((event) => event.type === "error")).toMatchObject({
      code: "tool_loop_limit",
    });
  });

  it("ends with an aborted error when the signal fires mid-stream, and aborts the provider", async () => {
    const { gateway, mock } = await setup();
    mock.enqueueStream({
      events: [
        { type: "content", text: "one " },
        { type: "content", text: "two " },
        { type: "done", finishReason: "stop" },
      ],
      delayMs: 30,
    });
    const controller = new AbortController();
    const events: PlaygroundChatEvent[] = [];
    for await (const event of runChatTurn(
      gateway,
      { messages: [Message.user("q")], model: "x" },
      { signal: controller.signal },
    )) {
      events.push(event);
      if (event.type === "content") controller.abort();
    }
    expect(events.find((event) => event.type === "error")).toMatchObject({
      code: "aborted",
      partial: "one ",
    });
    expect(events.some((event) => event.type === "messages")).toBe(false);
    expect(mock.calls[0]!.signal!.aborted).toBe(true);
  });

  it("keeps the partial text when the provider fails mid-stream", async () => {
    const { gateway, mock } = await setup();
    mock.enqueueStream({
      events: [{ type: "content", text: "half an ans" }],
      error: new RatatoskrError({ code: "network", message: "connection reset" }),
    });
    const events = await collect(
      runChatTurn(
        gateway,
        { messages: [Message.user("q")], model: "x" },
        { signal: new AbortController().signal },
      ),
    );
    expect(events.find((event) => event.type === "error")).toMatchObject({
      partial: "half an ans",
    });
  });
});

describe("demo provider", () => {
  it("finds arithmetic in a question", () => {
    expect(findExpression("What is 12 * (3 + 4)?")).toBe("12 * (3 + 4)");
    expect(findExpression("Compute 2^10 please")).toBe("2^10");
    expect(findExpression("I have 3 apples")).toBeUndefined();
  });

  it("calls the calculator, then answers from its result", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createDemoProvider({ delayMs: 0 }))
      .build();
    const events = await collect(
      runChatTurn(
        gateway,
        { messages: [Message.user("What is 6 * 7?")], model: "demo:x" },
        { signal: new AbortController().signal },
      ),
    );
    expect(events.some((event) => event.type === "reasoning")).toBe(true);
    expect(events.find((event) => event.type === "tool_result")).toMatchObject({
      name: "calculator",
      content: "42",
    });
    const answer = events
      .filter((event) => event.type === "content")
      .map((event) => (event as { text: string }).text)
      .join("");
    expect(answer).toContain("42");
    expect(answer).toContain("Scripted demo answer");
  });

  it("asks for the time in a city it knows", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createDemoProvider({ delayMs: 0 }))
      .build();
    const events = await collect(
      runChatTurn(
        gateway,
        { messages: [Message.user("What time is it in Oslo?")], model: "demo:x" },
        { signal: new AbortController().signal },
      ),
    );
    const result = events.find((event) => event.type === "tool_result") as {
      name: string;
      content: string;
    };
    expect(result.name).toBe("current_time");
    expect(JSON.parse(result.content).timeZone).toBe("Europe/Oslo");
  });

  it("says it is not a model when there is nothing to compute", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createDemoProvider({ delayMs: 0 }))
      .build();
    const response = await gateway.chat([Message.user("Hello")], { model: "demo:x" });
    expect(response.content).toContain("not a model");
    expect(response.finishReason).toBe("stop");
    expect(response.usage?.promptTokens).toBe(1);
  });
});
