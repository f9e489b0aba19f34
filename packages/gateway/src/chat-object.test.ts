import {
  type ChatEvent,
  type ChatOptions,
  createUsage,
  Message,
  type ModelGateway,
  RatatoskrError,
} from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ChatObjectOptions,
  chatObject,
  chatObjectStream,
  MAX_ERROR_TEXT_LENGTH,
  stripCodeFence,
} from "./chat-object.ts";
import { Ratatoskr } from "./index.ts";
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "./standard-schema.ts";
import { drain, errorOf, hello } from "./test-helpers.ts";

/** A tiny Standard Schema library: objects of typed fields, no zod. */
type FieldType = "string" | "number" | "boolean";
type Fields = Record<string, FieldType>;
type Shape<F extends Fields> = {
  [Key in keyof F]: F[Key] extends "string" ? string : F[Key] extends "number" ? number : boolean;
};

function object<F extends Fields>(fields: F): StandardSchemaV1<Shape<F>> {
  return {
    "~standard": {
      version: 1,
      vendor: "tiny",
      validate(value) {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          return { issues: [{ message: "expected an object" }] };
        }
        const record = value as Record<string, unknown>;
        const issues = Object.entries(fields)
          .filter(([key, type]) => typeof record[key] !== type)
          .map(([key, type]) => ({ message: `expected ${type}`, path: [{ key }] }));
        return issues.length > 0 ? { issues } : { value: value as Shape<F> };
      },
    },
  };
}

/** The same, carrying a Standard JSON Schema converter (as zod 4 does). */
function objectWithJsonSchema<F extends Fields>(
  fields: F,
  targets: string[] = [],
): StandardSchemaV1<Shape<F>> & StandardJSONSchemaV1<Shape<F>> {
  const base = object(fields)["~standard"];
  const jsonSchema = (options: StandardJSONSchemaV1.Options) => {
    targets.push(options.target);
    return {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: Object.fromEntries(Object.entries(fields).map(([key, type]) => [key, { type }])),
      required: Object.keys(fields),
    };
  };
  return { "~standard": { ...base, jsonSchema: { input: jsonSchema, output: jsonSchema } } };
}

const Recipe = object({ title: "string", minutes: "number" });
const RECIPE_JSON_SCHEMA = {
  type: "object",
  properties: { title: { type: "string" }, minutes: { type: "number" } },
  required: ["title", "minutes"],
};
const recipeOptions = (extra: Partial<ChatObjectOptions<typeof Recipe>> = {}) => ({
  model: "m",
  schema: Recipe,
  jsonSchema: RECIPE_JSON_SCHEMA,
  ...extra,
});

function answer(content: string, finishReason: "stop" | "length" = "stop") {
  return { content, toolCalls: [], finishReason, usage: createUsage(10, 5) };
}

async function setup() {
  const mock = createMockProvider();
  const gateway = await Ratatoskr.builder().use(mock).retry(false).build();
  return { mock, gateway };
}

