import { Message, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import {
  convertToAnthropicMessages,
  reasoningDetailToBlock,
} from "./convert-to-anthropic-messages.ts";

describe("convertToAnthropicMessages", () => {
  it("keeps every system message, in order, as system blocks (none dropped)", () => {
    const prompt = convertToAnthropicMessages([
      Message.system("one"),
      Message.user("hi"),
      Message.system("two"),
      Message.assistant("hello"),
      Message.system("three"),
    ]);
    expect(prompt.system).toEqual([
      { type: "text", text: "one" },
      { type: "text", text: "two" },
      { type: "text", text: "three" },
    ]);
    expect(prompt.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ]);
  });

  it("has no system when there is no system message", () => {
    expect(convertToAnthropicMessages([Message.user("hi")]).system).toBeUndefined();
  });

  it("merges consecutive tool results (and following user text) into one user turn", () => {
    const prompt = convertToAnthropicMessages([
      Message.user("go"),
      Message.assistantWithToolCalls("", [
        { id: "a", name: "f", arguments: '{"x":1}' },
        { id: "b", name: "g", arguments: "" },
      ]),
      Message.toolResult("a", "A"),
      Message.toolResult("b", "B"),
      Message.user("and?"),
    ]);
    expect(prompt.messages).toEqual([
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "a", name: "f", input: { x: 1 } },
          { type: "tool_use", id: "b", name: "g", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "a", content: "A" },
          { type: "tool_result", tool_use_id: "b", content: "B" },
          { type: "text", text: "and?" },
        ],
      },
    ]);
  });

  it("sends thinking and redacted thinking back unchanged, before text and tool_use", () => {
    const prompt = convertToAnthropicMessages([
      Message.user("q"),
      {
        role: "assistant",
        content: "text",
        reasoning: "display only",
        reasoningDetails: [
          { type: "text", text: "thought", signature: "sig==", provider: "anthropic" },
          { type: "redacted", data: "opaque==", provider: "anthropic" },
          { type: "opaque", provider: "openrouter", value: { id: 1 } },
          { type: "text", text: "unsigned", provider: "anthropic" },
          { type: "text", text: "other", signature: "s", provider: "openrouter" },
        ],
        toolCalls: [{ id: "t", name: "f", arguments: "{}" }],
      },
    ]);
    expect(prompt.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "thought", signature: "sig==" },
        { type: "redacted_thinking", data: "opaque==" },
        { type: "text", text: "text" },
        { type: "tool_use", id: "t", name: "f", input: {} },
      ],
    });
  });

  it("leaves out an empty assistant message and merges the user turns around it", () => {
    const prompt = convertToAnthropicMessages([
      Message.user("a"),
      Message.assistant(""),
      Message.user("b"),
    ]);
    expect(prompt.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
    ]);
  });

  it("accepts a detail without a provider tag", () => {
    expect(reasoningDetailToBlock({ type: "text", text: "t", signature: "s" })).toEqual({
      type: "thinking",
      thinking: "t",
      signature: "s",
    });
  });

  it("rejects tool call arguments that are not a JSON object", () => {
    for (const bad of ["{", "[1]", "3", "null"]) {
      expect(() =>
        convertToAnthropicMessages([
          Message.assistantWithToolCalls("", [{ id: "t", name: "f", arguments: bad }]),
        ]),
      ).toThrowError(RatatoskrError);
    }
  });
});
