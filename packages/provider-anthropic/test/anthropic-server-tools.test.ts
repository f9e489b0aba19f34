/**
 * Server tools (web search, web fetch, code execution, the MCP connector):
 * their calls and results reach the caller as `server_tool_call` /
 * `server_tool_result`, never as client tool calls, the text after them keeps
 * streaming, and the next turn sends the blocks back as they came.
 * Fixtures: src/__fixtures__/README.md names the documentation each one follows.
 */

import {
  type ChatEvent,
  Message,
  type ServerToolCall,
  type ServerToolResult,
  type ToolDefinition,
  toAssistantMessage,
} from "@ratatoskr/core";
import { chatRequestFor } from "@ratatoskr/testing";
import { assertChatEventProtocol } from "@ratatoskr/testing/conformance";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAnthropic } from "../src/index.ts";
import {
  type AnthropicMock,
  fixture,
  fixtureJson,
  startAnthropicMock,
} from "./anthropic-mock-server.ts";
import { collectResponse, drainEvents as drain, MODEL } from "./anthropic-requests.ts";

const KEY = "test-key-canary-123456";
const WEB_SEARCH = { tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 5 }] };
const SAVE: ToolDefinition = {
  name: "save_summary",
  parameters: { type: "object", properties: { rows: { type: "integer" } } },
};

let mock: AnthropicMock;
beforeAll(async () => {
  mock = await startAnthropicMock();
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  mock.reset();
});

const provider = () => createAnthropic({ apiKey: KEY, baseURL: mock.url });
const user = [Message.user("When was Claude Shannon born?")];

async function streamFixture(name: string, tools?: ToolDefinition[]): Promise<ChatEvent[]> {
  mock.enqueue({ sse: fixture(name) });
  return drain(
    provider().chat.stream(
      chatRequestFor(user, {
        model: MODEL,
        ...(tools === undefined ? {} : { tools }),
        providerOptions: WEB_SEARCH,
      }),
    ),
  );
}

const SEARCH_ID = "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE";
const SEARCH_RESULTS = [
  {
    type: "web_search_result",
    url: "https://en.wikipedia.org/wiki/Claude_Shannon",
    title: "Claude Shannon - Wikipedia",
    encrypted_content: "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y...",
    page_age: "April 30, 2025",
  },
];
const SEARCH_CALL: ServerToolCall = {
  id: SEARCH_ID,
  name: "web_search",
  input: { query: "claude shannon birth date" },
  record: {
    provider: "anthropic",
    value: {
      type: "server_tool_use",
      id: SEARCH_ID,
      name: "web_search",
      input: { query: "claude shannon birth date" },
    },
  },
};
const SEARCH_RESULT: ServerToolResult = {
  toolCallId: SEARCH_ID,
  name: "web_search",
  content: SEARCH_RESULTS,
  record: {
    provider: "anthropic",
    value: { type: "web_search_tool_result", tool_use_id: SEARCH_ID, content: SEARCH_RESULTS },
  },
};
const ANSWER =
  "I'll search for when Claude Shannon was born.Based on the search results, Claude Shannon was born on April 30, 1916, in Petoskey, Michigan";
const SEARCH_USAGE = {
  promptTokens: 6039,
  completionTokens: 931,
  totalTokens: 6970,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  serverToolRequests: { web_search: 1 },
};

