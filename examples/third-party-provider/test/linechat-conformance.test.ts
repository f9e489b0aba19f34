/**
 * The shared provider conformance suite (specification v1), run against the
 * loopback LineChat server: every check LineChat's capabilities (chat,
 * embed) call for has a scenario; nothing is skipped.
 */
import { type ChatRequestV1, Message, type ProviderV1 } from "@ratatoskr/core";
import { runProviderConformance } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll } from "vitest";
import { createLineChat, linechatDescriptor } from "../src/index.ts";
import { type LineChatFakeServer, startLineChatServer } from "../src/linechat-fake-server.ts";

/** A canary, not shaped like any vendor's key. */
const KEY = "test-canary-3f9a2c71-key";
const MODEL = "line-1";
let server: LineChatFakeServer;

beforeAll(async () => {
  server = await startLineChatServer({ apiKey: KEY });
});
afterAll(async () => {
  await server.close();
});

const messages = [Message.user("What's the weather in Oslo?")];
const tools = [
  {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
];
const request = (signal: AbortSignal): ChatRequestV1 => ({
  model: MODEL,
  messages: [Message.user("hello")],
  settings: {},
  providerOptions: {},
  signal,
});
const stream = (provider: ProviderV1, signal: AbortSignal) =>
  provider.chat!.stream!(request(signal));
const complete = (provider: ProviderV1, signal: AbortSignal) =>
  provider.chat!.complete!(request(signal));

runProviderConformance({
  name: "linechat",
  createProvider: () => createLineChat({ apiKey: KEY, baseURL: server.url }),
  descriptor: linechatDescriptor,
  scenarios: {
    chat: {
      model: MODEL,
      messages: [Message.user("hello there")],
      providerOptions: { safeMode: true },
      expectContent: "You said: hello there",
    },
    chatStream: {
      model: MODEL,
      messages: [Message.system("Be brief."), Message.user("stream this please")],
      expectContent: "You said: stream this please",
    },
    toolCalls: {
      model: MODEL,
      messages,
      settings: { tools },
      expectToolCalls: ["get_weather"],
    },
    abort: {
      prepare: () => server.failNext({ hangAfterLines: 2 }),
      model: MODEL,
      messages: [Message.user("a long answer")],
    },
    warnings: {
      model: MODEL,
      messages: [Message.user("hello")],
      unsupportedSettings: {
        topK: 40,
        frequencyPenalty: 0.5,
        presencePenalty: 0.5,
        responseFormat: { type: "json_object" },
        reasoning: { effort: "low" },
        parallelToolCalls: false,
        cachePrompt: true,
      },
      unknownProviderOption: "transforms",
    },
    embed: {
      model: "line-embed-1",
      values: ["one", "two words", "three little words"],
      dimensions: 8,
    },
    errors: {
      "401 unauthorized (the key echoed back)": {
        call: (_provider, signal) =>
          createLineChat({ apiKey: `${KEY}-wrong`, baseURL: server.url }).chat!.complete!(
            request(signal),
          ),
        code: "authentication",
        secret: `${KEY}-wrong`,
      },
      "429 rate_limited": {
        prepare: () =>
          server.failNext({
            status: 429,
            error: { type: "rate_limited", message: "Slow down" },
            headers: { "retry-after": "7" },
          }),
        call: complete,
        code: "rate_limited",
        secret: KEY,
      },
      "400 context_too_long": {
        prepare: () =>
          server.failNext({
            status: 400,
            error: { type: "context_too_long", message: "8192 tokens at most" },
          }),
        call: stream,
        code: "context_length_exceeded",
        secret: KEY,
      },
      "503 overloaded": {
        prepare: () =>
          server.failNext({ status: 503, error: { type: "overloaded", message: "Busy" } }),
        call: stream,
        code: "provider",
        secret: KEY,
      },
      "an error line mid-stream": {
        prepare: () =>
          server.failNext({
            contentType: "application/x-ndjson",
            raw: '{"type":"start","id":"r","model":"line-1"}\n{"type":"text","text":"Hi"}\n{"type":"error","error":{"type":"overloaded","message":"Busy"}}\n',
          }),
        call: stream,
        code: "provider",
        secret: KEY,
      },
      "a stream cut before its end line": {
        prepare: () =>
          server.failNext({
            contentType: "application/x-ndjson",
            raw: '{"type":"start","id":"r","model":"line-1"}\n{"type":"text","text":"Hi"}\n',
          }),
        call: stream,
        code: "stream",
        secret: KEY,
      },
      "a chat answer of the wrong shape": {
        prepare: () => server.failNext({ raw: '{"id":"r","text":42}' }),
        call: complete,
        code: "data",
        secret: KEY,
      },
      "embeddings of the wrong count": {
        prepare: () => server.failNext({ raw: '{"id":"r","model":"m","vectors":[[1,2]]}' }),
        call: (provider, signal) =>
          provider.embedding!.embed({
            model: "line-embed-1",
            values: ["a", "b"],
            providerOptions: {},
            signal,
          }),
        code: "data",
        secret: KEY,
      },
    },
  },
});
