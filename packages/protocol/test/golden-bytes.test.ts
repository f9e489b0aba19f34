/**
 * Golden bytes: for every RPC, a request and a response written field by
 * field with the original protocol's field numbers (test/support/wire-writer.ts
 * follows the wire-format specification and shares no code with
 * @bufbuild/protobuf). Our generated code must decode each into the right
 * fields and encode the decoded message back to the same bytes; the mapping
 * helpers must turn what an original client or server sends into the right
 * Ratatoskr values, and encode Ratatoskr values into the original layout.
 */
import {
  create,
  type DescMessage,
  fromBinary,
  type MessageInitShape,
  toBinary,
} from "@bufbuild/protobuf";
import { Message } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import * as protocol from "../src/index.ts";
import {
  ChatEventDecoder,
  chatRequestFromProto,
  chatRequestToProto,
  chatResponseFromProto,
  chatResponseToProto,
  classifyResultToProto,
  embeddingToProto,
  generateRequestFromProto,
  nliResultToProto,
  Ratatoskr,
  tokenCountToProto,
} from "../src/index.ts";
import {
  bool,
  bytes,
  double,
  float,
  mapEntry,
  message,
  packedFloats,
  packedVarints,
  sint,
  string,
  uint,
} from "./support/wire-writer.ts";

interface GoldenCase<Desc extends DescMessage = DescMessage> {
  schema: Desc;
  golden: Uint8Array;
  expected: MessageInitShape<Desc>;
}

function golden<Desc extends DescMessage>(
  schema: Desc,
  golden: Uint8Array,
  expected: MessageInitShape<Desc>,
): GoldenCase {
  return { schema, golden, expected } as unknown as GoldenCase;
}

// --- The original protocol's messages, written by field number -----------------

const toolCall = [string(1, "call_1"), string(2, "lookup"), string(3, '{"q":"x"}')];

const chatRequest = bytes(
  message(1, uint(1, 1), string(2, "Be brief.")), // SYSTEM
  message(1, uint(1, 2), string(2, "Hi"), string(4, "ann")), // USER with a name
  message(1, uint(1, 3), message(3, ...toolCall)), // ASSISTANT calling a tool (content "")
  message(1, uint(1, 4), string(2, "42"), string(5, "call_1")), // TOOL answering it
  message(
    2,
    string(1, "lookup"),
    string(2, "Look something up"),
    string(3, '{"type":"object","properties":{"q":{"type":"string"}}}'),
    string(4, '{"type":"ephemeral"}'),
  ),
  message(
    3,
    string(1, "gpt-4o"),
    float(2, 0.5), // temperature
    uint(3, 256), // max_tokens
    float(4, 0.25), // top_p
    string(5, "END"), // stop
    float(6, 0), // frequency_penalty: optional, so a zero is sent
    float(7, 0.5), // presence_penalty
    uint(8, 42), // seed
    message(9, string(4, "lookup")), // tool_choice: function
    message(10, string(3, '{"type":"object"}')), // response_format: json_schema
    bool(11, true), // cache_prompt
    message(12, uint(1, 5), uint(2, 1024), bool(3, false)), // reasoning: HIGH
    uint(13, 40), // top_k
    string(14, '{"openrouter":{"transforms":["middle-out"]}}'), // raw_provider_options: provider-keyed
    bool(15, false), // parallel_tool_calls
  ),
);

const usage = [uint(1, 10), uint(2, 5), uint(3, 15), uint(4, 2)];

const chatResponse = bytes(
  string(1, "It is 42."),
  string(2, "Looked it up."),
  message(3, ...toolCall),
  message(4, ...usage),
  string(5, "gpt-4o-2024-08-06"),
  uint(6, 3), // TOOL_CALLS
);

const generateRequest = bytes(
  string(1, "Once upon"),
  message(
    2,
    string(1, "llama3.2"),
    uint(2, 64),
    float(3, 0.75),
    float(4, 0.5),
    string(5, "\n\n"),
    uint(6, 40),
    float(7, 0.25),
    float(8, 0.125),
    uint(9, 7),
    message(10, uint(1, 3)), // reasoning: LOW
  ),
);

const modelInfo = [
  string(1, "claude-sonnet-4"),
  string(2, "anthropic"),
  packedVarints(3, [1, 7, 8]), // CHAT, CHAT_STREAMING, TOOL_USE
  uint(4, 200_000),
];