describe("web search", () => {
  it("streams the search as server_tool_call / server_tool_result, and the text after it keeps streaming", async () => {
    const events = await streamFixture("web-search.sse");
    expect(events).toEqual([
      { type: "content", text: "I'll search for when Claude Shannon was born." },
      { type: "server_tool_call", call: SEARCH_CALL },
      { type: "server_tool_result", result: SEARCH_RESULT },
      { type: "content", text: "Based on the search results, " },
      {
        type: "content",
        text: "Claude Shannon was born on April 30, 1916, in Petoskey, Michigan",
      },
      { type: "usage", usage: SEARCH_USAGE },
      {
        type: "done",
        finishReason: "stop",
        rawFinishReason: "end_turn",
        usage: SEARCH_USAGE,
      },
    ]);
    const response = assertChatEventProtocol(events);
    expect(response.toolCalls).toEqual([]);
    expect(response.content).toBe(ANSWER);
    // The server tool came from the anthropic provider options, in Anthropic's format.
    expect(mock.body().tools).toEqual(WEB_SEARCH.tools);
    expect(response.serverToolCalls).toEqual([{ ...SEARCH_CALL, contentOffset: 45 }]);
    expect(response.serverToolResults).toEqual([{ ...SEARCH_RESULT, contentOffset: 45 }]);
  });

  it("a non-streamed answer carries the same server tool call and result", async () => {
    mock.enqueue({ json: fixture("message-web-search.json") });
    const response = await provider().chat.complete(
      chatRequestFor(user, { model: MODEL, providerOptions: WEB_SEARCH }),
    );
    expect(response.content).toBe(ANSWER);
    expect(response.toolCalls).toEqual([]);
    expect(response.serverToolCalls).toEqual([{ ...SEARCH_CALL, contentOffset: 45 }]);
    expect(response.serverToolResults).toEqual([{ ...SEARCH_RESULT, contentOffset: 45 }]);
    expect(response.usage).toEqual(SEARCH_USAGE);
    expect(response.finishReason).toBe("stop");
  });

  it("a non-streamed server tool block without its ids is a data error, never a TypeError", async () => {
    const message = fixtureJson<{ content: Array<Record<string, unknown>> }>(
      "message-web-search.json",
    );
    delete message.content[2]!.tool_use_id;
    mock.enqueue({ json: message });
    let caught: unknown;
    try {
      await provider().chat.complete(chatRequestFor(user, { model: MODEL }));
    } catch (error) {
      caught = error;
    }
    expect((caught as { code?: string }).code).toBe("data");
    expect(String((caught as Error).message)).toMatch(
      /content\[2\] \(web_search_tool_result\) has no string tool_use_id/,
    );
  });

  it("the next turn sends the search back in its place, verbatim", async () => {
    mock.enqueue({ sse: fixture("web-search.sse") });
    const first = await collectResponse(
      provider().chat.stream(chatRequestFor(user, { model: MODEL, providerOptions: WEB_SEARCH })),
    );
    mock.enqueue({ sse: fixture("text.sse") });
    await drain(
      provider().chat.stream(
        chatRequestFor([...user, toAssistantMessage(first), Message.user("And where?")], {
          model: MODEL,
          providerOptions: WEB_SEARCH,
        }),
      ),
    );
    const messages = mock.body().messages as Array<{ role: string; content: unknown }>;
    expect(messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "I'll search for when Claude Shannon was born." },
        SEARCH_CALL.record!.value,
        SEARCH_RESULT.record!.value,
        {
          type: "text",
          text: "Based on the search results, Claude Shannon was born on April 30, 1916, in Petoskey, Michigan",
        },
      ],
    });
    expect(messages[2]).toEqual({ role: "user", content: "And where?" });
  });

  it("a failed search is a result with isError", async () => {
    const events = await streamFixture("web-search-error.sse");
    const result = events.find((event) => event.type === "server_tool_result");
    expect(result).toEqual({
      type: "server_tool_result",
      result: expect.objectContaining({
        toolCallId: "srvtoolu_01MaxUses3Fq9Kd",
        name: "web_search",
        isError: true,
        content: { type: "web_search_tool_result_error", error_code: "max_uses_exceeded" },
      }),
    });
    expect(assertChatEventProtocol(events).content).toBe("I could not search any further.");
  });
});

describe("web fetch and pause_turn", () => {
  it("a paused turn ends with finishReason pause; sending it back lets the model continue", async () => {
    const events = await streamFixture("web-fetch-pause-turn.sse");
    const response = assertChatEventProtocol(events);
    expect(response.finishReason).toBe("pause");
    expect(response.rawFinishReason).toBe("pause_turn");
    expect(response.toolCalls).toEqual([]);
    expect(response.serverToolCalls?.map(({ name, input }) => ({ name, input }))).toEqual([
      { name: "web_fetch", input: { url: "https://example.com/article" } },
    ]);
    expect(response.serverToolResults?.[0]?.content).toMatchObject({
      type: "web_fetch_result",
      url: "https://example.com/article",
    });
    expect(response.usage?.serverToolRequests).toEqual({ web_fetch: 1 });

    mock.enqueue({ sse: fixture("text.sse") });
    await drain(
      provider().chat.stream(
        chatRequestFor([...user, toAssistantMessage(response)], {
          model: MODEL,
          providerOptions: WEB_SEARCH,
        }),
      ),
    );
    const messages = mock.body().messages as Array<{ role: string; content: unknown }>;
    expect(messages.at(-1)).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "I'll fetch the article." },
        response.serverToolCalls![0]!.record!.value,
        response.serverToolResults![0]!.record!.value,
      ],
    });
  });
});

