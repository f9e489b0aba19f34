import { Message, type ProviderV1 } from "@ratatoskr/core";
import { jsonReply, sseReply } from "@ratatoskr/testing";
import { runProviderConformance, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { huggingfaceDescriptor } from "./huggingface-descriptor.ts";
import {
  EMBEDDING_MODEL,
  fixture,
  interceptPost,
  modelPath,
  NLI_MODEL,
  TEST_KEY,
  ZERO_SHOT_MODEL,
} from "./huggingface-fixtures.test-helpers.ts";
import { createHuggingFace } from "./huggingface-provider.ts";

/** The chat router stand-in: each chat scenario queues its reply. */
const chatServer = useOpenAIWireMockServer();
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
const CHAT_MODEL = "meta-llama/Llama-3.1-8B-Instruct";
const chatMessages = [Message.user("Tea or coffee?")];
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

const EMBED_PATH = modelPath(EMBEDDING_MODEL, "feature-extraction");
const allUsed = () => expect(nock.pendingMocks()).toEqual([]);
const embed = (provider: ProviderV1, values: string[], signal: AbortSignal) =>
  provider.embedding!.embed({ model: EMBEDDING_MODEL, values, providerOptions: {}, signal });

runProviderConformance({
  name: "huggingface",
  createProvider: () =>
    createHuggingFace({ apiKey: TEST_KEY, chatBaseURL: `${chatServer.url}/v1` }),
  descriptor: huggingfaceDescriptor,
  scenarios: {
    models: { minModels: 6 },
    chat: {
      prepare: () => chatServer.reply(jsonReply(200, fixture("hf-router-chat-completion.json"))),
      messages: chatMessages,
      model: CHAT_MODEL,
      expectContent: "Tea it is.",
    },
    chatStream: {
      prepare: () => chatServer.reply(sseReply(fixture("hf-router-chat-stream-text.sse"))),
      messages: chatMessages,
      model: CHAT_MODEL,
      expectContent: "Tea it is.",
    },
    toolCalls: {
      prepare: () => chatServer.reply(sseReply(fixture("hf-router-chat-stream-tool.sse"))),
      messages: [Message.user("Weather in Oslo?")],
      model: CHAT_MODEL,
      settings: {
        tools: [
          {
            name: "get_weather",
            description: "Weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        ],
      },
      expectToolCalls: ["get_weather"],
    },
    abort: {
      // The first two events, then silence until the client goes away.
      prepare: () =>
        chatServer.reply(
          sseReply(
            `${fixture("hf-router-chat-stream-text.sse").split("\n\n").slice(0, 2).join("\n\n")}\n\n`,
            { hang: true },
          ),
        ),
      messages: chatMessages,
      model: CHAT_MODEL,
    },
    warnings: {
      prepare: () => chatServer.reply(jsonReply(200, fixture("hf-router-chat-completion.json"))),
      messages: chatMessages,
      model: CHAT_MODEL,
      // The router speaks the OpenAI wire: no top_k, no prompt-cache control.
      // No `unknownProviderOption`: chat options are body fields, passed through by design.
      unsupportedSettings: { topK: 40, cachePrompt: true },
    },
    embed: {
      prepare: () => void interceptPost(EMBED_PATH, 200, fixture("feature-extraction-batch.json")),
      verify: allUsed,
      values: ["one", "two", "three"],
      model: EMBEDDING_MODEL,
      unknownProviderOption: "beamWidth",
    },
    nli: {
      prepare: () =>
        void interceptPost(
          modelPath(NLI_MODEL),
          200,
          fixture("text-classification-nli-batch.json"),
        ),
      verify: allUsed,
      pairs: [
        { premise: "a", hypothesis: "b" },
        { premise: "c", hypothesis: "d" },
        { premise: "e", hypothesis: "f" },
      ],
      model: NLI_MODEL,
      // Embedding-only: on NLI it is unknown too (with its own details).
      unknownProviderOption: "truncate",
    },
    classify: {
      prepare: () =>
        void interceptPost(modelPath(ZERO_SHOT_MODEL), 200, fixture("zero-shot-single-label.json")),
      verify: allUsed,
      text: "I want my money back",
      labels: ["refund", "legal", "faq"],
      model: ZERO_SHOT_MODEL,
      unknownProviderOption: "temperature",
    },
    errors: {
      "401 bad token": {
        prepare: () => void interceptPost(EMBED_PATH, 401, fixture("error-401.json")),
        call: (provider, signal) => embed(provider, ["a"], signal),
        code: "authentication",
        secret: TEST_KEY,
      },
      "404 unknown model": {
        prepare: () =>
          void interceptPost(modelPath("facebook/no-such-model"), 404, fixture("error-404.json")),
        call: (provider, signal) =>
          provider.classification!.classifyZeroShot({
            model: "facebook/no-such-model",
            text: "a",
            labels: ["x"],
            settings: {},
            providerOptions: {},
            signal,
          }),
        code: "model_not_found",
        secret: TEST_KEY,
      },
      "429 rate limit": {
        prepare: () =>
          void interceptPost(modelPath(NLI_MODEL), 429, fixture("error-429.json"), [], {
            "retry-after": "3",
          }),
        call: (provider, signal) =>
          provider.nli!.infer({
            model: NLI_MODEL,
            pairs: [{ premise: "a", hypothesis: "b" }],
            providerOptions: {},
            signal,
          }),
        code: "rate_limited",
        secret: TEST_KEY,
      },
      "503 model loading": {
        prepare: () => void interceptPost(EMBED_PATH, 503, fixture("error-503-model-loading.json")),
        call: (provider, signal) => embed(provider, ["a"], signal),
        code: "provider",
        secret: TEST_KEY,
      },
      "empty batch": {
        call: (provider, signal) => embed(provider, [], signal),
        code: "invalid_input",
      },
      "wrong response shape": {
        prepare: () => void interceptPost(EMBED_PATH, 200, '{"unexpected":true}'),
        call: (provider, signal) => embed(provider, ["a"], signal),
        code: "data",
      },
    },
  },
});
