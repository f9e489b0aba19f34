import { describe, expect, it } from "vitest";
import { serverToolTimeline } from "./server-tools.ts";

const call = (id: string, contentOffset?: number) => ({
  id,
  name: "web_search",
  input: { query: id },
  ...(contentOffset === undefined ? {} : { contentOffset }),
});
const result = (toolCallId: string, contentOffset?: number) => ({
  toolCallId,
  name: "web_search",
  content: [toolCallId],
  ...(contentOffset === undefined ? {} : { contentOffset }),
});

describe("serverToolTimeline", () => {
  it("is the text alone when there are no server tools", () => {
    expect(serverToolTimeline({ content: "Hi" })).toEqual([{ type: "content", text: "Hi" }]);
    expect(serverToolTimeline({ content: "" })).toEqual([]);
  });

  it("cuts the text at each offset; each call is followed by its results, earlier turns' results first", () => {
    expect(
      serverToolTimeline({
        content: "Searching. Found. Done.",
        serverToolCalls: [call("s2", 18), call("s1", 11)],
        serverToolResults: [result("s1", 11), result("old", 11), result("s2", 18)],
      }),
    ).toEqual([
      { type: "content", text: "Searching. " },
      { type: "server_tool_result", result: result("old") },
      { type: "server_tool_call", call: call("s1") },
      { type: "server_tool_result", result: result("s1") },
      { type: "content", text: "Found. " },
      { type: "server_tool_call", call: call("s2") },
      { type: "server_tool_result", result: result("s2") },
      { type: "content", text: "Done." },
    ]);
  });

  it("puts items without a usable offset first, and clamps an offset past the end of the text", () => {
    expect(
      serverToolTimeline({
        content: "Answer",
        serverToolCalls: [call("a"), call("b", 99), call("c", -3)],
      }).map((entry) => (entry.type === "server_tool_call" ? entry.call.id : entry.type)),
    ).toEqual(["a", "c", "content", "b"]);
  });
});
