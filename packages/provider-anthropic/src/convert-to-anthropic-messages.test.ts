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

describe("server tool calls and results", () => {
  const record = (value: object) => ({ provider: "anthropic", value });
  const useBlock = (id: string) => ({ type: "server_tool_use", id, name: "web_search", input: {} });
  const resultBlock = (id: string) => ({
    type: "web_search_tool_result",
    tool_use_id: id,
    content: [{ type: "web_search_result", encrypted_content: "opaque" }],
  });
  const call = (id: string, contentOffset?: number) => ({
    id,
    name: "web_search",
    input: {},
    record: record(useBlock(id)),
    ...(contentOffset === undefined ? {} : { contentOffset }),
  });
  const result = (id: string, contentOffset?: number) => ({
    toolCallId: id,
    name: "web_search",
    content: resultBlock(id).content,
    record: record(resultBlock(id)),
    ...(contentOffset === undefined ? {} : { contentOffset }),
  });
  const assistantTurn = (prompt: ReturnType<typeof convertToAnthropicMessages>) =>
    prompt.messages.find((message) => message.role === "assistant")!.content;

  it("cuts the text at each item's offset; each call is followed by its results, earlier turns' results first", () => {
    const prompt = convertToAnthropicMessages([
      Message.user("q"),
      {
        role: "assistant",
        content: "Searching. Found. Done.",
        serverToolCalls: [call("s2", 18), call("s1", 11)],
        serverToolResults: [result("s1", 11), result("old", 11), result("s2", 18)],
        toolCalls: [{ id: "t", name: "save", arguments: "{}" }],
      },
    ]);
    expect(assistantTurn(prompt)).toEqual([
      { type: "text", text: "Searching. " },
      resultBlock("old"),
      useBlock("s1"),
      resultBlock("s1"),
      { type: "text", text: "Found. " },
      useBlock("s2"),
      resultBlock("s2"),
      { type: "text", text: "Done." },
      { type: "tool_use", id: "t", name: "save", input: {} },
    ]);
  });

  it("puts items without an offset before the text, and clamps an offset past its end", () => {
    const prompt = convertToAnthropicMessages([
      Message.user("q"),
      {
        role: "assistant",
        content: "Answer",
        serverToolCalls: [call("s1"), call("s2", 99)],
        serverToolResults: [result("s1"), result("s2", 99)],
      },
    ]);
    expect(assistantTurn(prompt)).toEqual([
      useBlock("s1"),
      resultBlock("s1"),
      { type: "text", text: "Answer" },
      useBlock("s2"),
      resultBlock("s2"),
    ]);
  });

  it("rebuilds calls and results that have no record; leaves out another provider's", () => {
    const prompt = convertToAnthropicMessages([
      Message.user("q"),
      {
        role: "assistant",
        content: "",
        serverToolCalls: [
          { id: "m1", name: "echo", server: "example-mcp", input: { x: 1 } },
          { id: "b1", name: "bash_code_execution", input: { command: "ls" } },
          { id: "t1", name: "tool_search_tool_regex", input: { query: "w" } },
          { id: "o1", name: "web_search", input: {}, record: { provider: "openai", value: {} } },
        ],
        serverToolResults: [
          { toolCallId: "m1", name: "echo", content: [{ type: "text", text: "x" }], isError: true },
          { toolCallId: "b1", name: "bash_code_execution", content: { stdout: "a" } },
          { toolCallId: "t1", name: "tool_search_tool_regex", content: { tool_references: [] } },
          {
            toolCallId: "o1",
            name: "web_search",
            content: [],
            record: { provider: "openai", value: {} },
          },
        ],
      },
    ]);
    expect(assistantTurn(prompt)).toEqual([
      { type: "mcp_tool_use", id: "m1", name: "echo", server_name: "example-mcp", input: { x: 1 } },
      {
        type: "mcp_tool_result",
        tool_use_id: "m1",
        content: [{ type: "text", text: "x" }],
        is_error: true,
      },
      { type: "server_tool_use", id: "b1", name: "bash_code_execution", input: { command: "ls" } },
      { type: "bash_code_execution_tool_result", tool_use_id: "b1", content: { stdout: "a" } },
      { type: "server_tool_use", id: "t1", name: "tool_search_tool_regex", input: { query: "w" } },
      { type: "tool_search_tool_result", tool_use_id: "t1", content: { tool_references: [] } },
    ]);
  });

  it.each([
    [
      "serverToolCalls that is not an array",
      { serverToolCalls: "x" },
      /serverToolCalls must be an array/,
    ],
    [
      "a call without an id",
      { serverToolCalls: [{ name: "web_search", input: {} }] },
      /serverToolCalls\[0\] must be a server tool call/,
    ],
    [
      "a call whose input is not an object",
      { serverToolCalls: [{ id: "s", name: "web_search", input: "q" }] },
      /serverToolCalls\[0\]\.input must be a JSON object/,
    ],
    [
      "a negative offset",
      { serverToolCalls: [{ ...call("s"), contentOffset: -1 }] },
      /contentOffset must be a non-negative integer/,
    ],
    [
      "a record that is not a server block",
      { serverToolCalls: [{ ...call("s"), record: record({ type: "text", text: "x" }) }] },
      /record is not an Anthropic server tool use block/,
    ],
    [
      "a result without a toolCallId",
      { serverToolResults: [{ name: "web_search", content: [] }] },
      /serverToolResults\[0\] must be a server tool result/,
    ],
    [
      "a record without a provider",
      { serverToolResults: [{ ...result("s"), record: { value: {} } }] },
      /record must be \{provider, value\}/,
    ],
  ])("rejects %s with invalid_input", (_name, fields, pattern) => {
    let caught: unknown;
    try {
      convertToAnthropicMessages([
        Message.user("q"),
        { role: "assistant", content: "a", ...(fields as object) } as Message,
      ]);
    } catch (error) {
      caught = error;
    }
    expect(RatatoskrError.isInstance(caught, "invalid_input"), String(caught)).toBe(true);
    expect((caught as RatatoskrError).message).toMatch(/^messages\[1\]\./);
    expect((caught as RatatoskrError).message).toMatch(pattern);
  });
});