const cases: GoldenCase[] = [
  golden(protocol.ChatRequestSchema, chatRequest, {
    messages: [
      { role: protocol.Role.SYSTEM, content: "Be brief." },
      { role: protocol.Role.USER, content: "Hi", name: "ann" },
      {
        role: protocol.Role.ASSISTANT,
        toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":"x"}' }],
      },
      { role: protocol.Role.TOOL, content: "42", toolCallId: "call_1" },
    ],
    tools: [
      {
        name: "lookup",
        description: "Look something up",
        parametersJson: '{"type":"object","properties":{"q":{"type":"string"}}}',
        cacheControlJson: '{"type":"ephemeral"}',
      },
    ],
    options: {
      model: "gpt-4o",
      temperature: 0.5,
      maxTokens: 256,
      topP: 0.25,
      stop: ["END"],
      frequencyPenalty: 0,
      presencePenalty: 0.5,
      seed: 42n,
      toolChoice: { choice: { case: "function", value: "lookup" } },
      responseFormat: { format: { case: "jsonSchema", value: '{"type":"object"}' } },
      cachePrompt: true,
      reasoning: {
        effort: protocol.ReasoningEffort.HIGH,
        maxTokens: 1024,
        excludeFromOutput: false,
      },
      topK: 40,
      rawProviderOptions: '{"openrouter":{"transforms":["middle-out"]}}',
      parallelToolCalls: false,
    },
  }),
  golden(protocol.ChatResponseSchema, chatResponse, {
    content: "It is 42.",
    reasoning: "Looked it up.",
    toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":"x"}' }],
    usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, reasoningTokens: 2 },
    model: "gpt-4o-2024-08-06",
    finishReason: protocol.FinishReason.TOOL_CALLS,
  }),
  golden(protocol.ChatEventSchema, bytes(string(1, "Hel")), {
    event: { case: "content", value: "Hel" },
  }),
  // A oneof member has presence: even an empty string is sent.
  golden(protocol.ChatEventSchema, bytes(string(1, "")), { event: { case: "content", value: "" } }),
  golden(protocol.ChatEventSchema, bytes(string(2, "hmm")), {
    event: { case: "reasoning", value: "hmm" },
  }),
  golden(
    protocol.ChatEventSchema,
    bytes(message(3, uint(1, 1), string(2, "call_1"), string(3, "lookup"))),
    { event: { case: "toolCallStart", value: { index: 1, id: "call_1", name: "lookup" } } },
  ),
  golden(protocol.ChatEventSchema, bytes(message(4, uint(1, 1), string(2, '{"q":'))), {
    event: { case: "toolCallDelta", value: { index: 1, arguments: '{"q":' } },
  }),
  golden(protocol.ChatEventSchema, bytes(message(5, ...usage)), {
    event: {
      case: "usage",
      value: { promptTokens: 10, completionTokens: 5, totalTokens: 15, reasoningTokens: 2 },
    },
  }),
  golden(protocol.ChatEventSchema, bytes(bool(6, true)), { event: { case: "done", value: true } }),
  golden(protocol.ChatEventSchema, bytes(message(7, uint(1, 1))), {
    event: { case: "toolCallEnd", value: { index: 1 } },
  }),
  golden(protocol.GenerateRequestSchema, generateRequest, {
    prompt: "Once upon",
    options: {
      model: "llama3.2",
      maxTokens: 64,
      temperature: 0.75,
      topP: 0.5,
      stopSequences: ["\n\n"],
      topK: 40,
      frequencyPenalty: 0.25,
      presencePenalty: 0.125,
      seed: 7n,
      reasoning: { effort: protocol.ReasoningEffort.LOW },
    },
  }),
  golden(
    protocol.GenerateResponseSchema,
    bytes(
      string(1, " a time"),
      message(2, uint(1, 2), uint(2, 3), uint(3, 5)),
      string(3, "llama3.2"),
      uint(4, 2),
    ),
    {
      text: " a time",
      usage: { promptTokens: 2, completionTokens: 3, totalTokens: 5 },
      model: "llama3.2",
      finishReason: protocol.FinishReason.LENGTH,
    },
  ),
  golden(protocol.GenerateEventSchema, bytes(string(1, " a")), {
    event: { case: "text", value: " a" },
  }),
  golden(protocol.GenerateEventSchema, bytes(bool(2, true)), {
    event: { case: "done", value: true },
  }),
  golden(protocol.EmbedRequestSchema, bytes(string(1, "hello"), string(2, "all-MiniLM-L6-v2")), {
    text: "hello",
    model: "all-MiniLM-L6-v2",
  }),
  golden(
    protocol.EmbedResponseSchema,
    bytes(packedFloats(1, [0.5, -0.25, 1]), string(2, "all-MiniLM-L6-v2"), uint(3, 3)),
    { values: [0.5, -0.25, 1], model: "all-MiniLM-L6-v2", dimensions: 3 },
  ),
  golden(
    protocol.EmbedBatchRequestSchema,
    bytes(string(1, "a"), string(1, "b"), string(2, "bge-small-en")),
    { texts: ["a", "b"], model: "bge-small-en" },
  ),
  golden(
    protocol.EmbedBatchResponseSchema,
    bytes(
      message(1, packedFloats(1, [0.5, 0.5]), string(2, "bge-small-en"), uint(3, 2)),
      message(1, packedFloats(1, [-1, 0.125]), string(2, "bge-small-en"), uint(3, 2)),
    ),
    {
      embeddings: [
        { values: [0.5, 0.5], model: "bge-small-en", dimensions: 2 },
        { values: [-1, 0.125], model: "bge-small-en", dimensions: 2 },
      ],
    },
  ),
  golden(
    protocol.NliRequestSchema,
    bytes(
      string(1, "A dog runs."),
      string(2, "An animal moves."),
      string(3, "nli-deberta-v3-small"),
    ),
    { premise: "A dog runs.", hypothesis: "An animal moves.", model: "nli-deberta-v3-small" },
  ),
  golden(
    protocol.NliResponseSchema,
    bytes(float(1, 0.75), float(2, 0.125), float(3, 0.125), uint(4, 1)),
    {
      entailment: 0.75,
      contradiction: 0.125,
      neutral: 0.125,
      label: protocol.NliLabel.ENTAILMENT,
    },
  ),
  golden(
    protocol.NliBatchRequestSchema,
    bytes(message(1, string(1, "p"), string(2, "h")), string(2, "nli-deberta-v3-small")),
    { pairs: [{ premise: "p", hypothesis: "h" }], model: "nli-deberta-v3-small" },
  ),
  golden(
    protocol.NliBatchResponseSchema,
    bytes(message(1, float(1, 0.125), float(2, 0.75), float(3, 0.125), uint(4, 2))),
    {
      results: [
        {
          entailment: 0.125,
          contradiction: 0.75,
          neutral: 0.125,
          label: protocol.NliLabel.CONTRADICTION,
        },
      ],
    },
  ),
  golden(
    protocol.ClassifyRequestSchema,
    bytes(string(1, "Goal!"), string(2, "sports"), string(2, "politics"), string(3, "nli")),
    { text: "Goal!", labels: ["sports", "politics"], model: "nli" },
  ),
  golden(
    protocol.ClassifyResponseSchema,
    bytes(
      mapEntry(1, string(1, "sports"), float(2, 0.75)),
      mapEntry(1, string(1, "politics"), float(2, 0.25)),
      string(2, "sports"),
      float(3, 0.75),
    ),
    { scores: { sports: 0.75, politics: 0.25 }, topLabel: "sports", confidence: 0.75 },
  ),
  golden(
    protocol.StanceRequestSchema,
    bytes(string(1, "Cats are great."), string(2, "cats"), string(3, "nli")),
    { text: "Cats are great.", target: "cats", model: "nli" },
  ),
  golden(
    protocol.StanceResponseSchema,
    bytes(float(1, 0.5), float(2, 0.25), float(3, 0.25), uint(4, 1), string(5, "cats")),
    {
      favor: 0.5,
      against: 0.25,
      neutral: 0.25,
      label: protocol.StanceLabel.FAVOR,
      target: "cats",
    },
  ),
  golden(protocol.TokenCountRequestSchema, bytes(string(1, "Hello world"), string(2, "gpt-4o")), {
    text: "Hello world",
    model: "gpt-4o",
  }),
  golden(protocol.TokenCountResponseSchema, bytes(uint(1, 2)), { count: 2 }),
  golden(protocol.TokenizeRequestSchema, bytes(string(1, "Hello world"), string(2, "gpt-4o")), {
    text: "Hello world",
    model: "gpt-4o",
  }),
  golden(
    protocol.TokenizeResponseSchema,
    bytes(
      message(1, uint(1, 9906), string(2, "Hello"), uint(4, 5)), // start 0 is the default: not sent
      message(1, uint(1, 1917), string(2, " world"), uint(3, 5), uint(4, 11)),
    ),
    {
      tokens: [
        { id: 9906, text: "Hello", start: 0, end: 5 },
        { id: 1917, text: " world", start: 5, end: 11 },
      ],
    },
  ),
  golden(protocol.ListModelsRequestSchema, bytes(), {}),
  golden(
    protocol.ListModelsResponseSchema,
    bytes(
      message(1, ...modelInfo),
      message(
        1,
        string(1, "all-MiniLM-L6-v2"),
        string(2, "local"),
        packedVarints(3, [3]),
        uint(5, 384),
      ),
    ),
    {
      models: [
        {
          id: "claude-sonnet-4",
          provider: "anthropic",
          capabilities: [
            protocol.ModelCapability.CHAT,
            protocol.ModelCapability.CHAT_STREAMING,
            protocol.ModelCapability.TOOL_USE,
          ],
          contextWindow: 200_000,
        },
        {
          id: "all-MiniLM-L6-v2",
          provider: "local",
          capabilities: [protocol.ModelCapability.EMBED],
          dimensions: 384,
        },
      ],
    },
  ),
  golden(protocol.ModelStatusRequestSchema, bytes(string(1, "all-MiniLM-L6-v2")), {
    model: "all-MiniLM-L6-v2",
  }),
  golden(protocol.ModelStatusResponseSchema, bytes(uint(1, 4), string(2, "not downloaded")), {
    status: protocol.ModelStatus.UNAVAILABLE,
    reason: "not downloaded",
  }),
  golden(protocol.ModelMetadataRequestSchema, bytes(string(1, "claude-sonnet-4")), {
    model: "claude-sonnet-4",
  }),
  golden(
    protocol.ModelMetadataResponseSchema,
    bytes(
      bool(1, true),
      message(
        2,
        message(1, ...modelInfo),
        message(
          2,
          string(1, "temperature"),
          message(2, message(1, double(1, 0), double(2, 1), double(3, 1))),
        ),
        message(2, string(1, "top_k"), message(2, string(2, "40"))),
        message(2, string(1, "x-vendor-mode"), message(2, bool(3, true))),
        message(2, string(1, "seed"), message(2, bool(4, true))),
        message(3, double(1, 3), double(2, 15)),
        uint(4, 64_000),
      ),
    ),
    {
      found: true,
      metadata: {
        info: {
          id: "claude-sonnet-4",
          provider: "anthropic",
          capabilities: [
            protocol.ModelCapability.CHAT,
            protocol.ModelCapability.CHAT_STREAMING,
            protocol.ModelCapability.TOOL_USE,
          ],
          contextWindow: 200_000,
        },
        parameters: [
          {
            name: "temperature",
            availability: {
              kind: { case: "mutableRange", value: { min: 0, max: 1, defaultValue: 1 } },
            },
          },
          { name: "top_k", availability: { kind: { case: "readOnlyJson", value: "40" } } },
          { name: "x-vendor-mode", availability: { kind: { case: "opaque", value: true } } },
          { name: "seed", availability: { kind: { case: "unsupported", value: true } } },
        ],
        pricing: { promptCostPerMtok: 3, completionCostPerMtok: 15 },
        maxOutputTokens: 64_000,
      },
    },
  ),
  golden(protocol.ResolvePresetRequestSchema, bytes(string(1, "fast"), string(2, "chat")), {
    tier: "fast",
    capability: "chat",
  }),
  golden(
    protocol.ResolvePresetResponseSchema,
    bytes(
      bool(1, true),
      string(2, "gpt-4o-mini"),
      message(
        3,
        float(1, 0.5),
        float(2, 1),
        uint(3, 40),
        uint(4, 4096),
        float(5, 0),
        float(6, 0),
        uint(7, 1),
        string(8, "###"),
      ),
    ),
    {
      found: true,
      modelId: "gpt-4o-mini",
      parameters: {
        temperature: 0.5,
        topP: 1,
        topK: 40,
        maxTokens: 4096n,
        frequencyPenalty: 0,
        presencePenalty: 0,
        seed: 1n,
        stop: ["###"],
      },
    },
  ),
  golden(protocol.ListPresetsRequestSchema, bytes(), {}),
  golden(
    protocol.ListPresetsResponseSchema,
    bytes(message(1, string(1, "fast"), string(2, "chat"), string(2, "embed"))),
    { tiers: [{ tier: "fast", capabilities: ["chat", "embed"] }] },
  ),
  golden(protocol.HealthRequestSchema, bytes(), {}),
  golden(
    protocol.HealthResponseSchema,
    bytes(bool(1, true), string(2, "0.3.4"), string(3, "c74add6")),
    { healthy: true, version: "0.3.4", gitSha: "c74add6" },
  ),
  golden(protocol.CapabilitiesRequestSchema, bytes(), {}),
  golden(protocol.CapabilitiesResponseSchema, bytes(packedVarints(1, [1, 7, 3])), {
    capabilities: [
      protocol.ModelCapability.CHAT,
      protocol.ModelCapability.CHAT_STREAMING,
      protocol.ModelCapability.EMBED,
    ],
  }),
  // Extension RPCs (FitsContext, Route): this project's own messages, numbered from 1.
  golden(
    protocol.FitsContextRequestSchema,
    bytes(
      message(1, uint(1, 2), string(2, "Hi")), // USER
      string(2, "gpt-4o"),
      message(3, string(1, "lookup"), string(3, '{"type":"object"}')),
      uint(4, 256), // reserve_output
      uint(5, 8192), // context_window
      bool(7, true), // allow_approximate
    ),
    {
      messages: [{ role: protocol.Role.USER, content: "Hi" }],
      model: "gpt-4o",
      tools: [{ name: "lookup", parametersJson: '{"type":"object"}' }],
      reserveOutput: 256,
      contextWindow: 8192,
      allowApproximate: true,
    },
  ),
  golden(
    protocol.FitsContextResponseSchema,
    bytes(
      uint(2, 9000), // prompt_tokens (fits false: the default, not sent)
      uint(3, 256),
      uint(4, 8192),
      sint(5, -1064), // margin: ZigZag 2127
      uint(6, 1064), // overflow
      string(8, "tiktoken:o200k_base"),
    ),
    {
      promptTokens: 9000,
      reserveOutput: 256,
      contextWindow: 8192,
      margin: -1064n,
      overflow: 1064n,
      source: "tiktoken:o200k_base",
    },
  ),
  golden(protocol.RouteRequestSchema, bytes(string(1, "chat"), string(2, "acme:model-1")), {
    capability: "chat",
    model: "acme:model-1",
  }),
  golden(
    protocol.RouteResponseSchema,
    bytes(
      string(1, "chat"),
      string(2, "ft:x"),
      string(3, "ft:x"),
      string(4, "acme"),
      string(5, "routing-hint"),
      message(6, string(1, "acme"), string(2, "/^ft:/"), double(3, 10), string(4, "fine-tunes")),
      string(7, "acme"),
      string(7, "beta"),
      message(8, string(1, "acme"), bool(2, true)),
      message(8, string(1, "beta"), string(3, "no fine-tunes")),
      string(9, "acme serves ft:x"),
      string(10, "beta:base"),
      message(
        11,
        string(1, "beta"),
        message(2, double(1, 1_700_000_030_000), double(2, 30_000)),
        uint(3, 3),
        string(4, "server"),
      ),
      message(
        12,
        string(1, "ratatoskr:fast/chat"),
        string(2, "fast"),
        string(3, "chat"),
        string(4, "ft:x"),
        string(5, '{"temperature":0.2}'),
        string(6, "user"),
      ),
    ),
    {
      capability: "chat",
      model: "ft:x",
      providerModel: "ft:x",
      provider: "acme",
      rule: "routing-hint",
      hint: { provider: "acme", pattern: "/^ft:/", priority: 10, reason: "fine-tunes" },
      providers: ["acme", "beta"],
      candidates: [
        { provider: "acme", accepted: true },
        { provider: "beta", accepted: false, reason: "no fine-tunes" },
      ],
      explanation: "acme serves ft:x",
      fallbacks: ["beta:base"],
      cooldowns: [
        {
          provider: "beta",
          cooldown: { untilMs: 1_700_000_030_000, remainingMs: 30_000 },
          failures: 3,
          lastError: "server",
        },
      ],
      preset: {
        uri: "ratatoskr:fast/chat",
        tier: "fast",
        capability: "chat",
        model: "ft:x",
        parametersJson: '{"temperature":0.2}',
        source: "user",
      },
    },
  ),
];

