/**
 * The conformance suite run against the mock provider: the mock is a
 * conformant plugin, and the suite's checks pass on one.
 */
import { Message } from "@ratatoskr/core";
import { runProviderConformance } from "./conformance.ts";
import {
  createMockProvider,
  defaultMockStream,
  type MockProvider,
  mockError,
} from "./mock-provider.ts";

const messages = [Message.user("hello conformance")];
const SECRET = "sk-test-conformance-canary-0123456789";
let current: MockProvider;

runProviderConformance({
  name: "mock",
  createProvider: () => {
    current = createMockProvider();
    return current;
  },
  scenarios: {
    chat: { messages, options: { model: "m" }, expectContent: "mock: hello conformance" },
    chatStream: { messages, options: { model: "m" }, expectContent: "mock: hello conformance" },
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
      messages,
      options: { model: "m" },
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
      messages,
      options: { model: "m" },
      expectServerToolCalls: ["web_search"],
    },
    abort: {
      prepare: () => {
        current.enqueueStream({ events: defaultMockStream(messages, "m"), delayMs: 5 });
      },
      messages,
      options: { model: "m" },
    },
    embed: { text: "a", model: "m", dimensions: 8 },
    embedBatch: { texts: ["a", "b"], model: "m" },
    nli: { premise: "a cat sleeps", hypothesis: "a cat", model: "m" },
    nliBatch: {
      pairs: [
        { premise: "a cat sleeps", hypothesis: "a cat" },
        { premise: "a cat sleeps", hypothesis: "not a cat" },
      ],
      model: "m",
    },
    classify: { text: "stocks fell", labels: ["stocks", "sports"], model: "m" },
    countTokens: { text: "one two three", model: "m", expectCount: 3 },
    errors: {
      "a scripted authentication failure": {
        prepare: () => {
          current.failNext("embed", mockError("authentication", `key ${SECRET} rejected`));
        },
        call: (provider, options) => provider.embed!("x", "m", options),
        code: "authentication",
        secret: SECRET,
      },
    },
  },
});
