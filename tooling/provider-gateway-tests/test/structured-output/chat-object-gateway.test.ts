/**
 * `chatObject` and `chatObjectStream` through the real providers' wire
 * formats: the JSON Schema goes out in each dialect (OpenAI
 * `response_format.json_schema`, Anthropic `output_config.format`, Ollama
 * `format`), and the typed object comes back from each one's answer shape,
 * complete and streamed.
 */
import { Message, type ModelGateway } from "@ratatoskr/core";
import {
  type ChatObjectStreamEvent,
  chatObject,
  chatObjectStream,
  Ratatoskr,
  type StandardJSONSchemaV1,
  type StandardSchemaV1,
} from "@ratatoskr/gateway";
import { createAnthropic } from "@ratatoskr/provider-anthropic";
import {
  type AnthropicMock,
  startAnthropicMock,
} from "@ratatoskr/provider-anthropic/internal/test-support";
import { createOllama } from "@ratatoskr/provider-ollama";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import {
  fixture,
  TEST_API_KEY as KEY,
} from "@ratatoskr/provider-openai-compat/internal/test-support";
import { jsonReply, sseReply } from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface City {
  city: string;
  population: number;
}

const CITY_JSON_SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, population: { type: "integer" } },
  required: ["city", "population"],
  additionalProperties: false,
};

/** A hand-written Standard Schema with a Standard JSON Schema converter (as zod 4 has). */
const City: StandardSchemaV1<City> & StandardJSONSchemaV1<City> = {
  "~standard": {
    version: 1,
    vendor: "hand-written",
    validate(value) {
      const record = value as Partial<City> | null;
      if (typeof record?.city !== "string")
        return { issues: [{ message: "city", path: ["city"] }] };
      if (!Number.isInteger(record.population)) {
        return { issues: [{ message: "population", path: ["population"] }] };
      }
      return { value: record as City };
    },
    jsonSchema: {
      input: () => ({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        ...CITY_JSON_SCHEMA,
      }),
      output: () => CITY_JSON_SCHEMA,
    },
  },
};

const ANSWER = '{"city": "Reykjavík", "population": 139875}';
/** The answer in the pieces a model streams it in. */
const PIECES = ['{"city', '": "Reyk', "javík", '", "pop', 'ulation": 139', "875}"];
const EXPECTED: City = { city: "Reykjavík", population: 139875 };
const question = [Message.user("The capital of Iceland and its population, as JSON.")];

/** Every event of a chatObject stream. */
async function streamed(gateway: ModelGateway, model: string) {
  const events: ChatObjectStreamEvent<City>[] = [];
  for await (const event of chatObjectStream(gateway, question, {
    model,
    schema: City,
    name: "city",
  })) {
    events.push(event);
  }
  return events;
}

/** The checks every dialect shares: the partials grow towards the object, which comes last. */
function expectStreamedCity(events: ChatObjectStreamEvent<City>[]) {
  const last = events.at(-1)!;
  expect(last).toMatchObject({
    type: "object",
    object: EXPECTED,
    text: ANSWER,
    finishReason: "stop",
  });
  const partials = events.slice(0, -1);
  expect(partials.every((event) => event.type === "partial")).toBe(true);
  expect(partials.length).toBeGreaterThan(2);
  expect(partials.map((event) => event.object)).toContainEqual({ city: "Reyk" });
  expect(partials.at(-1)!.object).toEqual(EXPECTED);
}

describe("OpenAI wire format", () => {
  const server = useOpenAIWireMockServer();
  const gateway = () =>
    Ratatoskr.builder()
      .use(createOpenAI({ apiKey: KEY, baseURL: `${server.url}/v1` }))
      .retry(false)
      .build();
  const RESPONSE_FORMAT = {
    type: "json_schema",
    json_schema: { name: "city", schema: CITY_JSON_SCHEMA, strict: true },
  };

  it("chatObject sends response_format json_schema and returns the typed object", async () => {
    const completion = JSON.parse(fixture("openai-chat-completion-text.json"));
    completion.choices[0].message.content = ANSWER;
    server.reply(jsonReply(200, completion));
    const { object, response } = await chatObject(await gateway(), question, {
      model: "gpt-4o-mini",
      schema: City,
      name: "city",
      strictSchema: true,
    });
    expect(object).toEqual(EXPECTED);
    expect(response.usage).toMatchObject({ promptTokens: 19, completionTokens: 10 });
    expect((server.requests[0]!.body as Record<string, unknown>).response_format).toEqual(
      RESPONSE_FORMAT,
    );
  });

  it("chatObjectStream reads the content deltas of the SSE chunks", async () => {
    const chunks = fixture("openai-chat-stream-text.sse")
      .split("\n\n")
      .filter((event) => event.startsWith("data: {"))
      .map((event) => JSON.parse(event.slice("data: ".length)));
    const [first, contentChunk, ...rest] = chunks;
    const tail = rest.filter(
      (chunk) => chunk.choices.length === 0 || chunk.choices[0].finish_reason,
    );
    const pieces = PIECES.map((text) => {
      const chunk = structuredClone(contentChunk);
      chunk.choices[0].delta.content = text;
      return chunk;
    });
    const body = [first, ...pieces, ...tail].map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
    server.reply(sseReply(`${body.join("")}data: [DONE]\n\n`));
    const events = await streamed(await gateway(), "gpt-4o-mini");
    expectStreamedCity(events);
    expect(events.at(-1)).toMatchObject({ provider: "openai", usage: { totalTokens: 29 } });
    const sent = server.requests[0]!.body as Record<string, unknown>;
    expect(sent.stream).toBe(true);
    expect(sent.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "city", schema: CITY_JSON_SCHEMA },
    });
  });
});

