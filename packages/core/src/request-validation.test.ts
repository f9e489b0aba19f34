import { afterEach, describe, expect, it, vi } from "vitest";
import {
  assertCallOptions,
  assertChatOptions,
  assertChatRequest,
  assertFallbackTargets,
  assertGenerateOptions,
  assertMessages,
  assertModel,
  assertRetryOptions,
  assertTools,
  isAbortSignal,
  MAX_MODEL_LENGTH,
  MAX_TIMEOUT_MS,
  Message,
  RatatoskrError,
} from "./index.ts";

/** The invalid_input error `check` throws (fails the test when it throws something else or nothing). */
function invalid(check: () => void): RatatoskrError {
  try {
    check();
  } catch (error) {
    if (RatatoskrError.isInstance(error, "invalid_input")) return error;
    throw new Error(`expected an invalid_input RatatoskrError, got ${String(error)}`);
  }
  throw new Error("expected invalid_input, nothing was thrown");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("assertMessages", () => {
  const call = { id: "c1", name: "f", arguments: '{"a":1}' };
  const withCalls = (toolCalls: unknown) => [
    Message.user("hi"),
    { role: "assistant", content: "", toolCalls },
  ];

  it.each([
    ["messages[1].toolCalls[0].id", [{ id: "", name: "f", arguments: "{}" }]],
    ["messages[1].toolCalls[0].name", [{ id: "c1", name: 3, arguments: "{}" }]],
    ["messages[1].toolCalls[1].arguments", [call, { id: "c2", name: "f", arguments: "{'a':1}" }]],
    ["messages[1].toolCalls[0].arguments", [{ id: "c1", name: "f" }]],
    ["messages[1].toolCalls", {}],
  ])("rejects malformed tool calls, naming %s", (field, toolCalls) => {
    const error = invalid(() => assertMessages(withCalls(toolCalls)));
    expect(error.details).toEqual({ field });
    expect(error.message.startsWith(`${field} `)).toBe(true);
  });

  it("accepts empty arguments (no arguments) and any JSON text", () => {
    assertMessages(
      withCalls([
        { id: "c1", name: "f", arguments: "" },
        { id: "c2", name: "f", arguments: "[1, 2]" },
      ]),
    );
  });

  it("parses a tool call's arguments once however often the conversation is validated; a changed text is checked again", () => {
    const big = { id: "c1", name: "f", arguments: JSON.stringify({ data: "x".repeat(100_000) }) };
    const messages = withCalls([big]);
    const parse = vi.spyOn(JSON, "parse");
    for (let request = 0; request < 5; request++) assertMessages(messages);
    expect(parse).toHaveBeenCalledTimes(1);
    big.arguments = '{"data": ';
    expect(invalid(() => assertMessages(messages)).details).toEqual({
      field: "messages[1].toolCalls[0].arguments",
    });
  });

  it("names the bad reasoning detail", () => {
    const error = invalid(() =>
      assertMessages([
        { role: "assistant", content: "", reasoningDetails: [{ type: "text", text: "ok" }, 7] },
      ]),
    );
    expect(error.message).toBe("messages[0].reasoningDetails[1] must be an object, got 7");
  });

  it.each([
    [{ serverToolCalls: "x" }, "messages[0].serverToolCalls"],
    [
      { serverToolCalls: [{ id: "", name: "web_search", input: {} }] },
      "messages[0].serverToolCalls[0].id",
    ],
    [
      { serverToolCalls: [{ id: "s1", name: 3, input: {} }] },
      "messages[0].serverToolCalls[0].name",
    ],
    [
      { serverToolCalls: [{ id: "s1", name: "web_search", input: {}, contentOffset: 99 }] },
      "messages[0].serverToolCalls[0].contentOffset",
    ],
    [
      { serverToolCalls: [{ id: "s1", name: "web_search", input: {}, record: { value: 1 } }] },
      "messages[0].serverToolCalls[0].record",
    ],
    [
      { serverToolResults: [{ toolCallId: "s1", name: "web_search", content: [], isError: "no" }] },
      "messages[0].serverToolResults[0].isError",
    ],
    [
      { serverToolResults: [{ name: "web_search", content: [] }] },
      "messages[0].serverToolResults[0].toolCallId",
    ],
  ])("names the bad server tool item: %o", (fields, field) => {
    const error = invalid(() => assertMessages([{ role: "assistant", content: "ok", ...fields }]));
    expect(error.details).toEqual({ field });
  });

  it("accepts server tool calls and results with their records", () => {
    assertMessages([
      {
        role: "assistant",
        content: "found it",
        serverToolCalls: [
          {
            id: "s1",
            name: "web_search",
            input: { query: "q" },
            contentOffset: 0,
            record: { provider: "anthropic", value: {} },
          },
        ],
        serverToolResults: [
          { toolCallId: "s1", name: "web_search", content: [], isError: false, contentOffset: 8 },
        ],
      },
    ]);
  });

  it("describes a long bad value by its length, never by its whole text", () => {
    const error = invalid(() => assertMessages([{ role: "x".repeat(1_000_000), content: "" }]));
    expect(error.message.length).toBeLessThan(200);
  });
});

describe("assertTools", () => {
  it("requires a schema object for every tool", () => {
    expect(invalid(() => assertTools([{ name: "f", parameters: "{}" }])).details).toEqual({
      field: "options.tools[0].parameters",
    });
    assertTools([{ name: "f", parameters: {} }]);
  });
});

describe("assertChatOptions", () => {
  it.each([
    [{ model: "m", temperature: Number.NaN }, "options.temperature"],
    [{ model: "m", temperature: Number.POSITIVE_INFINITY }, "options.temperature"],
    [{ model: "m", topP: -0.01 }, "options.topP"],
    [{ model: "m", maxTokens: 2 ** 53 }, "options.maxTokens"],
    [{ model: "m", stop: [""] }, "options.stop[0]"],
    [{ model: "m", toolChoice: { name: "f" } }, "options.toolChoice.name"],
    [{ model: "m", responseFormat: "json" }, "options.responseFormat.type"],
    [{ model: "m", reasoning: { exclude: 1 } }, "options.reasoning.exclude"],
    [{ model: "" }, "options.model"],
    [{ model: "m", signal: { aborted: false } }, "options.signal"],
    [{ model: "m", timeout: MAX_TIMEOUT_MS + 1 }, "options.timeout"],
    [{ model: "m", topK: 0 }, "options.topK"],
    [{ model: "m", strict: "yes" }, "options.strict"],
    [{ model: "m", cache: "no" }, "options.cache"],
    [{ model: "m", providerOptions: [] }, "options.providerOptions"],
    [{ model: "m", providerOptions: { acme: "fast" } }, "options.providerOptions.acme"],
    [{ model: "m", providerOptions: { acme: null } }, "options.providerOptions.acme"],
    [null, "options"],
  ])("rejects %j naming %s", (options, field) => {
    expect(invalid(() => assertChatOptions(options)).details).toEqual({ field });
  });

  it("accepts provider options keyed by provider id, and strict", () => {
    assertChatOptions({
      model: "m",
      strict: true,
      topK: 40,
      providerOptions: { acme: { transforms: ["middle-out"] }, other: {} },
    });
    assertCallOptions({ providerOptions: { acme: { dimensions: 256 } }, strict: false });
  });

  it("rejects the replaced rawProviderOptions with the way to migrate", () => {
    const error = invalid(() => assertChatOptions({ model: "m", rawProviderOptions: { x: 1 } }));
    expect(error.details).toEqual({ field: "options.rawProviderOptions" });
    expect(error.message).toContain("providerOptions, keyed by provider id");
    expect(
      invalid(() => assertGenerateOptions({ model: "m", rawProviderOptions: {} })).details,
    ).toEqual({ field: "options.rawProviderOptions" });
  });

  it("assertChatRequest checks the messages first, then the options", () => {
    expect(invalid(() => assertChatRequest([], { model: "" })).details).toEqual({
      field: "messages",
    });
    expect(invalid(() => assertChatRequest([Message.user("x")], {})).details).toEqual({
      field: "options.model",
    });
  });
});

describe("assertGenerateOptions and assertCallOptions", () => {
  it("reject NaN, negatives, strings for numbers and non-signals", () => {
    expect(invalid(() => assertGenerateOptions({ model: "m", topK: 1.5 })).details).toEqual({
      field: "options.topK",
    });
    expect(invalid(() => assertCallOptions({ timeout: "5" })).details).toEqual({
      field: "options.timeout",
    });
    expect(invalid(() => assertCallOptions({ idleTimeout: -1 })).details).toEqual({
      field: "options.idleTimeout",
    });
    expect(invalid(() => assertCallOptions(7)).details).toEqual({ field: "options" });
    assertCallOptions(undefined);
    assertCallOptions({ signal: AbortSignal.abort(), timeout: 0, retry: false, fallbacks: false });
  });

  it("isAbortSignal accepts real signals only", () => {
    expect(isAbortSignal(new AbortController().signal)).toBe(true);
    expect(isAbortSignal({ aborted: false })).toBe(false);
    expect(isAbortSignal("signal")).toBe(false);
  });
});

describe("assertRetryOptions and assertFallbackTargets", () => {
  it("name the bad field", () => {
    expect(invalid(() => assertRetryOptions({ maxAttempts: 1.5 })).details).toEqual({
      field: "options.retry.maxAttempts",
    });
    expect(invalid(() => assertRetryOptions({ shouldRetry: true })).details).toEqual({
      field: "options.retry.shouldRetry",
    });
    expect(invalid(() => assertFallbackTargets(["a:b", "ab"])).details).toEqual({
      field: "options.fallbacks[1]",
    });
    expect(invalid(() => assertFallbackTargets("a:b")).details).toEqual({
      field: "options.fallbacks",
    });
  });
});

describe("assertModel", () => {
  it(`accepts up to ${MAX_MODEL_LENGTH} characters and names the limit beyond`, () => {
    assertModel("m".repeat(MAX_MODEL_LENGTH));
    const error = invalid(() => assertModel("m".repeat(MAX_MODEL_LENGTH + 1)));
    expect(error.message).toBe(
      `model must be at most ${MAX_MODEL_LENGTH} characters, got ${MAX_MODEL_LENGTH + 1}`,
    );
  });
});
