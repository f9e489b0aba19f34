import { type ChatEvent, type ChatResponse, collectChatStream } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { chatResponseToEvents } from "./synthesized-streams.ts";

async function drain(stream: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("chatResponseToEvents", () => {
  const search = { id: "srv_1", name: "web_search", input: { query: "q" } };
  const found = { toolCallId: "srv_1", name: "web_search", content: [{ title: "A" }] };
  const response: ChatResponse = {
    content: "Searching. Found it.",
    toolCalls: [{ id: "call_a", name: "save", arguments: '{"x":1}' }],
    serverToolCalls: [{ ...search, contentOffset: 11 }],
    serverToolResults: [{ ...found, contentOffset: 11 }],
    finishReason: "tool_calls",
  };

  it("emits server tool calls and results where they came in the text", async () => {
    const events = await drain(chatResponseToEvents(Promise.resolve(response)));
    expect(events.slice(0, 4)).toEqual([
      { type: "content", text: "Searching. " },
      { type: "server_tool_call", call: search },
      { type: "server_tool_result", result: found },
      { type: "content", text: "Found it." },
    ]);
    expect(events.filter((event) => event.type === "tool_call_start")).toHaveLength(1);
  });

  it("rebuilds the same response from its events", async () => {
    const rebuilt = await collectChatStream(chatResponseToEvents(Promise.resolve(response)));
    expect(rebuilt).toEqual(response);
  });

  it("puts items without an offset first, and results of earlier calls before the calls at their place", async () => {
    const events = await drain(
      chatResponseToEvents(
        Promise.resolve({
          content: "Answer",
          toolCalls: [],
          serverToolCalls: [search],
          serverToolResults: [found, { toolCallId: "old", name: "web_fetch", content: {} }],
          finishReason: "stop",
        }),
      ),
    );
    expect(events.map((event) => event.type)).toEqual([
      "server_tool_result",
      "server_tool_call",
      "server_tool_result",
      "content",
      "done",
    ]);
    expect(events[0]).toMatchObject({ result: { toolCallId: "old" } });
  });
});