describe("chatObject", () => {
  it("asks for the JSON Schema, and resolves to the validated object and the response", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer('{"title": "Cacio e pepe", "minutes": 15}'));
    const result = await chatObject(gateway, hello, {
      ...recipeOptions(),
      name: "recipe",
      description: "A recipe",
      strictSchema: true,
      temperature: 0,
    });
    expectTypeOf(result.object).toEqualTypeOf<{ title: string; minutes: number }>();
    expect(result.object).toEqual({ title: "Cacio e pepe", minutes: 15 });
    expect(result.response).toMatchObject({ provider: "mock", usage: createUsage(10, 5) });
    const [call] = mock.callsOf("chat");
    expect(call!.request.settings).toMatchObject({
      temperature: 0,
      responseFormat: {
        type: "json_schema",
        name: "recipe",
        schema: RECIPE_JSON_SCHEMA,
        strict: true,
        description: "A recipe",
      },
    });
  });

  it("names the schema `response` by default and sets no strictness of its own", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer('{"title": "x", "minutes": 1}'));
    await chatObject(gateway, hello, recipeOptions());
    expect(mock.callsOf("chat")[0]!.request.settings.responseFormat).toEqual({
      type: "json_schema",
      name: "response",
      schema: RECIPE_JSON_SCHEMA,
    });
  });

  it.each([
    ['  \n{"title": "x", "minutes": 1}\n '],
    ['```json\n{"title": "x", "minutes": 1}\n```'],
    ['```\n{"title": "x", "minutes": 1}```\n'],
  ])("tolerates whitespace and a code fence: %j", async (content) => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer(content));
    expect((await chatObject(gateway, hello, recipeOptions())).object).toEqual({
      title: "x",
      minutes: 1,
    });
  });

  it("sends the schema's own JSON Schema (input side, draft 2020-12, without $schema)", async () => {
    const { mock, gateway } = await setup();
    const targets: string[] = [];
    mock.enqueueChat(answer('{"ok": true}'));
    const schema = objectWithJsonSchema({ ok: "boolean" }, targets);
    const { object: value } = await chatObject(gateway, hello, { model: "m", schema });
    expect(value).toEqual({ ok: true });
    expect(targets).toEqual(["draft-2020-12"]);
    expect(mock.callsOf("chat")[0]!.request.settings.responseFormat).toMatchObject({
      schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
    });
    expect(mock.callsOf("chat")[0]!.request.settings.responseFormat).not.toHaveProperty(
      "schema.$schema",
    );
  });

  it("awaits an asynchronous validate and returns its output (transforms apply)", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer('"42"'));
    const schema: StandardSchemaV1<string, number> = {
      "~standard": {
        version: 1,
        vendor: "tiny",
        validate: async (value) => ({ value: Number(value) }),
      },
    };
    const { object: value } = await chatObject(gateway, hello, {
      model: "m",
      schema,
      jsonSchema: { type: "string" },
    });
    expectTypeOf(value).toEqualTypeOf<number>();
    expect(value).toBe(42);
  });

  it("an answer that is not JSON is a json error carrying the text and the finish reason", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer('{"title": "Cacio', "length"));
    const error = await errorOf(chatObject(gateway, hello, recipeOptions()));
    expect(error).toMatchObject({
      code: "json",
      provider: "mock",
      details: { text: '{"title": "Cacio', textLength: 16, finishReason: "length" },
    });
    expect(error.message).toContain("raise maxTokens");
  });

  it("keeps at most MAX_ERROR_TEXT_LENGTH characters of the text", async () => {
    const { mock, gateway } = await setup();
    const long = `{"title": "${"a".repeat(10_000)}`;
    mock.enqueueChat(answer(long));
    const error = await errorOf(chatObject(gateway, hello, recipeOptions()));
    expect(error.details).toMatchObject({ textLength: long.length });
    expect(error.details!.text).toBe(long.slice(0, MAX_ERROR_TEXT_LENGTH));
  });

  it("an empty answer is an empty_response error", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer("  "));
    expect((await errorOf(chatObject(gateway, hello, recipeOptions()))).code).toBe(
      "empty_response",
    );
  });

  it("JSON the schema rejects is a data error with the issues' paths and messages", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer('{"title": 3, "minutes": "ten"}'));
    const error = await errorOf(chatObject(gateway, hello, recipeOptions()));
    expect(error).toMatchObject({
      code: "data",
      details: {
        text: '{"title": 3, "minutes": "ten"}',
        issues: [
          { path: ["title"], message: "expected string" },
          { path: ["minutes"], message: "expected number" },
        ],
      },
    });
    expect(error.message).toContain("title: expected string");
  });

  it.each([
    [
      "throws",
      () => {
        throw new TypeError("boom");
      },
    ],
    ["rejects", async () => Promise.reject(new TypeError("boom"))],
    ["returns no result", () => undefined as never],
  ])("a validate that %s is a data error, never a raw TypeError", async (_how, validate) => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer("{}"));
    const schema: StandardSchemaV1 = { "~standard": { version: 1, vendor: "x", validate } };
    const error = await errorOf(chatObject(gateway, hello, { model: "m", schema, jsonSchema: {} }));
    expect(error.code).toBe("data");
    expect(error.details).toMatchObject({ text: "{}" });
  });

  describe("bad arguments are invalid_input naming the field, before any provider call", () => {
    const cases: Array<[string, string, (options: ChatObjectOptions) => unknown]> = [
      ["a missing schema", "options.schema", ({ schema: _, ...rest }) => rest],
      [
        "a schema without validate",
        "options.schema",
        (o) => ({ ...o, schema: { "~standard": { version: 1, vendor: "x" } } }),
      ],
      [
        "a schema of another version",
        "options.schema",
        (o) => ({
          ...o,
          schema: { "~standard": { version: 2, vendor: "x", validate: () => ({ value: 1 }) } },
        }),
      ],
      [
        "a jsonSchema that is not an object",
        "options.jsonSchema",
        (o) => ({ ...o, jsonSchema: "{}" }),
      ],
      [
        "no jsonSchema and no converter",
        "options.jsonSchema",
        ({ jsonSchema: _, ...rest }) => rest,
      ],
      [
        "a responseFormat",
        "options.responseFormat",
        (o) => ({ ...o, responseFormat: { type: "json_object" } }),
      ],
      ["a bad name", "options.name", (o) => ({ ...o, name: "a recipe!" })],
      ["a non-string description", "options.description", (o) => ({ ...o, description: 3 })],
      [
        "a non-boolean strictSchema",
        "options.strictSchema",
        (o) => ({ ...o, strictSchema: "yes" }),
      ],
      ["a bad chat option", "options.temperature", (o) => ({ ...o, temperature: 9 })],
      ["no options", "options", () => undefined],
    ];
    it.each(cases)("%s", async (_what, field, change) => {
      const { mock, gateway } = await setup();
      const options = change(recipeOptions() as ChatObjectOptions) as ChatObjectOptions;
      const error = await errorOf(chatObject(gateway, hello, options));
      expect(error).toMatchObject({ code: "invalid_input", details: { field } });
      const streamError = await errorOf(drain(chatObjectStream(gateway, hello, options)));
      expect(streamError).toMatchObject({ code: "invalid_input", details: { field } });
      expect(mock.calls).toEqual([]);
    });

    it("invalid messages and a missing gateway", async () => {
      const { mock, gateway } = await setup();
      const bad = [{ role: "robot", content: "x" }] as unknown as Message[];
      expect(await errorOf(chatObject(gateway, bad, recipeOptions()))).toMatchObject({
        code: "invalid_input",
        details: { field: "messages[0].role" },
      });
      expect(
        await errorOf(chatObject(undefined as unknown as ModelGateway, hello, recipeOptions())),
      ).toMatchObject({ code: "invalid_input", details: { field: "gateway" } });
      expect(mock.calls).toEqual([]);
    });

    it("a converter that throws", async () => {
      const { mock, gateway } = await setup();
      const schema = objectWithJsonSchema({ a: "string" });
      const broken = {
        "~standard": {
          ...schema["~standard"],
          jsonSchema: {
            input: () => {
              throw new Error("unsupported");
            },
            output: () => ({}),
          },
        },
      };
      const error = await errorOf(chatObject(gateway, hello, { model: "m", schema: broken }));
      expect(error).toMatchObject({ code: "invalid_input", details: { field: "options.schema" } });
      expect(mock.calls).toEqual([]);
    });
  });

  it("an abort during an asynchronous validate still rejects with aborted", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer("1"));
    mock.enqueueStream([
      { type: "content", text: "1" },
      { type: "done", finishReason: "stop" },
    ]);
    const controller = new AbortController();
    const schema: StandardSchemaV1<number> = {
      "~standard": {
        version: 1,
        vendor: "tiny",
        validate: async (value) => {
          controller.abort();
          return { value: value as number };
        },
      },
    };
    const options = {
      model: "m",
      schema,
      jsonSchema: { type: "number" },
      signal: controller.signal,
    };
    expect((await errorOf(chatObject(gateway, hello, options))).code).toBe("aborted");
    const controller2 = new AbortController();
    const events: string[] = [];
    const error = await errorOf(
      (async () => {
        const stream = chatObjectStream(gateway, hello, {
          ...options,
          schema: {
            "~standard": {
              ...schema["~standard"],
              validate: async (value) => {
                controller2.abort();
                return { value: value as number };
              },
            },
          },
          signal: controller2.signal,
        });
        for await (const event of stream) events.push(event.type);
      })(),
    );
    expect(error.code).toBe("aborted");
    expect(events).toEqual(["partial"]);
  });

  it("passes the call's own strict option through (warnings become errors)", async () => {
    const mock = createMockProvider({ unsupportedSettings: ["temperature"] });
    const gateway = await Ratatoskr.builder().use(mock).build();
    const error = await errorOf(
      chatObject(gateway, hello, { ...recipeOptions(), temperature: 1, strict: true }),
    );
    expect(error.code).toBe("invalid_input");
  });
});

