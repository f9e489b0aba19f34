/**
 * The chat page's event reducer: server tool calls and results are shown as
 * their own parts, apart from the client tool calls the server executes.
 */
import { describe, expect, it } from "vitest";
import { applyChatEvent } from "../src/client/pages/chat-page.tsx";

describe("applyChatEvent", () => {
  it("shows a server tool call with its result, and text after it as a new part", () => {
    const round = { value: 1 };
    let turn = { role: "assistant" as const, parts: [], state: "streaming" as const };
    for (const event of [
      { type: "content", text: "Searching. " },
      {
        type: "server_tool_call",
        call: { id: "srv_1", name: "web_search", input: { query: "Oslo" }, server: "search-mcp" },
      },
      {
        type: "server_tool_result",
        result: { toolCallId: "srv_1", name: "web_search", content: [{ title: "Oslo" }] },
      },
      { type: "content", text: "Found it." },
    ] as const) {
      turn = applyChatEvent(turn, event, round) as typeof turn;
    }
    expect(turn.parts).toEqual([
      { kind: "text", text: "Searching. " },
      {
        kind: "server_tool",
        id: "srv_1",
        name: "web_search",
        server: "search-mcp",
        input: '{"query":"Oslo"}',
        result: '[{"title":"Oslo"}]',
        isError: false,
      },
      { kind: "text", text: "Found it." },
    ]);
  });

  it("shows a result whose call came in an earlier turn on its own", () => {
    const turn = applyChatEvent(
      { role: "assistant", parts: [], state: "streaming" },
      {
        type: "server_tool_result",
        result: { toolCallId: "old", name: "web_fetch", content: "page", isError: true },
      },
      { value: 1 },
    );
    expect(turn.parts).toEqual([
      { kind: "server_tool", id: "old", name: "web_fetch", result: '"page"', isError: true },
    ]);
  });
});
