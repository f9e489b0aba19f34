import { Message } from "@ratatoskr/core";
import { chatRequestFor, jsonReply, sseReply } from "@ratatoskr/testing";
import {
  type ErrorScenario,
  runProviderConformance,
  useOpenAIWireMockServer,
} from "@ratatoskr/testing/conformance";
import { ollamaDescriptor } from "./ollama-descriptor.ts";
import { embedRequest, fixture, ndjsonReply } from "./ollama-fixtures.test-helpers.ts";
import { createOllama } from "./ollama-provider.ts";

const server = useOpenAIWireMockServer();

/** A complete answer of Ollama's `/v1/chat/completions`. */
const openAIWireCompletion = {
  id: "chatcmpl-93",
  object: "chat.completion",
  created: 1764002100,
  model: "llama3.2",
  system_fingerprint: "fp_ollama",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "Hello!" },
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 26, completion_tokens: 3, total_tokens: 29 },
};

const messages = [Message.user("Hi")];
const tools = [
  { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
];

const embeddingScenarios = {
  embed: {
    prepare: () => server.reply(jsonReply(200, fixture("ollama-embed-batch.json"))),
    values: ["first text", "second text"],
    model: "all-minilm",
    dimensions: 384,
    // A chat-only option: an embedding call does not send it.
    unknownProviderOption: "think",
  },
};

const missingEmbeddingModel: ErrorScenario = {
  prepare: () => server.reply(jsonReply(404, fixture("ollama-error-404-model.json"))),
  call: (provider, signal) =>
    provider.embedding!.embed(embedRequest(["x"], "nomic-embed-text", { signal })),
  code: "model_not_found",
};

const modelCatalogScenario = {
  prepare: () => server.reply(jsonReply(200, fixture("ollama-tags.json"))),
  minModels: 2,
  metadata: {
    prepare: () => server.reply(jsonReply(200, fixture("ollama-show-llama.json"))),
    model: "llama3.2",
    expectKnown: true,
  },
  status: {
    prepare: () =>
      server.reply(
        jsonReply(200, fixture("ollama-tags.json")),
        jsonReply(200, fixture("ollama-ps.json")),
      ),
    model: "llama3.2",
    expectKnown: true,
  },
};

runProviderConformance({
  name: "ollama (native /api/chat, the default)",
  createProvider: () => createOllama({ baseURL: server.url }),
  descriptor: ollamaDescriptor,
  scenarios: {
    models: modelCatalogScenario,
    warnings: {
      prepare: () => server.reply(ndjsonReply(fixture("ollama-chat-stream-tools.ndjson"))),
      model: "llama3.2",
      messages,
      settings: { tools },
      unsupportedSettings: {
        toolChoice: "required",
        parallelToolCalls: false,
        reasoning: { maxTokens: 512 },
      },
      unknownProviderOption: "truncate",
    },
    chatStream: {
      prepare: () =>
        server.reply(ndjsonReply(fixture("ollama-chat-stream-text.ndjson"), { chunkSize: 3 })),
      messages,
      model: "llama3.2",
      expectContent: "That's a fantastic question!",
    },
    chat: {
      prepare: () => server.reply(ndjsonReply(fixture("ollama-chat-stream-thinking.ndjson"))),
      messages,
      model: "qwen3",
      settings: { reasoning: { effort: "low" } },
      expectContent: "17 × 23 = **391**",
    },
    toolCalls: {
      prepare: () => server.reply(ndjsonReply(fixture("ollama-chat-stream-tools-parallel.ndjson"))),
      messages,
      model: "qwen3:8b",
      settings: { tools },
      expectToolCalls: ["get_weather", "get_weather"],
    },
    abort: {
      prepare: () =>
        server.reply(
          ndjsonReply(fixture("ollama-chat-stream-text.ndjson"), {
            chunkSize: 300,
            delayMs: 5,
            hang: true,
          }),
        ),
      messages,
      model: "llama3.2",
    },
    ...embeddingScenarios,
    errors: {
      "missing chat model": {
        prepare: () => server.reply(jsonReply(404, fixture("ollama-error-404-chat-model.json"))),
        call: (provider, signal) =>
          provider.chat!.stream!(chatRequestFor(messages, { model: "llama3.2", signal })),
        code: "model_not_found",
      },
      "an error object mid-stream": {
        prepare: () =>
          server.reply(ndjsonReply(fixture("ollama-chat-stream-midstream-error.ndjson"))),
        call: (provider, signal) =>
          provider.chat!.stream!(chatRequestFor(messages, { model: "llama3.2", signal })),
        code: "stream",
      },
      "missing embedding model": missingEmbeddingModel,
    },
  },
});

runProviderConformance({
  name: 'ollama (transport "openai", /v1)',
  createProvider: () => createOllama({ baseURL: server.url, transport: "openai" }),
  descriptor: ollamaDescriptor,
  scenarios: {
    models: modelCatalogScenario,
    warnings: {
      prepare: () => server.reply(jsonReply(200, openAIWireCompletion)),
      model: "llama3.2",
      messages,
      settings: { tools },
      unsupportedSettings: {
        topK: 40,
        toolChoice: "required",
        parallelToolCalls: false,
        reasoning: { maxTokens: 512 },
      },
      unknownProviderOption: "keep_alive",
    },
    chatStream: {
      prepare: () =>
        server.reply(sseReply(fixture("ollama-openai-chat-stream-text.sse"), { chunkSize: 3 })),
      messages,
      model: "llama3.2",
      expectContent: "That's a fantastic question!",
    },
    chat: {
      prepare: () => server.reply(jsonReply(200, openAIWireCompletion)),
      messages,
      model: "llama3.2",
      expectContent: "Hello!",
    },
    toolCalls: {
      prepare: () =>
        server.reply(sseReply(fixture("ollama-openai-chat-stream-tools-index-zero.sse"))),
      messages,
      model: "qwen3:8b",
      settings: { tools },
      expectToolCalls: ["get_weather", "get_weather"],
    },
    abort: {
      prepare: () =>
        server.reply(
          sseReply(fixture("ollama-openai-chat-stream-text.sse"), {
            chunkSize: 300,
            delayMs: 5,
            hang: true,
          }),
        ),
      messages,
      model: "llama3.2",
    },
    ...embeddingScenarios,
    errors: {
      "missing chat model": {
        prepare: () => server.reply(jsonReply(404, fixture("ollama-openai-error-404-model.json"))),
        call: (provider, signal) =>
          provider.chat!.stream!(chatRequestFor(messages, { model: "llama3.2", signal })),
        code: "model_not_found",
      },
      "missing embedding model": missingEmbeddingModel,
    },
  },
});
