import { create } from "@bufbuild/protobuf";
import { Message, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import {
  chatRequestFromProto,
  chatRequestToProto,
  type WireChatOptions,
} from "./chat-request-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { PROTOCOL_REVISION } from "./protocol-revision.ts";

const messages: Message[] = [
  Message.system("Be brief."),
  Message.user("What is x?", "ann"),
  Message.assistantWithToolCalls("", [{ id: "call_1", name: "lookup", arguments: '{"q":"x"}' }]),
  Message.toolResult("call_1", "42"),
];

const options: WireChatOptions = {
  model: "openrouter:anthropic/claude-sonnet-4",
  tools: [
    { name: "lookup", description: "Look up", parameters: { type: "object", properties: {} } },
    { name: "noop", parameters: { type: "object" } },
  ],
  toolChoice: { name: "lookup" },
  parallelToolCalls: true,
  temperature: 0.7,
  topP: 0.9,
  topK: 40,
  maxTokens: 1000,
  stop: ["END", "STOP"],
  seed: 12_345,
  frequencyPenalty: -0.3,
  presencePenalty: 1.1,
  responseFormat: {
    type: "json_schema",
    name: "answer",
    schema: { type: "object", properties: { value: { type: "number" } } },
    strict: true,
    description: "The answer",
  },
  cachePrompt: true,
  reasoning: { effort: "minimal", maxTokens: 2048, exclude: true },
  providerOptions: { openrouter: { transforms: ["middle-out"] }, anthropic: { top_k: 5 } },
  strict: true,
  attemptTimeout: 30_000,
  idleTimeout: 10_000,
  retry: {
    maxAttempts: 5,
    initialDelayMs: 100,
    maxDelayMs: 2000,
    multiplier: 1.5,
    jitter: 0.1,
    maxRetryAfterMs: 30_000,
  },
  fallbacks: ["ollama:llama3.2", "anthropic:claude-haiku-4-5"],
};

function roundTrip(request: pb.ChatRequest) {
  return chatRequestFromProto(throughWire(pb.ChatRequestSchema, request));
}

describe("chat requests through the wire", () => {
  it("every option comes back as given (floats as the decimals written), announcing this protocol revision", () => {
    const request = chatRequestToProto(messages, options);
    expect(request.protocolRevision).toBe(PROTOCOL_REVISION);
    expect(roundTrip(request)).toEqual({ messages, options, warnings: [] });
  });

  it.each([
    ["auto", "auto"],
    ["none", "none"],
    ["required", "required"],
    ["text", { type: "text" }],
    ["json_object", { type: "json_object" }],
  ] as const)("tool choice or response format %s comes back", (_name, value) => {
    const chosen: WireChatOptions =
      typeof value === "string"
        ? { model: "m", tools: [{ name: "t", parameters: { type: "object" } }], toolChoice: value }
        : { model: "m", responseFormat: value };
    expect(roundTrip(chatRequestToProto([Message.user("hi")], chosen)).options).toEqual(chosen);
  });

  it("retry off and fallbacks off cross the wire", () => {
    const off: WireChatOptions = { model: "m", retry: false, fallbacks: false };
    expect(roundTrip(chatRequestToProto([Message.user("hi")], off)).options).toEqual(off);
  });

  it("what the original protocol sends differently: tool choice false is auto, a schema without a name is named response", () => {
    const request = create(pb.ChatRequestSchema, {
      messages: [{ role: pb.Role.USER, content: "hi" }],
      options: {
        model: "m",
        toolChoice: { choice: { case: "none", value: false } },
        responseFormat: { format: { case: "jsonSchema", value: '{"type":"object"}' } },
      },
    });
    expect(roundTrip(request).options).toMatchObject({
      toolChoice: "auto",
      responseFormat: { type: "json_schema", name: "response", schema: { type: "object" } },
    });
  });

  it("reasoning efforts Ratatoskr lacks degrade with a warning", () => {
    const request = (effort: pb.ReasoningEffort) =>
      create(pb.ChatRequestSchema, {
        messages: [{ role: pb.Role.USER, content: "hi" }],
        options: { model: "m", reasoning: { effort, maxTokens: 100 } },
      });
    const xhigh = roundTrip(request(pb.ReasoningEffort.XHIGH));
    expect(xhigh.options.reasoning).toEqual({ effort: "high", maxTokens: 100 });
    expect(xhigh.warnings).toEqual([
      {
        type: "other",
        message: "options.reasoning.effort REASONING_EFFORT_XHIGH was lowered to high",
      },
    ]);
    const none = roundTrip(request(pb.ReasoningEffort.NONE));
    expect(none.options.reasoning).toEqual({ maxTokens: 100 });
    expect(none.warnings).toEqual([
      expect.objectContaining({ type: "unsupported_setting", setting: "reasoning.effort" }),
    ]);
    expect(() => roundTrip(request(42 as pb.ReasoningEffort))).toThrow(
      expect.objectContaining({
        code: "invalid_input",
        details: { field: "options.reasoning.effort" },
      }),
    );
  });
});

describe("bad chat requests are typed invalid_input errors naming the field", () => {
  const invalid = (run: () => unknown, field: string) => {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(RatatoskrError.isInstance(thrown, "invalid_input"), String(thrown)).toBe(true);
    expect((thrown as RatatoskrError).details?.field).toBe(field);
  };

  it("when encoding (a client's input)", () => {
    const user = [Message.user("hi")];
    invalid(() => chatRequestToProto(user, { model: "m", seed: -1 }), "options.seed");
    invalid(
      () => chatRequestToProto(user, { model: "m", temperature: Number.NaN }),
      "options.temperature",
    );
    invalid(() => chatRequestToProto(user, { model: "" }), "options.model");
    invalid(
      () => chatRequestToProto(user, { model: "m", retry: { shouldRetry: () => true } }),
      "options.retry.shouldRetry",
    );
    invalid(
      () => chatRequestToProto([{ role: "robot", content: "" } as never], { model: "m" }),
      "messages[0].role",
    );
    invalid(() => chatRequestToProto(user, { model: "m", topK: 2 ** 33 }), "options.topK");
  });

  it("when decoding (what a client sent)", () => {
    const request = (init: Record<string, unknown>) =>
      create(pb.ChatRequestSchema, { messages: [{ role: pb.Role.USER, content: "hi" }], ...init });
    invalid(() => roundTrip(request({})), "options.model");
    invalid(
      () => roundTrip(request({ options: { model: "m", temperature: 7 } })),
      "options.temperature",
    );
    invalid(() => roundTrip(request({ options: { model: "m", seed: 2n ** 63n } })), "options.seed");
    invalid(
      () => roundTrip(request({ options: { model: "m", rawProviderOptions: "[1]" } })),
      "options.providerOptions",
    );
    // The original daemon's flat object of request fields is not keyed by provider id.
    invalid(
      () =>
        roundTrip(
          request({
            options: { model: "m", rawProviderOptions: '{"transforms":["middle-out"]}' },
          }),
        ),
      "options.providerOptions.transforms",
    );
    invalid(
      () =>
        roundTrip(request({ tools: [{ name: "t", parametersJson: "" }], options: { model: "m" } })),
      "options.tools[0].parametersJson",
    );
    invalid(
      () =>
        roundTrip(
          create(pb.ChatRequestSchema, {
            messages: [{ role: pb.Role.TOOL, content: "42" }],
            options: { model: "m" },
          }),
        ),
      "messages[0].toolCallId",
    );
    invalid(
      () =>
        roundTrip(
          create(pb.ChatRequestSchema, {
            messages: [
              { role: pb.Role.ASSISTANT, toolCalls: [{ id: "c", name: "n", arguments: "{not" }] },
            ],
            options: { model: "m" },
          }),
        ),
      "messages[0].toolCalls[0].arguments",
    );
  });
});

describe("call.provider_options (6) belongs to the requests without a field of their own", () => {
  it("a chat request that sets it is invalid_input pointing at ChatOptions.raw_provider_options", () => {
    const request = create(pb.ChatRequestSchema, {
      messages: [],
      options: create(pb.ChatOptionsSchema, { model: "m" }),
      call: create(pb.CallSettingsSchema, { providerOptions: '{"openai":{"store":true}}' }),
    });
    expect(() => chatRequestFromProto(request)).toThrow(
      expect.objectContaining({
        code: "invalid_input",
        message: expect.stringMatching(/call\.provider_options.*raw_provider_options \(14\)/),
      }),
    );
  });

  it("a chat request's provider options go in its own field, not in call settings", () => {
    const proto = chatRequestToProto([Message.user("hi")], {
      model: "m",
      providerOptions: { openai: { store: true } },
      attemptTimeout: 100,
    });
    expect(proto.options?.rawProviderOptions).toBe('{"openai":{"store":true}}');
    expect(proto.call?.providerOptions).toBeUndefined();
  });
});
