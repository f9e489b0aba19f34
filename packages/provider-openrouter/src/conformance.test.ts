import { Message } from "@ratatoskr/core";
import { jsonReply, sseReply } from "@ratatoskr/testing";
import { runProviderConformance, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { fixture, TEST_API_KEY as KEY } from "./openrouter-fixtures.test-helpers.ts";
import { createOpenRouter } from "./openrouter-provider.ts";

const server = useOpenAIWireMockServer();

const messages = [Message.user("Hi")];
const tools = [
  {
    name: "get_weather",
    parameters: { type: "object", properties: { location: { type: "string" } } },
  },
];
const model = "anthropic/claude-sonnet-4";

runProviderConformance({
  name: "openrouter",
  createProvider: () => createOpenRouter({ apiKey: KEY, baseURL: `${server.url}/api/v1` }),
  scenarios: {
    chatStream: {
      prepare: () =>
        server.reply(sseReply(fixture("openrouter-chat-stream-reasoning.sse"), { chunkSize: 9 })),
      messages,
      options: { model: "z-ai/glm-4.5" },
      expectContent: "15 × 23 = **345**",
    },
    chat: {
      prepare: () =>
        server.reply(jsonReply(200, fixture("openrouter-chat-completion-reasoning.json"))),
      messages,
      options: { model: "z-ai/glm-4.5" },
      expectContent: "15 × 23 = **345**",
    },
    toolCalls: {
      prepare: () => server.reply(sseReply(fixture("openrouter-chat-stream-reasoning-tool.sse"))),
      messages,
      options: { model, tools },
      expectToolCalls: ["get_weather"],
    },
    abort: {
      prepare: () =>
        server.reply(
          sseReply(fixture("openrouter-chat-stream-reasoning.sse"), {
            chunkSize: 300,
            delayMs: 5,
            hang: true,
          }),
        ),
      messages,
      options: { model },
    },
    errors: {
      "401": {
        prepare: () => server.reply(jsonReply(401, fixture("openrouter-error-401.json"))),
        call: (p, o) => p.chatStream!(messages, { ...o, model }),
        code: "authentication",
        secret: KEY,
      },
      "429": {
        prepare: () =>
          server.reply(
            jsonReply(429, fixture("openrouter-error-429.json"), { "retry-after": "1" }),
          ),
        call: (p, o) => p.chatStream!(messages, { ...o, model }),
        code: "rate_limited",
        secret: KEY,
      },
      "mid-stream error": {
        prepare: () =>
          server.reply(sseReply(fixture("openrouter-chat-stream-midstream-error.sse"))),
        call: (p, o) => p.chatStream!(messages, { ...o, model }),
        code: "rate_limited",
        secret: KEY,
      },
    },
  },
});
