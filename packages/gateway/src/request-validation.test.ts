/**
 * The gateway validates the whole request (messages, tools, chat options,
 * per-call options, model strings) before routing: a malformed request is
 * `invalid_input` naming the field, never reaches a provider, is never
 * retried, never falls back and never cools a provider down.
 */
import { MAX_MODEL_LENGTH, Message, RatatoskrError } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { Ratatoskr } from "./index.ts";
import { drain, errorOf, hello } from "./test-helpers.ts";

type Request = { messages: unknown; options: Record<string, unknown> };

const assistant = (extra: Record<string, unknown>) => ({
  messages: [Message.user("hi"), { role: "assistant", content: "", ...extra }, Message.user("go")],
  options: { model: "m" },
});
const withOptions = (options: Record<string, unknown>): Request => ({
  messages: hello,
  options: { model: "m", ...options },
});
const tool = { name: "get_weather", parameters: { type: "object", properties: {} } };

/** [case, request, the field the error must name] */
const MALFORMED: Array<[string, Request, string]> = [
  [
    "an unknown role",
    { messages: [{ role: "robot", content: "x" }], options: { model: "m" } },
    "messages[0].role",
  ],
  [
    "non-string content",
    { messages: [{ role: "user", content: 42 }], options: { model: "m" } },
    "messages[0].content",
  ],
  ["toolCalls that is not an array", assistant({ toolCalls: "call it" }), "messages[1].toolCalls"],
  [
    "a tool call that is not an object",
    assistant({ toolCalls: [null] }),
    "messages[1].toolCalls[0]",
  ],
  [
    "a tool call without an id",
    assistant({ toolCalls: [{ name: "f", arguments: "{}" }] }),
    "messages[1].toolCalls[0].id",
  ],
  [
    "a tool call without a name",
    assistant({ toolCalls: [{ id: "c1", arguments: "{}" }] }),
    "messages[1].toolCalls[0].name",
  ],
  [
    "tool call arguments that are an object",
    assistant({ toolCalls: [{ id: "c1", name: "f", arguments: { a: 1 } }] }),
    "messages[1].toolCalls[0].arguments",
  ],
  [
    "tool call arguments that are not JSON",
    assistant({ toolCalls: [{ id: "c1", name: "f", arguments: '{"a":' }] }),
    "messages[1].toolCalls[0].arguments",
  ],
  [
    "reasoningDetails that is not an array",
    assistant({ reasoningDetails: {} }),
    "messages[1].reasoningDetails",
  ],
  [
    "a reasoning detail of unknown type",
    assistant({ reasoningDetails: [{ type: "secret", text: "x" }] }),
    "messages[1].reasoningDetails[0].type",
  ],
  [
    "a text reasoning detail without text",
    assistant({ reasoningDetails: [{ type: "text", signature: "s" }] }),
    "messages[1].reasoningDetails[0].text",
  ],
  [
    "a redacted reasoning detail without data",
    assistant({ reasoningDetails: [{ type: "redacted" }] }),
    "messages[1].reasoningDetails[0].data",
  ],
  [
    "an opaque reasoning detail without provider",
    assistant({ reasoningDetails: [{ type: "opaque", value: 1 }] }),
    "messages[1].reasoningDetails[0].provider",
  ],
  ["reasoning that is not a string", assistant({ reasoning: 5 }), "messages[1].reasoning"],
  ["tools that is not an array", withOptions({ tools: tool }), "options.tools"],
  ["a tool without a name", withOptions({ tools: [{ parameters: {} }] }), "options.tools[0].name"],
  [
    "a tool without a schema object",
    withOptions({ tools: [{ name: "f" }] }),
    "options.tools[0].parameters",
  ],
  [
    "a tool whose schema is an array",
    withOptions({ tools: [{ name: "f", parameters: [] }] }),
    "options.tools[0].parameters",
  ],
  [
    "a tool whose schema is not of type object",
    withOptions({ tools: [{ name: "f", parameters: { type: "string" } }] }),
    "options.tools[0].parameters.type",
  ],
  ["two tools of one name", withOptions({ tools: [tool, tool] }), "options.tools[1].name"],
  [
    "an unknown toolChoice",
    withOptions({ tools: [tool], toolChoice: "sometimes" }),
    "options.toolChoice",
  ],
  [
    "a toolChoice naming no tool",
    withOptions({ tools: [tool], toolChoice: { name: "nope" } }),
    "options.toolChoice.name",
  ],
  ["a NaN temperature", withOptions({ temperature: Number.NaN }), "options.temperature"],
  ["a negative temperature", withOptions({ temperature: -0.1 }), "options.temperature"],
  ["a temperature above 2", withOptions({ temperature: 2.5 }), "options.temperature"],
  ["a string temperature", withOptions({ temperature: "0.5" }), "options.temperature"],
  ["a topP above 1", withOptions({ topP: 1.5 }), "options.topP"],
  ["an infinite topP", withOptions({ topP: Number.POSITIVE_INFINITY }), "options.topP"],
  ["a zero maxTokens", withOptions({ maxTokens: 0 }), "options.maxTokens"],
  ["a fractional maxTokens", withOptions({ maxTokens: 1.5 }), "options.maxTokens"],
  ["a NaN maxTokens", withOptions({ maxTokens: Number.NaN }), "options.maxTokens"],
  ["a string maxTokens", withOptions({ maxTokens: "100" }), "options.maxTokens"],
  ["stop that is a string", withOptions({ stop: "END" }), "options.stop"],
  ["stop with a number", withOptions({ stop: ["END", 7] }), "options.stop[1]"],
  ["a fractional seed", withOptions({ seed: 1.5 }), "options.seed"],
  [
    "an infinite frequencyPenalty",
    withOptions({ frequencyPenalty: Number.POSITIVE_INFINITY }),
    "options.frequencyPenalty",
  ],
  ["a presencePenalty below -2", withOptions({ presencePenalty: -3 }), "options.presencePenalty"],
  [
    "a non-boolean parallelToolCalls",
    withOptions({ parallelToolCalls: "yes" }),
    "options.parallelToolCalls",
  ],
  [
    "an unknown reasoning effort",
    withOptions({ reasoning: { effort: "max" } }),
    "options.reasoning.effort",
  ],
  [
    "a negative reasoning budget",
    withOptions({ reasoning: { maxTokens: -1 } }),
    "options.reasoning.maxTokens",
  ],
  [
    "an unknown responseFormat",
    withOptions({ responseFormat: { type: "xml" } }),
    "options.responseFormat.type",
  ],
  [
    "a json_schema responseFormat without schema",
    withOptions({ responseFormat: { type: "json_schema", name: "x" } }),
    "options.responseFormat.schema",
  ],
  [
    "rawProviderOptions (replaced by providerOptions)",
    withOptions({ rawProviderOptions: { x: 1 } }),
    "options.rawProviderOptions",
  ],
  [
    "providerOptions whose entry is not an object",
    withOptions({ providerOptions: { acme: "fast" } }),
    "options.providerOptions.acme",
  ],
  ["a strict that is a string", withOptions({ strict: "yes" }), "options.strict"],
  ["a signal that is not an AbortSignal", withOptions({ signal: {} }), "options.signal"],
  ["a signal that is a string", withOptions({ signal: "abort" }), "options.signal"],
  ["a negative timeout", withOptions({ timeout: -1 }), "options.timeout"],
  ["a NaN timeout", withOptions({ timeout: Number.NaN }), "options.timeout"],
  ["a string timeout", withOptions({ timeout: "100" }), "options.timeout"],
  ["a negative attemptTimeout", withOptions({ attemptTimeout: -5 }), "options.attemptTimeout"],
  [
    "an infinite idleTimeout",
    withOptions({ idleTimeout: Number.POSITIVE_INFINITY }),
    "options.idleTimeout",
  ],
  ["retry that is a string", withOptions({ retry: "no" }), "options.retry"],
  [
    "retry with zero attempts",
    withOptions({ retry: { maxAttempts: 0 } }),
    "options.retry.maxAttempts",
  ],
  ["fallbacks that is a string", withOptions({ fallbacks: "backup:m" }), "options.fallbacks"],
  ["fallbacks with a number", withOptions({ fallbacks: [42] }), "options.fallbacks[0]"],
  [
    "a fallback without a provider: prefix",
    withOptions({ fallbacks: ["small-model"] }),
    "options.fallbacks[0]",
  ],
  [
    "a fallback naming an unregistered provider",
    withOptions({ fallbacks: ["nope:m"] }),
    "options.fallbacks[0]",
  ],
  ["options that is not an object", { messages: hello, options: "m" as never }, "options"],
  [
    "a model longer than the limit",
    withOptions({ model: "m".repeat(MAX_MODEL_LENGTH + 1) }),
    "options.model",
  ],
];

