/**
 * Wire shapes of particular OpenAI-compatible servers, through the real
 * provider and the gateway: Cerebras' complete tool calls that all carry
 * `index: 0`, and Mistral's list-form `content` with `thinking` parts.
 * Nothing they send may vanish: every call and every text arrives, or the
 * stream ends in a typed error.
 */
import {
  type ChatEvent,
  type ChatOptions,
  type ChatStreamPartV1,
  collectChatStream,
  collectChatStreamParts,
  Message,
  type ToolCallEndEvent,
} from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAICompatible } from "@ratatoskr/provider-openai-compat";
import {
  fixture,
  TEST_API_KEY as KEY,
  piecesFetch,
} from "@ratatoskr/provider-openai-compat/internal/test-support";
import { type ChatRequestOptions, chatRequestFor, jsonReply, sseReply } from "@ratatoskr/testing";
import { drain, failure, replay, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";

const server = useOpenAIWireMockServer();
/** The split tests run the plugin once per byte of a fixture: bounded work, but slow on a loaded machine. */
const SPLIT_TEST_TIMEOUT_MS = 120_000;

async function gatewayFor(id: string) {
  const plugin = createOpenAICompatible({ id, baseURL: `${server.url}/v1`, apiKey: KEY });
  return Ratatoskr.builder().use(plugin).retry(false).build();
}

/** The parts of `text` fed to one provider whole, then split in two at every byte position. */
async function eventsAtEverySplit(text: string, options: ChatRequestOptions) {
  const bytes = new TextEncoder().encode(text);
  let pieces: Uint8Array[] = [bytes];
  const plugin = createOpenAICompatible({
    id: "split",
    baseURL: "http://127.0.0.1:9/v1",
    apiKey: KEY,
    fetch: piecesFetch(() => pieces),
  });
  const reference = await drain(plugin.chat.stream(chatRequestFor([Message.user("x")], options)));
  const differing: number[] = [];
  for (let position = 1; position < bytes.length; position++) {
    pieces = [bytes.subarray(0, position), bytes.subarray(position)];
    const events = await drain(plugin.chat.stream(chatRequestFor([Message.user("x")], options)));
    if (JSON.stringify(events) !== JSON.stringify(reference)) differing.push(position);
  }
  return { reference, differing };
}

function ends(events: readonly (ChatEvent | ChatStreamPartV1)[]): ToolCallEndEvent[] {
  return events.filter((event): event is ToolCallEndEvent => event.type === "tool_call_end");
}

/** SSE text from chunk objects. */
function sse(chunks: readonly unknown[]): string {
  return `${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("")}data: [DONE]\n\n`;
}

/** A fixture chunk (one choice), as parsed JSON. */
interface FixtureChunk {
  choices: [{ delta: Record<string, unknown>; [field: string]: unknown }];
  [field: string]: unknown;
}

/** The fixture's chunks (without `[DONE]`), parsed. */
function chunksOf(name: string): FixtureChunk[] {
  return fixture(name)
    .split("\n\n")
    .filter((event) => event.startsWith("data: {"))
    .map((event) => JSON.parse(event.slice("data: ".length)) as FixtureChunk);
}

/** `chunk` with fields of its choice replaced. */
function withChoice(chunk: FixtureChunk, change: Record<string, unknown>): FixtureChunk {
  return { ...chunk, choices: [{ ...chunk.choices[0], ...change }] };
}

describe("Cerebras: complete tool calls, each with its own id, all at index 0", () => {
  const tools: ChatOptions["tools"] = [
    { name: "get_weather", parameters: { type: "object", properties: {} } },
    { name: "get_time", parameters: { type: "object", properties: {} } },
  ];
  const options: ChatOptions = { model: "cerebras:qwen-3-235b-a22b-instruct-2507", tools };
  const expectedEnds = [
    {
      type: "tool_call_end",
      index: 0,
      id: "3c1f9a7e2",
      name: "get_weather",
      arguments: '{"location": "Zürich"}',
      parsedArguments: { location: "Zürich" },
    },
    {
      type: "tool_call_end",
      index: 1,
      id: "8b04d6c51",
      name: "get_time",
      arguments: '{"timezone": "Europe/Zurich"}',
      parsedArguments: { timezone: "Europe/Zurich" },
    },
  ];
  const [start, weather, time, finish] = chunksOf("cerebras-chat-stream-parallel-index0.sse") as [
    FixtureChunk,
    FixtureChunk,
    FixtureChunk,
    FixtureChunk,
  ];
  const call = (chunk: FixtureChunk) =>
    (chunk.choices[0].delta.tool_calls as Array<Record<string, unknown>>)[0]!;

  it.each([
    [
      "in consecutive chunks (the recorded shape)",
      fixture("cerebras-chat-stream-parallel-index0.sse"),
    ],
    [
      "in one chunk's tool_calls array",
      sse([
        start,
        withChoice(weather, { delta: { tool_calls: [call(weather), call(time)] } }),
        finish,
      ]),
    ],
    [
      "each followed by a finish reason",
      sse([
        start,
        withChoice(weather, { finish_reason: "tool_calls" }),
        withChoice(time, { finish_reason: "tool_calls" }),
        finish,
      ]),
    ],
    [
      "the second one's arguments in later fragments without an id",
      sse([
        start,
        weather,
        withChoice(time, {
          delta: { tool_calls: [{ ...call(time), function: { name: "get_time", arguments: "" } }] },
        }),
        ...['{"timezone": ', '"Europe/Zurich"}'].map((fragment) =>
          withChoice(time, {
            delta: { tool_calls: [{ index: 0, function: { arguments: fragment } }] },
          }),
        ),
        finish,
      ]),
    ],
  ])("delivers both calls through the gateway when they come %s", async (_shape, body) => {
    const gateway = await gatewayFor("cerebras");
    server.reply(sseReply(body));
    const events = await drain(
      gateway.chatStream([Message.user("Weather and time in Zürich?")], options),
    );
    expect(ends(events)).toEqual(expectedEnds);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "tool_calls" });
    const response = await collectChatStream(replay(events));
    expect(response.toolCalls.map((each) => each.id)).toEqual(["3c1f9a7e2", "8b04d6c51"]);
  });

  it(
    "gives the same events however the bytes are split",
    async () => {
      const { reference, differing } = await eventsAtEverySplit(
        fixture("cerebras-chat-stream-parallel-index0.sse"),
        { model: "qwen-3-235b-a22b-instruct-2507", tools },
      );
      expect(ends(reference)).toEqual(expectedEnds);
      expect(differing).toEqual([]);
    },
    SPLIT_TEST_TIMEOUT_MS,
  );
});