describe("golden bytes of the original protocol", () => {
  it("cover the request and the response of every RPC", () => {
    const covered = new Set(cases.map((entry) => entry.schema.typeName));
    for (const method of Ratatoskr.methods) {
      expect(covered, `${method.name} input`).toContain(method.input.typeName);
      expect(covered, `${method.name} output`).toContain(method.output.typeName);
    }
  });

  it("hand-written bytes match the specification's own examples", () => {
    // The encoding guide's first example: field 1 = 150 is 08 96 01.
    expect(uint(1, 150)).toEqual([0x08, 0x96, 0x01]);
    // A string field 2 = "testing": 12 07 74 65 73 74 69 6e 67.
    expect(string(2, "testing")).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
  });

  it.each(cases.map((entry) => [entry.schema.typeName, entry] as const))(
    "%s decodes into the right fields and encodes back to the same bytes",
    (_name, { schema, golden: encoded, expected }) => {
      const decoded = fromBinary(schema, encoded);
      expect(decoded).toEqual(create(schema, expected));
      expect(toBinary(schema, decoded)).toEqual(encoded);
    },
  );

  it("repeated floats sent unpacked decode the same as packed ones", () => {
    const unpacked = bytes(float(1, 0.5), float(1, -0.25), float(1, 1), string(2, "m"), uint(3, 3));
    expect(fromBinary(protocol.EmbedResponseSchema, unpacked).values).toEqual([0.5, -0.25, 1]);
  });
});