async function setup() {
  const primary = createMockProvider({ id: "primary" });
  const backup = createMockProvider({ id: "backup" });
  const gateway = await Ratatoskr.builder()
    .use(primary)
    .use(backup)
    .fallbacks("chat", ["backup:m"])
    .build();
  return { gateway, primary, backup };
}

describe("malformed chat requests are invalid_input naming the field, and reach no provider", () => {
  it.each(MALFORMED)("%s", async (_name, request, field) => {
    const { gateway, primary, backup } = await setup();
    const messages = request.messages as Message[];
    const options = request.options as never;
    for (const error of [
      await errorOf(gateway.chat(messages, options)),
      await errorOf(drain(gateway.chatStream(messages, options))),
    ]) {
      expect(error.code).toBe("invalid_input");
      expect(error.message).toContain(field);
      expect(error.details).toMatchObject({ field });
    }
    expect(primary.calls).toHaveLength(0);
    expect(backup.calls).toHaveLength(0);
  });

  it("well-formed requests with every field pass", async () => {
    const { gateway, primary } = await setup();
    const messages: Message[] = [
      Message.system("be brief"),
      Message.user("weather?", "ada"),
      {
        role: "assistant",
        content: "",
        reasoning: "think",
        reasoningDetails: [
          { type: "text", text: "think", signature: "sig", provider: "anthropic" },
          { type: "redacted", data: "opaque" },
          { type: "opaque", provider: "openrouter", value: { any: "thing" } },
        ],
        toolCalls: [
          { id: "c1", name: "get_weather", arguments: '{"city":"Oslo"}' },
          { id: "c2", name: "get_weather", arguments: "" },
        ],
      },
      Message.toolResult("c1", "cold", "get_weather"),
      Message.toolResult("c2", "cold"),
    ];
    await gateway.chat(messages, {
      model: "m",
      tools: [tool, { name: "noop", description: "nothing", parameters: {} }],
      toolChoice: { name: "get_weather" },
      parallelToolCalls: true,
      temperature: 0,
      topP: 1,
      maxTokens: 256,
      stop: ["END"],
      seed: 7,
      frequencyPenalty: -2,
      presencePenalty: 2,
      responseFormat: { type: "json_schema", name: "weather", schema: { type: "object" } },
      cachePrompt: true,
      reasoning: { effort: "low", maxTokens: 1024, exclude: false },
      providerOptions: { primary: { anything: true }, backup: {} },
      strict: false,
      topK: 40,
      signal: new AbortController().signal,
      timeout: 0,
      attemptTimeout: 1000,
      idleTimeout: 1000,
      retry: false,
      fallbacks: ["backup:m"],
    });
    await gateway.chat(hello, { model: "m".repeat(MAX_MODEL_LENGTH), fallbacks: false });
    expect(primary.calls).toHaveLength(2);
  });
});

