/**
 * The conformance suite run against the mock provider: the mock is a
 * conformant v1 provider, and the suite's checks pass on one.
 */
import { Message, registerSecret } from "@ratatoskr/core";
import { runProviderConformance } from "./conformance.ts";
import {
  createMockDescriptor,
  createMockProvider,
  defaultMockStream,
  type MockProvider,
  mockError,
} from "./mock-provider.ts";

const messages = [Message.user("hello conformance")];
const SECRET = "canary-conformance-secret-0123456789";
// Providers register their keys so that every error redacts them; the mock stands for one here.
registerSecret(SECRET);
let current: MockProvider;
const settings = {
  unsupportedSettings: ["topK", "seed"],
  knownProviderOptions: ["flavour"],
  models: {
    list: ["m", { id: "e", capabilities: ["Embed" as const], dimensions: 8 }],
    status: { m: { state: "ready" as const, device: "cpu", memoryBytes: 1024 } },
  },
};

runProviderConformance({
  name: "mock",
  createProvider: () => {
    current = createMockProvider(settings);
    return current;
  },
  descriptor: createMockDescriptor({
    routing: [{ pattern: /^mock-/, priority: 10, reason: "mock-* ids are the mock's" }],
  }),
  scenarios: {
    models: {
      minModels: 2,
      metadata: { model: "e", expectKnown: true },
      status: { model: "m", expectKnown: true },
    },
    chat: { model: "m", messages, expectContent: "mock: hello conformance" },
    chatStream: {
      model: "m",
      messages,
      providerOptions: { flavour: "plain" },
      expectContent: "mock: hello conformance",
    },
    toolCalls: {
      prepare: () => {
        current.enqueueStream([
          { type: "tool_call_start", index: 0, id: "call_1", name: "now" },
          { type: "tool_call_delta", index: 0, arguments: '{"zone":' },
          { type: "tool_call_delta", index: 0, arguments: '"UTC"}' },
          {
            type: "tool_call_end",
            index: 0,
            id: "call_1",
            name: "now",
            arguments: '{"zone":"UTC"}',
            parsedArguments: { zone: "UTC" },
          },
          { type: "done", finishReason: "tool_calls" },
        ]);
      },
      model: "m",
      messages,
      expectToolCalls: ["now"],
    },
    serverTools: {
      prepare: () => {
        current.enqueueStream([
          { type: "content", text: "Searching. " },
          {
            type: "server_tool_call",
            call: { id: "srv_1", name: "web_search", input: { query: "q" } },
          },
          {
            type: "server_tool_result",
            result: { toolCallId: "srv_1", name: "web_search", content: [{ title: "A" }] },
          },
          { type: "content", text: "Found it." },
          { type: "done", finishReason: "stop" },
        ]);
      },
      model: "m",
      messages,
      expectServerToolCalls: ["web_search"],
    },
    abort: {
      prepare: () => {
        current.enqueueStream({ events: defaultMockStream(messages, "m"), delayMs: 5 });
      },
      model: "m",
      messages,
    },
    warnings: {
      model: "m",
      messages,
      unsupportedSettings: { topK: 40, seed: 7 },
      unknownProviderOption: "spiciness",
    },
    generate: { model: "m", prompt: "once upon", expectText: "mock: once upon" },
    generateStream: { model: "m", prompt: "a time", expectText: "mock: a time" },
    generationWarnings: { model: "m", prompt: "p", unsupportedSettings: { seed: 1 } },
    embed: {
      values: ["a", "b", "c"],
      model: "m",
      dimensions: 8,
      providerOptions: { flavour: "plain" },
      unknownProviderOption: "spiciness",
    },
    nli: {
      pairs: [
        { premise: "a cat sleeps", hypothesis: "a cat" },
        { premise: "a cat sleeps", hypothesis: "not a cat" },
      ],
      model: "m",
      unknownProviderOption: "spiciness",
    },
    classify: {
      text: "stocks fell",
      labels: ["stocks", "sports"],
      model: "m",
      unknownProviderOption: "spiciness",
    },
    countTokens: {
      text: "one two three",
      model: "m",
      expectCount: 3,
      unknownProviderOption: "spiciness",
    },
    errors: {
      "a scripted authentication failure": {
        prepare: () => {
          current.failNext("embed", mockError("authentication", `key ${SECRET} rejected`));
        },
        call: (provider, signal) =>
          provider.embedding!.embed({ model: "m", values: ["x"], providerOptions: {}, signal }),
        code: "authentication",
        secret: SECRET,
      },
      "a stream cut short": {
        prepare: () => {
          current.enqueueStream({
            events: [{ type: "content", text: "half" }],
            error: mockError("network", "connection reset"),
          });
        },
        call: (provider, signal) =>
          provider.chat!.stream!({
            model: "m",
            messages,
            settings: {},
            providerOptions: {},
            signal,
          }),
        code: "network",
      },
    },
  },
});