describe("Gateway.chatObject and Gateway.chatObjectStream", () => {
  it("are the same calls as methods of the composed gateway", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueChat(answer('{"title": "Soup", "minutes": 30}'));
    const result = await gateway.chatObject(hello, recipeOptions());
    expectTypeOf(result.object).toEqualTypeOf<{ title: string; minutes: number }>();
    expect(result.object).toEqual({ title: "Soup", minutes: 30 });
    mock.enqueueChat(answer('{"title": "Tea", "minutes": 5}'));
    const events = [];
    for await (const event of gateway.chatObjectStream(hello, recipeOptions())) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "object", object: { title: "Tea", minutes: 5 } });
    expect(mock.callsOf("chat")).toHaveLength(1);
    expect(mock.callsOf("chatStream")).toHaveLength(1);
  });
});

describe("chatObjectStream", () => {
  const pieces = [
    "```json\n",
    '{"tit',
    'le": "Ca',
    "cio",
    '", ',
    '"min',
    'utes": 1',
    "5}",
    "\n```",
  ];

  it("yields partial objects as the text arrives (only when they change), then the validated object", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueStream([
      { type: "reasoning", text: "thinking" },
      ...pieces.map((text) => ({ type: "content" as const, text })),
      { type: "usage", usage: createUsage(10, 9) },
      { type: "done", finishReason: "stop", usage: createUsage(10, 9) },
    ]);
    const events = await drain(chatObjectStream(gateway, hello, recipeOptions({ name: "recipe" })));
    expect(events).toEqual([
      { type: "partial", object: {} },
      { type: "partial", object: { title: "Ca" } },
      { type: "partial", object: { title: "Cacio" } },
      { type: "partial", object: { title: "Cacio", minutes: 1 } },
      { type: "partial", object: { title: "Cacio", minutes: 15 } },
      {
        type: "object",
        object: { title: "Cacio", minutes: 15 },
        text: pieces.join(""),
        finishReason: "stop",
        usage: createUsage(10, 9),
        provider: "mock",
        model: "m",
        requestId: "mock-request-1",
      },
    ]);
    expect(mock.callsOf("chatStream")[0]!.request.settings.responseFormat).toMatchObject({
      type: "json_schema",
      name: "recipe",
    });
  });

  it("types partial objects as deep partials of the schema's input, the final one as its output", () => {
    const stream = chatObjectStream({} as ModelGateway, hello, recipeOptions());
    type Event = typeof stream extends AsyncIterable<infer E> ? E : never;
    expectTypeOf<Extract<Event, { type: "partial" }>["object"]>().toEqualTypeOf<{
      title?: string;
      minutes?: number;
    }>();
    expectTypeOf<Extract<Event, { type: "object" }>["object"]>().toEqualTypeOf<{
      title: string;
      minutes: number;
    }>();
  });

  it("an answer the schema rejects fails after the partials with a data error", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueStream([
      { type: "content", text: '{"title": "x"}' },
      { type: "done", finishReason: "stop" },
    ]);
    const seen: unknown[] = [];
    const error = await errorOf(
      (async () => {
        for await (const event of chatObjectStream(gateway, hello, recipeOptions()))
          seen.push(event);
      })(),
    );
    expect(seen).toEqual([{ type: "partial", object: { title: "x" } }]);
    expect(error).toMatchObject({
      code: "data",
      details: { issues: [{ path: ["minutes"], message: "expected number" }] },
    });
  });

  it("leaving the loop early calls the upstream iterator's return(), which cancels the request", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueStream({
      events: pieces.map((text) => ({ type: "content" as const, text })),
      delayMs: 1,
    });
    let returned = 0;
    const watched: ModelGateway = Object.assign(Object.create(gateway) as ModelGateway, {
      chatStream(messages: readonly Message[], options: ChatOptions): AsyncIterable<ChatEvent> {
        const upstream = gateway.chatStream(messages, options);
        return {
          [Symbol.asyncIterator]() {
            const iterator = upstream[Symbol.asyncIterator]();
            return {
              next: () => iterator.next(),
              return: async (value?: unknown) => {
                returned++;
                return (await iterator.return?.(value)) ?? { done: true, value: undefined };
              },
            };
          },
        };
      },
    });
    for await (const event of chatObjectStream(watched, hello, recipeOptions())) {
      expect(event.type).toBe("partial");
      break;
    }
    expect(returned).toBe(1);
    expect(mock.callsOf("chatStream")[0]!.signal.aborted).toBe(true);
  });

  it("aborting the signal ends the stream with an aborted error", async () => {
    const { mock, gateway } = await setup();
    mock.enqueueStream({
      events: pieces.map((text) => ({ type: "content" as const, text })),
      delayMs: 1,
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await errorOf(
      (async () => {
        const stream = chatObjectStream(gateway, hello, {
          ...recipeOptions(),
          signal: controller.signal,
        });
        for await (const event of stream) {
          seen.push(event.type);
          controller.abort();
        }
      })(),
    );
    expect(error.code).toBe("aborted");
    expect(seen).toEqual(["partial"]);
    expect(mock.callsOf("chatStream")[0]!.signal.aborted).toBe(true);
  });

  it("a stream without done (a broken custom gateway) is a stream error", async () => {
    const gateway = {
      chat: () => Promise.reject(new Error("unused")),
      chatStream: () => ({
        async *[Symbol.asyncIterator]() {
          yield { type: "content", text: "{}" } as ChatEvent;
        },
      }),
    } as unknown as ModelGateway;
    const error = await errorOf(drain(chatObjectStream(gateway, hello, recipeOptions())));
    expect(RatatoskrError.isInstance(error, "stream")).toBe(true);
  });
});

describe("stripCodeFence", () => {
  it.each([
    ['{"a": 1}', '{"a": 1}'],
    ['\n ```json\n{"a": 1}\n```\n', '{"a": 1}'],
    ['```{"a": 1}```', '{"a": 1}'],
    ["```JSON\n[1]", "[1]"],
  ])("%j → %j", (text, expected) => {
    expect(stripCodeFence(text)).toBe(expected);
  });
});

it("a user message is enough: the conversation is sent as is", async () => {
  const { mock, gateway } = await setup();
  mock.enqueueChat(answer('{"title": "x", "minutes": 1}'));
  const messages = [Message.system("Answer in JSON."), Message.user("A recipe")];
  await chatObject(gateway, messages, recipeOptions());
  expect(mock.callsOf("chat")[0]!.request.messages).toEqual(messages);
});