describe("what an original client or server sends, read as Ratatoskr values", () => {
  it("an original client's chat request becomes messages and options, with warnings for what Ratatoskr cannot honour", () => {
    const { messages, options, warnings } = chatRequestFromProto(
      fromBinary(protocol.ChatRequestSchema, chatRequest),
    );
    expect(messages).toEqual([
      Message.system("Be brief."),
      Message.user("Hi", "ann"),
      Message.assistantWithToolCalls("", [
        { id: "call_1", name: "lookup", arguments: '{"q":"x"}' },
      ]),
      Message.toolResult("call_1", "42"),
    ]);
    expect(options).toEqual({
      model: "gpt-4o",
      tools: [
        {
          name: "lookup",
          description: "Look something up",
          parameters: { type: "object", properties: { q: { type: "string" } } },
        },
      ],
      temperature: 0.5,
      maxTokens: 256,
      topP: 0.25,
      stop: ["END"],
      frequencyPenalty: 0,
      presencePenalty: 0.5,
      seed: 42,
      toolChoice: { name: "lookup" },
      responseFormat: { type: "json_schema", name: "response", schema: { type: "object" } },
      cachePrompt: true,
      reasoning: { effort: "high", maxTokens: 1024, exclude: false },
      topK: 40,
      providerOptions: { openrouter: { transforms: ["middle-out"] } },
      parallelToolCalls: false,
    });
    expect(warnings).toEqual([
      expect.objectContaining({ type: "unsupported_setting", setting: "tools[0].cacheControl" }),
    ]);
  });

  it("an original client's generate request: penalties and reasoning come back as warnings", () => {
    const { prompt, options, warnings } = generateRequestFromProto(
      fromBinary(protocol.GenerateRequestSchema, generateRequest),
    );
    expect(prompt).toBe("Once upon");
    expect(options).toEqual({
      model: "llama3.2",
      maxTokens: 64,
      temperature: 0.75,
      topP: 0.5,
      stopSequences: ["\n\n"],
      topK: 40,
      seed: 7,
    });
    expect(
      warnings.map((warning) => warning.type === "unsupported_setting" && warning.setting),
    ).toEqual(["frequencyPenalty", "presencePenalty", "reasoning"]);
  });

  it("an original server's chat response becomes a ChatResponse", () => {
    expect(chatResponseFromProto(fromBinary(protocol.ChatResponseSchema, chatResponse))).toEqual({
      content: "It is 42.",
      reasoning: "Looked it up.",
      toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":"x"}' }],
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, reasoningTokens: 2 },
      model: "gpt-4o-2024-08-06",
      finishReason: "tool_calls",
    });
  });

  it("an original server's chat stream: tool_call_end gets the whole call, done the finish reason and usage", () => {
    const stream = [
      bytes(string(1, "Let me look.")),
      bytes(message(3, uint(1, 0), string(2, "call_1"), string(3, "lookup"))),
      bytes(message(4, uint(1, 0), string(2, '{"q":'))),
      bytes(message(4, uint(1, 0), string(2, '"x"}'))),
      bytes(message(7, uint(1, 0))),
      bytes(message(5, ...usage)),
      bytes(bool(6, true)),
    ];
    const decoder = new ChatEventDecoder();
    const events = stream.map((encoded) =>
      decoder.decode(fromBinary(protocol.ChatEventSchema, encoded)),
    );
    const usageValue = {
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      reasoningTokens: 2,
    };
    expect(events).toEqual([
      { type: "content", text: "Let me look." },
      { type: "tool_call_start", index: 0, id: "call_1", name: "lookup" },
      { type: "tool_call_delta", index: 0, arguments: '{"q":' },
      { type: "tool_call_delta", index: 0, arguments: '"x"}' },
      {
        type: "tool_call_end",
        index: 0,
        id: "call_1",
        name: "lookup",
        arguments: '{"q":"x"}',
        parsedArguments: { q: "x" },
      },
      { type: "usage", usage: usageValue },
      { type: "done", finishReason: "tool_calls", usage: usageValue },
    ]);
  });
});

