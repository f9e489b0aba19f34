import { Message } from "@ratatoskr/core";
import { chatRequestFor, jsonReply, sseReply } from "@ratatoskr/testing";
import { runProviderConformance, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { openrouterDescriptor } from "./openrouter-descriptor.ts";
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
  descriptor: openrouterDescriptor,
  scenarios: {
    models: {
      prepare: () => server.reply(jsonReply(200, fixture("openrouter-models.json"))),
      minModels: 6,
      metadata: {
        prepare: () => server.reply(jsonReply(200, fixture("openrouter-models.json"))),
        model: "anthropic/claude-sonnet-4.6",
        expectKnown: true,
      },
    },
    warnings: {
      prepare: () =>
        server.reply(jsonReply(200, fixture("openrouter-chat-completion-reasoning.json"))),
      model: "z-ai/glm-4.5",
      messages,
      // cachePrompt with tools and no system message: nothing stable to mark.
      settings: { tools },
      unsupportedSettings: { cachePrompt: true },
      unknownProviderOption: "service_tier",
    },
    chatStream: {
      prepare: () =>
        server.reply(sseReply(fixture("openrouter-chat-stream-reasoning.sse"), { chunkSize: 9 })),
      messages,
      model: "z-ai/glm-4.5",
      expectContent: "15 × 23 = **345**",
    },
    chat: {
      prepare: () =>
        server.reply(jsonReply(200, fixture("openrouter-chat-completion-reasoning.json"))),
      messages,
      model: "z-ai/glm-4.5",
      expectContent: "15 × 23 = **345**",
    },
    toolCalls: {
      prepare: () => server.reply(sseReply(fixture("openrouter-chat-stream-reasoning-tool.sse"))),
      messages,
      model,
      settings: { tools },
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
      model,
    },
    errors: {
      "401 on GET /models": {
        prepare: () => server.reply(jsonReply(401, fixture("openrouter-error-401.json"))),
        call: (provider, signal) => provider.models!.listModels({ signal }),
        code: "authentication",
        secret: KEY,
      },
      "401": {
        prepare: () => server.reply(jsonReply(401, fixture("openrouter-error-401.json"))),
        call: (provider, signal) =>
          provider.chat!.stream!(chatRequestFor(messages, { model, signal })),
        code: "authentication",
        secret: KEY,
      },
      "429": {
        prepare: () =>
          server.reply(
            jsonReply(429, fixture("openrouter-error-429.json"), { "retry-after": "1" }),
          ),
        call: (provider, signal) =>
          provider.chat!.stream!(chatRequestFor(messages, { model, signal })),
        code: "rate_limited",
        secret: KEY,
      },
      "mid-stream error": {
        prepare: () =>
          server.reply(sseReply(fixture("openrouter-chat-stream-midstream-error.sse"))),
        call: (provider, signal) =>
          provider.chat!.stream!(chatRequestFor(messages, { model, signal })),
        code: "rate_limited",
        secret: KEY,
      },
    },
  },
});