describe("bad options of the other methods", () => {
  it.each([
    ["embed signal", (g: Gw) => g.embed("x", "m", { signal: "abort" as never }), "options.signal"],
    ["embed timeout", (g: Gw) => g.embed("x", "m", { timeout: Number.NaN }), "options.timeout"],
    [
      "embedBatch fallbacks",
      (g: Gw) => g.embedBatch(["x"], "m", { fallbacks: "primary:m" as never }),
      "options.fallbacks",
    ],
    [
      "inferNli retry",
      (g: Gw) => g.inferNli("a", "b", "m", { retry: { jitter: 3 } }),
      "options.retry.jitter",
    ],
    [
      "classify multiLabel",
      (g: Gw) => g.classifyZeroShot("t", ["a"], "m", { multiLabel: "yes" as never }),
      "options.multiLabel",
    ],
    [
      "generate temperature",
      (g: Gw) => g.generate("p", { model: "m", temperature: Number.NaN }),
      "options.temperature",
    ],
    ["generate topK", (g: Gw) => g.generate("p", { model: "m", topK: 0 }), "options.topK"],
    [
      "generate stopSequences",
      (g: Gw) => g.generate("p", { model: "m", stopSequences: "x" as never }),
      "options.stopSequences",
    ],
    [
      "generateStream maxTokens",
      (g: Gw) => drain(g.generateStream("p", { model: "m", maxTokens: -1 })),
      "options.maxTokens",
    ],
    ["embed model too long", (g: Gw) => g.embed("x", "m".repeat(1_000_000)), "model"],
    ["embed options not an object", (g: Gw) => g.embed("x", "m", 5 as never), "options"],
  ])("%s", async (_name, call, field) => {
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder().use(mock).build();
    const error = await errorOf(call(gateway) as Promise<unknown>);
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain(field);
    expect(mock.calls).toHaveLength(0);
  });
});

