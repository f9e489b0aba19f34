import { type ChatRequestV1, Message, type ProviderV1 } from "@ratatoskr/core";
import { jsonReply, sseReply } from "@ratatoskr/testing";
import {
  type ConformanceScenarios,
  runProviderConformance,
  useOpenAIWireMockServer,
} from "@ratatoskr/testing/conformance";
import { createOpenAICompatible } from "./openai-compatible-provider.ts";
import { openaiDescriptor } from "./openai-descriptor.ts";
import { fixture, TEST_API_KEY as KEY } from "./openai-fixtures.test-helpers.ts";
import { createOpenAI } from "./openai-provider.ts";

const server = useOpenAIWireMockServer();

const messages = [Message.user("Hi")];
const tools = [
  {
    name: "get_weather",
    parameters: { type: "object", properties: { location: { type: "string" } } },
  },
];

/** A chat stream request for `model` (the error scenarios call the provider directly). */
const streamOf = (provider: ProviderV1, signal: AbortSignal, model = "m") =>
  provider.chat!.stream!({
    model,
    messages,
    settings: {},
    providerOptions: {},
    signal,
  } satisfies ChatRequestV1);

/** The scenarios both presets share: the same wire, the same fixtures. */
function scenarios(model: string): ConformanceScenarios {
  return {
    models: {
      prepare: () => server.reply(jsonReply(200, fixture("openai-models-list.json"))),
      minModels: 5,
    },
    chat: {
      prepare: () => server.reply(jsonReply(200, fixture("openai-chat-completion-text.json"))),
      model,
      messages,
      expectContent: "Hello! How can I help you today?",
    },
    chatStream: {
      prepare: () =>
        server.reply(sseReply(fixture("openai-chat-stream-text.sse"), { chunkSize: 5 })),
      model,
      messages,
      expectContent: "Hello! How can I help you today?",
    },
    toolCalls: {
      prepare: () => server.reply(sseReply(fixture("openai-chat-stream-tools-interleaved.sse"))),
      model,
      messages,
      settings: { tools },
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
      model,
      messages,
    },
    errors: {
      "401": {
        prepare: () => server.reply(jsonReply(401, fixture("openai-error-401.json"))),
        call: (provider, signal) => streamOf(provider, signal, model),
        code: "authentication",
        secret: KEY,
      },
      "404": {
        prepare: () => server.reply(jsonReply(404, fixture("openai-error-404.json"))),
        call: (provider, signal) =>
          provider.chat!.complete!({ model, messages, settings: {}, providerOptions: {}, signal }),
        code: "model_not_found",
        secret: KEY,
      },
      "429 with retry-after": {
        prepare: () =>
          server.reply(jsonReply(429, fixture("openai-error-429.json"), { "retry-after": "1" })),
        call: (provider, signal) => streamOf(provider, signal, model),
        code: "rate_limited",
        secret: KEY,
      },
      "500": {
        prepare: () => server.reply(jsonReply(500, fixture("openai-error-500.json"))),
        call: (provider, signal) => streamOf(provider, signal, model),
        code: "provider",
        secret: KEY,
      },
      "mid-stream error": {
        prepare: () =>
          server.reply(sseReply(fixture("compatible-chat-stream-midstream-error.sse"))),
        call: (provider, signal) => streamOf(provider, signal, model),
        code: "provider",
        secret: KEY,
      },
      "401 on GET /models": {
        prepare: () => server.reply(jsonReply(401, fixture("openai-error-401.json"))),
        call: (provider, signal) => provider.models!.listModels({ signal }),
        code: "authentication",
        secret: KEY,
      },
      "cut stream": {
        prepare: () => server.reply(sseReply(fixture("openai-chat-stream-cut.sse"))),
        call: (provider, signal) => streamOf(provider, signal, model),
        code: "stream",
        secret: KEY,
      },
    },
  };
}

runProviderConformance({
  name: "openai-compat (createOpenAICompatible)",
  createProvider: () =>
    createOpenAICompatible({ id: "compat", baseURL: `${server.url}/v1`, apiKey: KEY }),
  scenarios: {
    ...scenarios("gpt-4o-mini"),
    warnings: {
      prepare: () => server.reply(jsonReply(200, fixture("openai-chat-completion-text.json"))),
      model: "gpt-4o-mini",
      messages,
      // No `unknownProviderOption`: this provider's options are body fields, passed through by design.
      unsupportedSettings: {
        topK: 40,
        cachePrompt: true,
        reasoning: { effort: "low", maxTokens: 512 },
      },
    },
  },
  skip: {
    descriptor:
      "createOpenAICompatible builds a provider for a server the application names, which has no descriptor (openaiDescriptor is checked in the createOpenAI run)",
  },
});

runProviderConformance({
  name: "openai (createOpenAI)",
  createProvider: () => createOpenAI({ apiKey: KEY, baseURL: `${server.url}/v1` }),
  descriptor: openaiDescriptor,
  scenarios: {
    ...scenarios("gpt-4o-mini"),
    warnings: {
      prepare: () => server.reply(jsonReply(200, fixture("openai-chat-completion-text.json"))),
      model: "gpt-4o-mini",
      messages,
      unsupportedSettings: { topK: 40, reasoning: { exclude: true } },
      unknownProviderOption: "transforms",
    },
  },
});