describe("Anthropic wire format", () => {
  let mock: AnthropicMock;
  beforeAll(async () => {
    mock = await startAnthropicMock();
  });
  afterAll(async () => {
    await mock.close();
  });
  const gateway = () =>
    Ratatoskr.builder()
      .use(createAnthropic({ apiKey: "test-key-canary-123456", baseURL: mock.url }))
      .retry(false)
      .build();
  const OUTPUT_CONFIG = { format: { type: "json_schema", schema: CITY_JSON_SCHEMA } };

  it("chatObject sends output_config.format and returns the typed object", async () => {
    mock.enqueue({
      json: {
        id: "msg_01StructuredCity0000000001",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        content: [{ type: "text", text: ANSWER, citations: null }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: {
          input_tokens: 31,
          output_tokens: 17,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    });
    const { object, response } = await chatObject(await gateway(), question, {
      model: "claude-sonnet-4-6",
      schema: City,
      name: "city",
    });
    expect(object).toEqual(EXPECTED);
    expect(response).toMatchObject({ provider: "anthropic", finishReason: "stop" });
    expect(mock.body(-1).output_config).toEqual(OUTPUT_CONFIG);
  });

  it("chatObjectStream reads the text_delta events", async () => {
    const events = [
      `event: message_start\ndata: ${JSON.stringify({
        type: "message_start",
        message: {
          id: "msg_01StructuredCity0000000002",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5-20250929",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 31, output_tokens: 1 },
        },
      })}`,
      `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
      ...PIECES.map(
        (text) =>
          `event: content_block_delta\ndata: ${JSON.stringify({
            type: "content_block_delta",
            index: 0,
            delta: { type: "text_delta", text },
          })}`,
      ),
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}`,
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":17}}`,
      `event: message_stop\ndata: {"type":"message_stop"}`,
    ];
    mock.enqueue({ sse: `${events.join("\n\n")}\n\n`, chunkSize: 48 });
    const streamedEvents = await streamed(await gateway(), "claude-sonnet-4-6");
    expectStreamedCity(streamedEvents);
    expect(streamedEvents.at(-1)).toMatchObject({ provider: "anthropic" });
    expect(mock.body(-1).stream).toBe(true);
    expect(mock.body(-1).output_config).toEqual(OUTPUT_CONFIG);
  });
});

describe("Ollama wire format (native /api/chat)", () => {
  const server = useOpenAIWireMockServer();
  const gateway = () =>
    Ratatoskr.builder()
      .use(createOllama({ baseURL: server.url }))
      .retry(false)
      .build();
  /** Ollama's NDJSON chunks for `pieces`, then its final `done` line. */
  const ndjson = (pieces: readonly string[]) =>
    `${[
      ...pieces.map((content, index) => ({
        model: "llama3.2",
        created_at: `2025-10-26T17:15:24.${String(100 + index).padStart(6, "0")}Z`,
        message: { role: "assistant", content },
        done: false,
      })),
      {
        model: "llama3.2",
        created_at: "2025-10-26T17:15:24.178904Z",
        message: { role: "assistant", content: "" },
        done: true,
        done_reason: "stop",
        total_duration: 1183583458,
        load_duration: 41295167,
        prompt_eval_count: 26,
        prompt_eval_duration: 342546000,
        eval_count: 14,
        eval_duration: 91959084,
      },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n")}\n`;
  const reply = (pieces: readonly string[]) => ({
    status: 200,
    headers: { "content-type": "application/x-ndjson" },
    body: ndjson(pieces),
  });

  it("chatObject sends the schema as `format` and returns the typed object", async () => {
    server.reply(reply([ANSWER]));
    const { object, response } = await chatObject(await gateway(), question, {
      model: "ollama:llama3.2",
      schema: City,
    });
    expect(object).toEqual(EXPECTED);
    expect(response.usage).toMatchObject({ promptTokens: 26, completionTokens: 14 });
    const sent = server.requests[0]!;
    expect(sent.path).toBe("/api/chat");
    expect((sent.body as Record<string, unknown>).format).toEqual(CITY_JSON_SCHEMA);
  });

  it("chatObjectStream reads the NDJSON message contents", async () => {
    server.reply(reply(PIECES));
    const events = await streamed(await gateway(), "ollama:llama3.2");
    expectStreamedCity(events);
    expect(events.at(-1)).toMatchObject({ provider: "ollama" });
    expect((server.requests[0]!.body as Record<string, unknown>).format).toEqual(CITY_JSON_SCHEMA);
  });
});
