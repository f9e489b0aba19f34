import { Message } from "@ratatoskr/core";
import { jsonReply, sseReply } from "@ratatoskr/testing";
import { runProviderConformance, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { createOpenAICompatible } from "./openai-compatible-provider.ts";
import { fixture, TEST_API_KEY as KEY } from "./openai-fixtures.test-helpers.ts";

const server = useOpenAIWireMockServer();

const messages = [Message.user("Hi")];
const tools = [
  {
    name: "get_weather",
    parameters: { type: "object", properties: { location: { type: "string" } } },
  },
];

runProviderConformance({
  name: "openai-compat",
  createProvider: () =>
    createOpenAICompatible({ id: "compat", baseURL: `${server.url}/v1`, apiKey: KEY }),
  scenarios: {
    chat: {
      prepare: () => server.reply(jsonReply(200, fixture("openai-chat-completion-text.json"))),
      messages,
      options: { model: "gpt-4o-mini" },
      expectContent: "Hello! How can I help you today?",
    },
    chatStream: {
      prepare: () =>
        server.reply(sseReply(fixture("openai-chat-stream-text.sse"), { chunkSize: 5 })),
      messages,
      options: { model: "gpt-4o-mini" },
      expectContent: "Hello! How can I help you today?",
    },
    toolCalls: {
      prepare: () => server.reply(sseReply(fixture("openai-chat-stream-tools-interleaved.sse"))),
      messages,
      options: { model: "gpt-4o", tools },
      expectToolCalls: ["GetWeatherArgs", "get_stock_price"],
    },
    abort: {
      prepare: () =>
        server.reply(
          sseReply(fixture("openai-chat-stream-text.sse"), {
            chunkSize: 400,
            delayMs: 5,
            hang: true,
          }),
        ),
      messages,
      options: { model: "gpt-4o-mini" },
    },
    errors: {
      "401": {
        prepare: () => server.reply(jsonReply(401, fixture("openai-error-401.json"))),
        call: (p, o) => p.chatStream!(messages, { ...o, model: "m" }),
        code: "authentication",
        secret: KEY,
      },
      "404": {
        prepare: () => server.reply(jsonReply(404, fixture("openai-error-404.json"))),
        call: (p, o) => p.chat!(messages, { ...o, model: "m" }),
        code: "model_not_found",
        secret: KEY,
      },
      "429 with retry-after": {
        prepare: () =>
          server.reply(jsonReply(429, fixture("openai-error-429.json"), { "retry-after": "1" })),
        call: (p, o) => p.chatStream!(messages, { ...o, model: "m" }),
        code: "rate_limited",
        secret: KEY,
      },
      "500": {
        prepare: () => server.reply(jsonReply(500, fixture("openai-error-500.json"))),
        call: (p, o) => p.chatStream!(messages, { ...o, model: "m" }),
        code: "provider",
        secret: KEY,
      },
      "mid-stream error": {
        prepare: () =>
          server.reply(sseReply(fixture("compatible-chat-stream-midstream-error.sse"))),
        call: (p, o) => p.chatStream!(messages, { ...o, model: "m" }),
        code: "provider",
        secret: KEY,
      },
      "cut stream": {
        prepare: () => server.reply(sseReply(fixture("openai-chat-stream-cut.sse"))),
        call: (p, o) => p.chatStream!(messages, { ...o, model: "m" }),
        code: "stream",
        secret: KEY,
      },
    },
  },
  skip: {},
});