describe("code execution", () => {
  it("bash and text editor sub-tools are server tool calls; only the client tool_use is a tool call", async () => {
    const events = await streamFixture("code-execution.sse", [SAVE]);
    const response = assertChatEventProtocol(events);
    expect(events.filter((event) => event.type === "tool_call_start")).toEqual([
      { type: "tool_call_start", index: 0, id: "toolu_01SaveSummary4Rt7Yp", name: "save_summary" },
    ]);
    expect(response.toolCalls).toEqual([
      { id: "toolu_01SaveSummary4Rt7Yp", name: "save_summary", arguments: '{"rows": 2}' },
    ]);
    expect(response.finishReason).toBe("tool_calls");
    expect(response.serverToolCalls?.map(({ name, input }) => ({ name, input }))).toEqual([
      {
        name: "text_editor_code_execution",
        input: {
          command: "create",
          path: "analyze.py",
          file_text: "import pandas as pd\nprint(pd.read_csv('data.csv').head())\n",
        },
      },
      { name: "bash_code_execution", input: { command: "python analyze.py" } },
    ]);
    expect(
      response.serverToolResults?.map(({ name, content, isError }) => ({ name, content, isError })),
    ).toEqual([
      {
        name: "text_editor_code_execution",
        content: { type: "text_editor_code_execution_create_result", is_file_update: false },
        isError: undefined,
      },
      {
        name: "bash_code_execution",
        content: {
          type: "bash_code_execution_result",
          stdout: "   A  B  C\n0  1  2  3\n1  4  5  6",
          stderr: "",
          return_code: 0,
          content: [],
        },
        isError: undefined,
      },
    ]);
    expect(response.content).toBe("The table has two rows. Saving the summary.");
  });

  it("a tool loop answers only the client call; the server blocks go back before it", async () => {
    mock.enqueue({ sse: fixture("code-execution.sse") });
    const response = await collectResponse(
      provider().chat.stream(chatRequestFor(user, { model: MODEL, tools: [SAVE] })),
    );
    mock.enqueue({ sse: fixture("text.sse") });
    const conversation = [
      ...user,
      toAssistantMessage(response),
      ...response.toolCalls.map((call) => Message.toolResult(call.id, "saved", call.name)),
    ];
    await drain(
      provider().chat.stream(chatRequestFor(conversation, { model: MODEL, tools: [SAVE] })),
    );
    const messages = mock.body().messages as Array<{
      role: string;
      content: Array<{ type: string }>;
    }>;
    expect(messages[1]!.content.map((block) => block.type)).toEqual([
      "server_tool_use",
      "text_editor_code_execution_tool_result",
      "server_tool_use",
      "bash_code_execution_tool_result",
      "text",
      "tool_use",
    ]);
    expect(messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_01SaveSummary4Rt7Yp", content: "saved" },
      ],
    });
  });
});

describe("MCP connector", () => {
  it("mcp_tool_use / mcp_tool_result are server tool events naming the MCP server", async () => {
    const events = await streamFixture("mcp-tool-use.sse");
    const mcpId = "mcptoolu_014Q35RayjACSWkSj4X2yov1";
    expect(events.filter((event) => event.type.startsWith("server_tool"))).toEqual([
      {
        type: "server_tool_call",
        call: {
          id: mcpId,
          name: "echo",
          server: "example-mcp",
          input: { param1: "value1", param2: "value2" },
          record: {
            provider: "anthropic",
            value: {
              type: "mcp_tool_use",
              id: mcpId,
              name: "echo",
              server_name: "example-mcp",
              input: { param1: "value1", param2: "value2" },
            },
          },
        },
      },
      {
        type: "server_tool_result",
        result: {
          toolCallId: mcpId,
          name: "echo",
          content: [{ type: "text", text: "Hello" }],
          isError: false,
          record: {
            provider: "anthropic",
            value: {
              type: "mcp_tool_result",
              tool_use_id: mcpId,
              is_error: false,
              content: [{ type: "text", text: "Hello" }],
            },
          },
        },
      },
    ]);
    const response = assertChatEventProtocol(events);
    expect(response.content).toBe("I'll call the echo tool.The tool said: Hello");
    expect(response.toolCalls).toEqual([]);
  });
});

describe("streamed and non-streamed answers agree", () => {
  it("for the documented web search response", async () => {
    mock.enqueue({ json: fixtureJson("message-web-search.json") });
    const unary = await provider().chat.complete(chatRequestFor(user, { model: MODEL }));
    mock.enqueue({ sse: fixture("web-search.sse") });
    const streamed = await collectResponse(
      provider().chat.stream(chatRequestFor(user, { model: MODEL })),
    );
    expect(streamed.content).toBe(unary.content);
    expect(streamed.serverToolCalls).toEqual(unary.serverToolCalls);
    expect(streamed.serverToolResults).toEqual(unary.serverToolResults);
  });
});