describe("Mistral: content as a list of text and thinking parts", () => {
  const options: ChatOptions = { model: "mistral:magistral-medium-2509" };

  it("streams thinking as reasoning and text as content through the gateway", async () => {
    const gateway = await gatewayFor("mistral");
    server.reply(sseReply(fixture("mistral-chat-stream-thinking.sse")));
    const events = await drain(gateway.chatStream([Message.user("15 × 23?")], options));
    expect(
      events.filter((event) => event.type === "reasoning" || event.type === "content"),
    ).toEqual([
      { type: "reasoning", text: "The user asks for 15 × 23." },
      { type: "reasoning", text: " 15 × 20 = 300 and 15 × 3 = 45" },
      { type: "reasoning", text: ", so 345 ✓" },
      { type: "content", text: "15 × 23" },
      { type: "content", text: " = **345** 🐿️" },
    ]);
    const response = await collectChatStream(replay(events));
    expect(response).toMatchObject({
      content: "15 × 23 = **345** 🐿️",
      reasoning: "The user asks for 15 × 23. 15 × 20 = 300 and 15 × 3 = 45, so 345 ✓",
      finishReason: "stop",
      usage: { promptTokens: 14, completionTokens: 41, totalTokens: 55 },
      provider: "mistral",
    });
  });

  it(
    "gives the same events however the bytes are split",
    async () => {
      const { reference, differing } = await eventsAtEverySplit(
        fixture("mistral-chat-stream-thinking.sse"),
        { model: "magistral-medium-2509" },
      );
      expect((await collectChatStreamParts(replay(reference))).content).toBe("15 × 23 = **345** 🐿️");
      expect(differing).toEqual([]);
    },
    SPLIT_TEST_TIMEOUT_MS,
  );

  it("maps a complete answer's content list to content and reasoning", async () => {
    const gateway = await gatewayFor("mistral");
    server.reply(jsonReply(200, fixture("mistral-chat-completion-thinking.json")));
    const response = await gateway.chat([Message.user("15 × 23?")], options);
    expect(response).toMatchObject({
      content: "15 × 23 = **345**",
      reasoning: "15 × 20 = 300 and 15 × 3 = 45, so 345.",
      toolCalls: [],
      finishReason: "stop",
      usage: { promptTokens: 14, completionTokens: 41, totalTokens: 55 },
    });
  });

  it("ends a stream with a part it does not understand in a stream error that keeps the text so far", async () => {
    const gateway = await gatewayFor("mistral");
    const [first, thinking, , , answer, finish] = chunksOf("mistral-chat-stream-thinking.sse") as [
      FixtureChunk,
      FixtureChunk,
      FixtureChunk,
      FixtureChunk,
      FixtureChunk,
      FixtureChunk,
    ];
    const reference = withChoice(answer, {
      delta: { content: [{ type: "reference", reference_ids: [0, 1] }] },
    });
    server.reply(sseReply(sse([first, thinking, answer, reference, finish])));
    const error = await failure(drain(gateway.chatStream([Message.user("x")], options)));
    expect(error.code).toBe("stream");
    expect(error.provider).toBe("mistral");
    expect(error.message).toContain('a content part of type "reference"');
    expect(error.partial).toMatchObject({
      content: " = **345** 🐿️",
      reasoning: "The user asks for 15 × 23.",
    });
  });

  it("fails a complete answer whose content it does not understand with a data error", async () => {
    const gateway = await gatewayFor("mistral");
    const body = JSON.parse(fixture("mistral-chat-completion-thinking.json"));
    body.choices[0].message.content.push({ type: "image_url", image_url: "https://x/y.png" });
    server.reply(jsonReply(200, body));
    const error = await failure(gateway.chat([Message.user("x")], options));
    expect(error.code).toBe("data");
    expect(error.message).toContain('a content part of type "image_url"');
    body.choices[0].message.content = { text: "an object" };
    server.reply(jsonReply(200, body));
    expect((await failure(gateway.chat([Message.user("x")], options))).message).toContain(
      "content that is an object",
    );
  });
});
