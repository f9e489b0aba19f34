import { Message, type ProviderV1 } from "@ratatoskr/core";
import { chatRequestFor } from "@ratatoskr/testing";
import { runProviderConformance } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll } from "vitest";
import { anthropicDescriptor, createAnthropic } from "../src/index.ts";
import { type AnthropicMock, fixture, startAnthropicMock } from "./anthropic-mock-server.ts";
import { MODEL } from "./anthropic-requests.ts";

const KEY = "test-key-canary-123456";
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
const stream = (provider: ProviderV1, signal: AbortSignal) =>
  provider.chat!.stream!(chatRequestFor(messages, { model: MODEL, signal }));

runProviderConformance({
  name: "anthropic",
  createProvider: () => createAnthropic({ apiKey: KEY, baseURL: mock.url }),
  descriptor: anthropicDescriptor,
  scenarios: {
    models: {
      prepare: () =>
        mock.enqueue(
          { json: fixture("models-page-1.json") },
          { json: fixture("models-page-2.json") },
        ),
      minModels: 3,
      metadata: {
        prepare: () => mock.enqueue({ json: fixture("model-opus.json") }),
        model: "claude-opus-4-6",
        expectKnown: true,
      },
    },
    chat: {
      prepare: () => mock.enqueue({ json: fixture("message-text.json") }),
      model: MODEL,
      messages,
      expectContent: "Hi! My name is Claude.",
    },
    chatStream: {
      prepare: serve("text.sse"),
      model: MODEL,
      messages,
      expectContent: "Hello! How can I help you today?",
    },
    toolCalls: {
      prepare: serve("parallel-tool-use.sse"),
      model: MODEL,
      messages,
      settings: { tools },
      expectToolCalls: ["get_weather", "get_weather", "get_time"],
    },
    serverTools: {
      prepare: serve("web-search.sse"),
      model: MODEL,
      messages,
      providerOptions: { tools: [{ type: "web_search_20250305", name: "web_search" }] },
      expectServerToolCalls: ["web_search"],
    },
    abort: {
      prepare: () =>
        mock.enqueue({ sseThenHang: fixture("text.sse").split("event: content_block_stop")[0]! }),
      model: MODEL,
      messages,
    },
    warnings: {
      prepare: () => mock.enqueue({ json: fixture("message-text.json") }),
      model: MODEL,
      messages,
      unsupportedSettings: {
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        seed: 7,
        frequencyPenalty: 0.1,
        presencePenalty: 0.1,
        responseFormat: { type: "json_object" },
      },
      unknownProviderOption: "transforms",
    },
    countTokens: {
      prepare: () => mock.enqueue({ json: fixture("count-tokens.json") }),
      text: "Hello, world",
      model: MODEL,
      expectCount: 2095,
    },
    errors: {
      "401 on GET /v1/models": {
        prepare: serve("error-401.json", 401),
        call: (provider, signal) => provider.models!.listModels({ signal }),
        code: "authentication",
        secret: KEY,
      },
      "401 authentication_error": {
        prepare: serve("error-401.json", 401),
        call: stream,
        code: "authentication",
        secret: KEY,
      },
      "429 rate_limit_error": {
        prepare: serve("error-429.json", 429),
        call: (provider, signal) =>
          provider.chat!.complete!(chatRequestFor(messages, { model: MODEL, signal })),
        code: "rate_limited",
        secret: KEY,
      },
      "529 overloaded_error": {
        prepare: serve("error-529.json", 529),
        call: stream,
        code: "provider",
        secret: KEY,
      },
      "400 prompt is too long": {
        prepare: serve("error-400-prompt-too-long.json", 400),
        call: stream,
        code: "context_length_exceeded",
        secret: KEY,
      },
      "mid-stream overloaded_error": {
        prepare: serve("overloaded.sse"),
        call: stream,
        code: "provider",
        secret: KEY,
      },
      "stream cut before message_stop": {
        prepare: serve("cut-before-stop.sse"),
        call: stream,
        code: "stream",
        secret: KEY,
      },
      "count_tokens 401": {
        prepare: serve("error-401.json", 401),
        call: (provider, signal) =>
          provider.tokenCounting!.countTokens({
            model: MODEL,
            text: "hi",
            providerOptions: {},
            signal,
          }),
        code: "authentication",
        secret: KEY,
      },
    },
  },
});
