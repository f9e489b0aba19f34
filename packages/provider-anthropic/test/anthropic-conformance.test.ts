import { Message } from "@ratatoskr/core";
import { runProviderConformance } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll } from "vitest";
import { createAnthropic } from "../src/index.ts";
import { type AnthropicMock, fixture, startAnthropicMock } from "./anthropic-mock-server.ts";

const KEY = "test-key-canary-123456";
const MODEL = "claude-sonnet-4-6";
let mock: AnthropicMock;

beforeAll(async () => {
  mock = await startAnthropicMock({ record: false });
});
afterAll(async () => {
  await mock.close();
});

const messages = [Message.user("What's the weather in Paris?")];
const tools = [
  {
    name: "get_weather",
    parameters: { type: "object", properties: { location: { type: "string" } } },
  },
];
const serve = (file: string, status?: number) => () =>
  mock.enqueue(status === undefined ? { sse: fixture(file) } : { json: fixture(file), status });

runProviderConformance({
  name: "anthropic",
  createProvider: () => createAnthropic({ apiKey: KEY, baseURL: mock.url }),
  scenarios: {
    chat: {
      prepare: () => mock.enqueue({ json: fixture("message-text.json") }),
      messages,
      options: { model: MODEL },
      expectContent: "Hi! My name is Claude.",
    },
    chatStream: {
      prepare: serve("text.sse"),
      messages,
      options: { model: MODEL },
      expectContent: "Hello! How can I help you today?",
    },
    toolCalls: {
      prepare: serve("parallel-tool-use.sse"),
      messages,
      options: { model: MODEL, tools },
      expectToolCalls: ["get_weather", "get_weather", "get_time"],
    },
    serverTools: {
      prepare: serve("web-search.sse"),
      messages,
      options: {
        model: MODEL,
        rawProviderOptions: { tools: [{ type: "web_search_20250305", name: "web_search" }] },
      },
      expectServerToolCalls: ["web_search"],
    },
    abort: {
      prepare: () =>
        mock.enqueue({ sseThenHang: fixture("text.sse").split("event: content_block_stop")[0]! }),
      messages,
      options: { model: MODEL },
    },
    countTokens: {
      prepare: () => mock.enqueue({ json: fixture("count-tokens.json") }),
      text: "Hello, world",
      model: MODEL,
      expectCount: 2095,
    },
    errors: {
      "401 authentication_error": {
        prepare: serve("error-401.json", 401),
        call: (provider, options) => provider.chatStream!(messages, { ...options, model: MODEL }),
        code: "authentication",
        secret: KEY,
      },
      "429 rate_limit_error": {
        prepare: serve("error-429.json", 429),
        call: (provider, options) => provider.chat!(messages, { ...options, model: MODEL }),
        code: "rate_limited",
        secret: KEY,
      },
      "529 overloaded_error": {
        prepare: serve("error-529.json", 529),
        call: (provider, options) => provider.chatStream!(messages, { ...options, model: MODEL }),
        code: "provider",
        secret: KEY,
      },
      "400 prompt is too long": {
        prepare: serve("error-400-prompt-too-long.json", 400),
        call: (provider, options) => provider.chatStream!(messages, { ...options, model: MODEL }),
        code: "context_length_exceeded",
        secret: KEY,
      },
      "mid-stream overloaded_error": {
        prepare: serve("overloaded.sse"),
        call: (provider, options) => provider.chatStream!(messages, { ...options, model: MODEL }),
        code: "provider",
        secret: KEY,
      },
      "stream cut before message_stop": {
        prepare: serve("cut-before-stop.sse"),
        call: (provider, options) => provider.chatStream!(messages, { ...options, model: MODEL }),
        code: "stream",
        secret: KEY,
      },
      "count_tokens 401": {
        prepare: serve("error-401.json", 401),
        call: (provider, options) => provider.countTokens!("hi", MODEL, options),
        code: "authentication",
        secret: KEY,
      },
    },
  },
});
