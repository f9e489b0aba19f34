import { describe, expect, it } from "vitest";
import { mapOllamaDoneReason } from "./map-ollama-done-reason.ts";
import { OllamaChatStreamMapper } from "./ollama-chat-stream-mapper.ts";

const mapper = () => new OllamaChatStreamMapper({ provider: "ollama", model: "llama3.2" });

describe("OllamaChatStreamMapper", () => {
  it("refuses an object after the final one", () => {
    const stream = mapper();
    stream.push({ message: { content: "Hi" }, done: true, done_reason: "stop" });
    expect(() => stream.push({ message: { content: "again" }, done: true })).toThrow(
      expect.objectContaining({
        code: "stream",
        message: expect.stringContaining("after the final"),
      }),
    );
  });

  it("refuses a tool call without a name, keeping the text before it", () => {
    const stream = mapper();
    stream.push({ message: { content: "Let me check." } });
    expect(() =>
      stream.push({ message: { tool_calls: [{ function: { arguments: { city: "Oslo" } } }] } }),
    ).toThrow(expect.objectContaining({ code: "stream" }));
    expect(stream.partial()).toEqual({ content: "Let me check." });
  });

  it("takes arguments sent as JSON text, and fails text that is not JSON with the raw call kept", () => {
    const stream = mapper();
    const events = stream.push({
      message: { tool_calls: [{ function: { name: "f", arguments: '{"a":1}' } }] },
    });
    expect(events.at(-1)).toMatchObject({ type: "tool_call_end", parsedArguments: { a: 1 } });
    let caught: unknown;
    try {
      stream.push({ message: { tool_calls: [{ function: { name: "g", arguments: '{"a":' } }] } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: "stream",
      partial: {
        toolCalls: [
          { id: "call_0", name: "f", arguments: '{"a":1}', complete: true },
          { id: "call_1", name: "g", arguments: '{"a":', complete: false },
        ],
      },
    });
  });

  it("treats a call without arguments as {}", () => {
    const events = mapper().push({ message: { tool_calls: [{ function: { name: "now" } }] } });
    expect(events.map((event) => event.type)).toEqual([
      "tool_call_start",
      "tool_call_delta",
      "tool_call_end",
    ]);
    expect(events[1]).toEqual({ type: "tool_call_delta", index: 0, arguments: "{}" });
  });

  it("throws from finish() when the final object never came", () => {
    const stream = mapper();
    stream.push({ message: { content: "Hal" } });
    expect(() => stream.finish()).toThrow(
      expect.objectContaining({ code: "stream", isRetryable: true, partial: { content: "Hal" } }),
    );
  });
});

describe("mapOllamaDoneReason", () => {
  it.each([
    ["stop", false, "stop"],
    ["stop", true, "tool_calls"],
    [undefined, false, "stop"],
    ["length", false, "length"],
    ["load", false, "other"],
    ["unload", false, "other"],
  ] as const)("maps %j (tool calls: %s) to %s", (raw, madeToolCalls, expected) => {
    expect(mapOllamaDoneReason(raw, madeToolCalls)).toBe(expected);
  });
});