type Gw = Awaited<ReturnType<ReturnType<typeof Ratatoskr.builder>["build"]>>;

describe("an invalid request", () => {
  it("is not retried, does not fall back and does not cool the provider down", async () => {
    // The primary answers malformed requests the way an HTTP API does: a
    // non-retryable provider error, which would fall back and count for its cool-down.
    const rejected = new RatatoskrError({
      code: "provider",
      status: 400,
      message: "messages.1.tool_calls.0.id: Field required",
    });
    const primary = createMockProvider({ id: "primary" })
      .failNext("chat", rejected, 10)
      .failNext("chatStream", rejected, 10);
    const backup = createMockProvider({ id: "backup" });
    const seen: string[] = [];
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .use(backup)
      .retry({ initialDelayMs: 1, maxDelayMs: 1 })
      .cooldown({ failureThreshold: 1, cooldownMs: 60_000 })
      .fallbacks("chat", ["backup:m"])
      .hooks({
        onRetry: () => seen.push("retry"),
        onFallback: () => seen.push("fallback"),
        onError: (event) => seen.push(`error:${event.error.code}`),
      })
      .build();
    const malformed = [
      Message.user("hi"),
      { role: "assistant", content: "", toolCalls: [{ name: "f", arguments: "{}" }] },
    ] as Message[];
    for (let call = 0; call < 3; call++) {
      expect((await errorOf(gateway.chat(malformed, { model: "primary:m" }))).code).toBe(
        "invalid_input",
      );
      expect(
        (await errorOf(drain(gateway.chatStream(malformed, { model: "primary:m" })))).code,
      ).toBe("invalid_input");
    }
    expect(primary.calls).toHaveLength(0);
    expect(backup.calls).toHaveLength(0);
    expect(seen.filter((entry) => entry === "retry" || entry === "fallback")).toEqual([]);
    expect(gateway.route("chat", "primary:m").cooldowns).toBeUndefined();
  });
});

describe("model strings", () => {
  it(`are limited to ${MAX_MODEL_LENGTH} characters, in calls and in route()`, async () => {
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder().use(mock).build();
    const huge = "m".repeat(1_000_000);
    const error = await errorOf(gateway.chat(hello, { model: huge }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain(String(MAX_MODEL_LENGTH));
    expect(error.message.length).toBeLessThan(500);
    let thrown: unknown;
    try {
      gateway.route("chat", huge);
    } catch (caught) {
      thrown = caught;
    }
    expect(RatatoskrError.isInstance(thrown, "invalid_input")).toBe(true);
    expect(mock.calls).toHaveLength(0);
  });

  it("route() with a model that is not a string is invalid_input, not a TypeError", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    expect(() => gateway.route("chat", 42 as never)).toThrow(
      expect.objectContaining({ code: "invalid_input" }),
    );
  });
});
