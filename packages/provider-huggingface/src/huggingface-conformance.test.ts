import { Message } from "@ratatoskr/core";
import { jsonReply, sseReply } from "@ratatoskr/testing";
import { runProviderConformance, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
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

runProviderConformance({
  name: "huggingface",
  createProvider: () =>
    createHuggingFace({ apiKey: TEST_KEY, chatBaseURL: `${chatServer.url}/v1` }),
  scenarios: {
    chat: {
      prepare: () => chatServer.reply(jsonReply(200, fixture("hf-router-chat-completion.json"))),
      messages: chatMessages,
      options: { model: CHAT_MODEL },
      expectContent: "Tea it is.",
    },
    chatStream: {
      prepare: () => chatServer.reply(sseReply(fixture("hf-router-chat-stream-text.sse"))),
      messages: chatMessages,
      options: { model: CHAT_MODEL },
      expectContent: "Tea it is.",
    },
    toolCalls: {
      prepare: () => chatServer.reply(sseReply(fixture("hf-router-chat-stream-tool.sse"))),
      messages: [Message.user("Weather in Oslo?")],
      options: {
        model: CHAT_MODEL,
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
      options: { model: CHAT_MODEL },
    },
    embed: {
      prepare: () => void interceptPost(EMBED_PATH, 200, fixture("feature-extraction-single.json")),
      verify: allUsed,
      text: "The cat sits on the mat",
      model: EMBEDDING_MODEL,
      dimensions: 8,
    },
    embedBatch: {
      prepare: () => void interceptPost(EMBED_PATH, 200, fixture("feature-extraction-batch.json")),
      verify: allUsed,
      texts: ["one", "two", "three"],
      model: EMBEDDING_MODEL,
    },
    nli: {
      prepare: () =>
        void interceptPost(
          modelPath(NLI_MODEL),
          200,
          fixture("text-classification-nli-single.json"),
        ),
      verify: allUsed,
      premise: "A man is eating pizza",
      hypothesis: "A man eats something",
      model: NLI_MODEL,
    },
    nliBatch: {
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
    },
    classify: {
      prepare: () =>
        void interceptPost(modelPath(ZERO_SHOT_MODEL), 200, fixture("zero-shot-single-label.json")),
      verify: allUsed,
      text: "I want my money back",
      labels: ["refund", "legal", "faq"],
      model: ZERO_SHOT_MODEL,
    },
    errors: {
      "401 bad token": {
        prepare: () => void interceptPost(EMBED_PATH, 401, fixture("error-401.json")),
        call: (provider, options) => provider.embed!("a", EMBEDDING_MODEL, options),
        code: "authentication",
        secret: TEST_KEY,
      },
      "404 unknown model": {
        prepare: () =>
          void interceptPost(modelPath("facebook/no-such-model"), 404, fixture("error-404.json")),
        call: (provider, options) =>
          provider.classifyZeroShot!("a", ["x"], "facebook/no-such-model", options),
        code: "model_not_found",
        secret: TEST_KEY,
      },
      "429 rate limit": {
        prepare: () =>
          void interceptPost(modelPath(NLI_MODEL), 429, fixture("error-429.json"), [], {
            "retry-after": "3",
          }),
        call: (provider, options) =>
          provider.inferNliBatch!([{ premise: "a", hypothesis: "b" }], NLI_MODEL, options),
        code: "rate_limited",
        secret: TEST_KEY,
      },
      "503 model loading": {
        prepare: () => void interceptPost(EMBED_PATH, 503, fixture("error-503-model-loading.json")),
        call: (provider, options) => provider.embedBatch!(["a"], EMBEDDING_MODEL, options),
        code: "provider",
        secret: TEST_KEY,
      },
      "empty batch": {
        call: (provider, options) => provider.embedBatch!([], EMBEDDING_MODEL, options),
        code: "invalid_input",
      },
      "wrong response shape": {
        prepare: () => void interceptPost(EMBED_PATH, 200, '{"unexpected":true}'),
        call: (provider, options) => provider.embed!("a", EMBEDDING_MODEL, options),
        code: "data",
      },
    },
  },
});