describe("Ratatoskr values, written in the original layout", () => {
  it("a chat response without extensions encodes to the original's bytes", () => {
    const encoded = toBinary(
      protocol.ChatResponseSchema,
      chatResponseToProto({
        content: "It is 42.",
        reasoning: "Looked it up.",
        toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":"x"}' }],
        usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, reasoningTokens: 2 },
        model: "gpt-4o-2024-08-06",
        finishReason: "tool_calls",
      }),
    );
    expect(encoded).toEqual(chatResponse);
  });

  it("a chat request for an original server (revision 0) encodes to the original's bytes", () => {
    const encoded = toBinary(
      protocol.ChatRequestSchema,
      chatRequestToProto(
        [Message.user("Hi", "ann")],
        { model: "gpt-4o", temperature: 0.5, seed: 42, toolChoice: "required" },
        { protocolRevision: 0 },
      ),
    );
    expect(encoded).toEqual(
      bytes(
        message(1, uint(1, 2), string(2, "Hi"), string(4, "ann")),
        message(3, string(1, "gpt-4o"), float(2, 0.5), uint(8, 42), message(9, bool(3, true))),
      ),
    );
  });

  it("embeddings, NLI, classification and token counts encode to the original's bytes", () => {
    expect(
      toBinary(
        protocol.EmbedResponseSchema,
        embeddingToProto({ values: [0.5, -0.25, 1], model: "all-MiniLM-L6-v2", dimensions: 3 }),
      ),
    ).toEqual(bytes(packedFloats(1, [0.5, -0.25, 1]), string(2, "all-MiniLM-L6-v2"), uint(3, 3)));
    expect(
      toBinary(
        protocol.NliResponseSchema,
        nliResultToProto({
          entailment: 0.75,
          contradiction: 0.125,
          neutral: 0.125,
          label: "entailment",
        }),
      ),
    ).toEqual(bytes(float(1, 0.75), float(2, 0.125), float(3, 0.125), uint(4, 1)));
    expect(
      toBinary(
        protocol.ClassifyResponseSchema,
        classifyResultToProto({
          scores: { sports: 0.75, politics: 0.25 },
          topLabel: "sports",
          confidence: 0.75,
        }),
      ),
    ).toEqual(
      bytes(
        mapEntry(1, string(1, "sports"), float(2, 0.75)),
        mapEntry(1, string(1, "politics"), float(2, 0.25)),
        string(2, "sports"),
        float(3, 0.75),
      ),
    );
    // An exact count from the model's own tokenizer with no source needs no extension field.
    expect(
      toBinary(
        protocol.TokenCountResponseSchema,
        tokenCountToProto({ count: 2, approximate: false, source: "" }),
      ),
    ).toEqual(bytes(uint(1, 2)));
  });
});
