import { create } from "@bufbuild/protobuf";
import type { GenerateOptions } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  GenerateEventDecoder,
  GenerateEventEncoder,
  type WireGenerateEvent,
} from "./generate-event-mapping.ts";
import {
  generateRequestFromProto,
  generateRequestToProto,
  generateResponseFromProto,
  generateResponseToProto,
  type WireGenerateResponse,
} from "./generate-mapping.ts";

describe("generation through the wire", () => {
  it("a request comes back as given", () => {
    const options: GenerateOptions = {
      model: "local:tiny-gpt",
      maxTokens: 32,
      temperature: 0.8,
      topP: 0.95,
      topK: 50,
      seed: 9,
      stopSequences: ["\n"],
      providerOptions: { local: { repetitionPenalty: 1.1 } },
      idleTimeout: 5000,
      strict: false,
    };
    const request = throughWire(pb.GenerateRequestSchema, generateRequestToProto("Once", options));
    expect(generateRequestFromProto(request)).toEqual({ prompt: "Once", options, warnings: [] });
  });

  it("an empty prompt or a bad option is invalid_input naming the field", () => {
    expect(() => generateRequestToProto("", { model: "m" })).toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field: "prompt" } }),
    );
    const request = create(pb.GenerateRequestSchema, {
      prompt: "x",
      options: { model: "m", topP: 3 },
    });
    expect(() => generateRequestFromProto(request)).toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field: "options.topP" } }),
    );
  });

  it("a response comes back as given", () => {
    const response: WireGenerateResponse = {
      text: " upon a time",
      model: "tiny-gpt",
      provider: "local-onnx",
      finishReason: "length",
      rawFinishReason: "max_tokens",
      usage: { promptTokens: 1, completionTokens: 3, totalTokens: 4 },
      requestId: "gen-1",
      warnings: [{ type: "unsupported_setting", setting: "seed" }],
    };
    expect(
      generateResponseFromProto(
        throughWire(pb.GenerateResponseSchema, generateResponseToProto(response)),
      ),
    ).toEqual(response);
  });

  it("a stream comes back as given (revision 1); the usage event is left out for the original protocol", () => {
    const usage = { promptTokens: 1, completionTokens: 2, totalTokens: 3 };
    const events: WireGenerateEvent[] = [
      { type: "text", text: "a" },
      { type: "usage", usage },
      {
        type: "done",
        finishReason: "stop",
        usage,
        model: "tiny",
        provider: "local-onnx",
        requestId: "r",
      },
    ];
    const transmit = (revision: number) => {
      const encoder = new GenerateEventEncoder(revision);
      const decoder = new GenerateEventDecoder();
      return events
        .flatMap((event) => encoder.encode(event))
        .map((message) => decoder.decode(throughWire(pb.GenerateEventSchema, message)));
    };
    expect(transmit(1)).toEqual(events);
    expect(transmit(0)).toEqual([events[0], events[2]]);
  });

  it("an original server's done (no finish) is stop with the last usage; an empty event is a data error", () => {
    const decoder = new GenerateEventDecoder();
    const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 };
    decoder.decode(create(pb.GenerateEventSchema, { event: { case: "usage", value: usage } }));
    expect(
      decoder.decode(create(pb.GenerateEventSchema, { event: { case: "done", value: true } })),
    ).toEqual({
      type: "done",
      finishReason: "stop",
      usage,
    });
    expect(() => decoder.decode(create(pb.GenerateEventSchema))).toThrow(
      expect.objectContaining({ code: "data" }),
    );
  });
});
