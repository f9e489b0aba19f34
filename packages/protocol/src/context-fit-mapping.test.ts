import { create } from "@bufbuild/protobuf";
import { type ContextFit, Message, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import {
  contextFitFromProto,
  contextFitToProto,
  fitsContextRequestFromProto,
  fitsContextRequestToProto,
} from "./context-fit-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";

const messages = [Message.system("Be brief."), Message.user("How long is this?")];
const tools = [
  {
    name: "lookup",
    description: "Look something up",
    parameters: { type: "object", properties: { q: { type: "string" } } },
  },
];

function fieldOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(RatatoskrError.isInstance(error)).toBe(true);
    return (error as RatatoskrError).details?.field;
  }
  return expect.unreachable("no error");
}

describe("fitsContext request mapping", () => {
  it("carries messages, model, tools, reserveOutput, contextWindow and call settings both ways", () => {
    const proto = fitsContextRequestToProto(messages, "gpt-4o", {
      tools,
      reserveOutput: 512,
      contextWindow: 8192,
      allowApproximate: true,
      providerOptions: { openai: { user: "u1" } },
      retry: { maxAttempts: 2 },
    });
    const decoded = fitsContextRequestFromProto(throughWire(pb.FitsContextRequestSchema, proto));
    expect(decoded).toEqual({
      messages,
      model: "gpt-4o",
      options: {
        tools,
        reserveOutput: 512,
        contextWindow: 8192,
        allowApproximate: true,
        providerOptions: { openai: { user: "u1" } },
        retry: { maxAttempts: 2 },
      },
    });
  });

  it("leaves unset what was not given (reserveOutput 0 still travels)", () => {
    const proto = fitsContextRequestToProto(messages, "m", { reserveOutput: 0 });
    expect(proto.reserveOutput).toBe(0);
    expect(proto.contextWindow).toBeUndefined();
    expect(fitsContextRequestFromProto(throughWire(pb.FitsContextRequestSchema, proto))).toEqual({
      messages,
      model: "m",
      options: { reserveOutput: 0 },
    });
  });

  it("refuses bad input on either side as invalid_input naming the field", () => {
    expect(fieldOf(() => fitsContextRequestToProto(messages, ""))).toBe("model");
    expect(fieldOf(() => fitsContextRequestToProto(messages, "m", { reserveOutput: -1 }))).toBe(
      "options.reserveOutput",
    );
    expect(fieldOf(() => fitsContextRequestToProto(messages, "m", { contextWindow: 0 }))).toBe(
      "options.contextWindow",
    );
    const wire = create(pb.FitsContextRequestSchema, {
      messages: [{ role: pb.Role.USER, content: "hi" }],
      model: "m",
      contextWindow: 0,
    });
    expect(fieldOf(() => fitsContextRequestFromProto(wire))).toBe("options.contextWindow");
    const noModel = create(pb.FitsContextRequestSchema, {
      messages: [{ role: pb.Role.USER, content: "hi" }],
    });
    expect(fieldOf(() => fitsContextRequestFromProto(noModel))).toBe("model");
    const badTool = create(pb.FitsContextRequestSchema, {
      messages: [{ role: pb.Role.USER, content: "hi" }],
      model: "m",
      tools: [{ name: "t", parametersJson: "{not json" }],
    });
    expect(fieldOf(() => fitsContextRequestFromProto(badTool))).toBe(
      "options.tools[0].parametersJson",
    );
  });
});

describe("ContextFit mapping", () => {
  it.each<[string, ContextFit]>([
    [
      "a request that fits",
      {
        fits: true,
        promptTokens: 1200,
        reserveOutput: 512,
        contextWindow: 8192,
        margin: 6480,
        overflow: 0,
        approximate: false,
        source: "tiktoken:o200k_base",
      },
    ],
    [
      "a request that overflows (negative margin)",
      {
        fits: false,
        promptTokens: 9000,
        reserveOutput: 256,
        contextWindow: 8192,
        margin: -1064,
        overflow: 1064,
        approximate: true,
        source: "approximate:chars",
      },
    ],
  ])("keeps every field of %s", (_name, fit) => {
    expect(
      contextFitFromProto(throughWire(pb.FitsContextResponseSchema, contextFitToProto(fit))),
    ).toEqual(fit);
  });

  it("refuses an answer the wire cannot carry as a data error", () => {
    const fit: ContextFit = {
      fits: true,
      promptTokens: -1,
      reserveOutput: 0,
      contextWindow: 10,
      margin: 11,
      overflow: 0,
      approximate: false,
      source: "x",
    };
    expect(() => contextFitToProto(fit)).toThrow(expect.objectContaining({ code: "data" }));
    expect(() => contextFitToProto({ ...fit, promptTokens: 1, margin: 0.5 })).toThrow(
      expect.objectContaining({ code: "data" }),
    );
  });
});
