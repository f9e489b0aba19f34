import { create } from "@bufbuild/protobuf";
import {
  type ModelListing,
  type ModelMetadata,
  type ModelStatus,
  RatatoskrError,
  type Tokenization,
} from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  listModelsRequestFromProto,
  listModelsRequestToProto,
  modelListingFromProto,
  modelListingToProto,
  modelMetadataFromProto,
  modelMetadataRequestToProto,
  modelMetadataToProto,
  modelRequestFromProto,
  modelStatusFromProto,
  modelStatusRequestToProto,
  modelStatusToProto,
  tokenizationFromProto,
  tokenizationToProto,
  tokenizeRequestFromProto,
  tokenizeRequestToProto,
} from "./model-intelligence-mapping.ts";

function errorOf(run: () => unknown): RatatoskrError {
  try {
    run();
  } catch (error) {
    if (RatatoskrError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("no error was thrown");
}

describe("tokenize mapping", () => {
  it("round-trips a request, allowApproximate and call settings included", () => {
    const proto = tokenizeRequestToProto("héllo", "gpt-4o", {
      allowApproximate: true,
      attemptTimeout: 500,
    });
    const decoded = tokenizeRequestFromProto(throughWire(pb.TokenizeRequestSchema, proto));
    expect(decoded).toMatchObject({
      text: "héllo",
      model: "gpt-4o",
      options: { allowApproximate: true, attemptTimeout: 500 },
    });
  });

  it("refuses a request without a model as invalid_input naming the field", () => {
    const error = errorOf(() =>
      tokenizeRequestFromProto(create(pb.TokenizeRequestSchema, { text: "x" })),
    );
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("model");
  });

  it("sends UTF-8 byte offsets and reads them back as UTF-16 offsets", () => {
    const text = "é😀a";
    const tokenization: Tokenization = {
      tokens: [
        { id: 1, text: "é", start: 0, end: 1 },
        { id: 2, text: "😀", start: 1, end: 3 },
        { id: 3, text: "a", start: 3, end: 4 },
      ],
      provider: "mock",
      model: "m",
      approximate: true,
      source: "o200k_base",
    };
    const proto = throughWire(pb.TokenizeResponseSchema, tokenizationToProto(tokenization, text));
    expect(proto.tokens.map((token) => [token.start, token.end])).toEqual([
      [0, 2],
      [2, 6],
      [6, 7],
    ]);
    expect(tokenizationFromProto(proto, text, "m")).toEqual(tokenization);
  });

  it("reads an original server's bare tokens with the model asked", () => {
    const proto = create(pb.TokenizeResponseSchema, {
      tokens: [{ id: 7, text: "hi", start: 0, end: 2 }],
    });
    expect(tokenizationFromProto(proto, "hi", "m")).toEqual({
      tokens: [{ id: 7, text: "hi", start: 0, end: 2 }],
      provider: "",
      model: "m",
      approximate: false,
      source: "",
    });
  });
});

describe("list models mapping", () => {
  it("round-trips models with their source and failures as typed errors", () => {
    const listing: ModelListing = {
      models: [
        {
          id: "mock-1",
          provider: "mock",
          capabilities: ["Chat", "ChatStreaming", "Embed"],
          context_window: 8192,
          dimensions: 3,
          source: "registry",
        },
      ],
      failures: [
        {
          provider: "down",
          error: new RatatoskrError({
            code: "network",
            message: "connection refused",
            provider: "down",
          }),
        },
      ],
    };
    const back = modelListingFromProto(
      throughWire(pb.ListModelsResponseSchema, modelListingToProto(listing)),
    );
    expect(back.models).toEqual(listing.models);
    expect(back.failures).toHaveLength(1);
    expect(back.failures[0]?.provider).toBe("down");
    expect(back.failures[0]?.error).toMatchObject({
      code: "network",
      message: "connection refused",
      provider: "down",
    });
  });

  it("reads a model without source (an original server's) as provider-listed", () => {
    const proto = create(pb.ListModelsResponseSchema, {
      models: [
        {
          id: "x",
          provider: "p",
          capabilities: [pb.ModelCapability.CHAT, 99 as pb.ModelCapability],
        },
      ],
    });
    expect(modelListingFromProto(proto).models).toEqual([
      { id: "x", provider: "p", capabilities: ["Chat"], source: "provider" },
    ]);
  });

  it("carries the providers filter", () => {
    const proto = listModelsRequestToProto({ providers: ["ollama"] });
    expect(listModelsRequestFromProto(throughWire(pb.ListModelsRequestSchema, proto))).toEqual({
      providers: ["ollama"],
    });
    expect(listModelsRequestFromProto(create(pb.ListModelsRequestSchema))).toEqual({});
    expect(
      errorOf(() =>
        listModelsRequestFromProto(create(pb.ListModelsRequestSchema, { providers: [""] })),
      ).code,
    ).toBe("invalid_input");
  });
});

describe("model status mapping", () => {
  it("round-trips every field, downloading as the extension value 100", () => {
    const status: ModelStatus = {
      model: "local/minilm",
      state: "downloading",
      provider: "local",
      reason: "fetching files",
      device: "cpu",
      memoryBytes: 1234,
      progress: { receivedBytes: 10, totalBytes: 100 },
      cooldown: { until: 1_700_000_000_000, remainingMs: 250 },
    };
    const proto = throughWire(pb.ModelStatusResponseSchema, modelStatusToProto(status));
    expect(proto.status).toBe(100);
    expect(pb.ModelStatus.DOWNLOADING).toBe(100);
    expect(modelStatusFromProto(proto, "local/minilm")).toEqual(status);
  });

  it("maps each state to the original's values", () => {
    const values = (["available", "loading", "ready", "unavailable"] as const).map(
      (state) => modelStatusToProto({ model: "m", state }).status,
    );
    expect(values).toEqual([1, 2, 3, 4]);
  });

  it("reads an unset status as unavailable", () => {
    expect(modelStatusFromProto(create(pb.ModelStatusResponseSchema), "m").state).toBe(
      "unavailable",
    );
  });

  it("checks the model of a request", () => {
    expect(modelRequestFromProto(modelStatusRequestToProto("m"))).toBe("m");
    expect(modelRequestFromProto(modelMetadataRequestToProto("m"))).toBe("m");
    expect(errorOf(() => modelRequestFromProto({ model: " " })).code).toBe("invalid_input");
  });
});

describe("model metadata mapping", () => {
  it("round-trips metadata, every parameter availability included", () => {
    const metadata: ModelMetadata = {
      info: { id: "m", provider: "p", capabilities: ["Chat"], context_window: 1000 },
      parameters: {
        temperature: { availability: "mutable", range: { min: 0, max: 2, default: 1 } },
        top_k: { availability: "mutable" },
        seed: { availability: "read_only", value: 42 },
        logprobs: { availability: "opaque" },
        stop: { availability: "unsupported" },
      },
      pricing: { prompt_cost_per_mtok: 0.5, completion_cost_per_mtok: 1.5 },
      max_output_tokens: 4096,
    };
    const proto = throughWire(pb.ModelMetadataResponseSchema, modelMetadataToProto(metadata));
    expect(proto.found).toBe(true);
    expect(modelMetadataFromProto(proto)).toEqual(metadata);
  });

  it("answers found: false for no metadata, and reads it back as undefined", () => {
    const proto = modelMetadataToProto(undefined);
    expect(proto.found).toBe(false);
    expect(modelMetadataFromProto(proto)).toBeUndefined();
  });
});
