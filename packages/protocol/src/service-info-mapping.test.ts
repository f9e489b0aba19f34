import { create } from "@bufbuild/protobuf";
import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  healthFromProto,
  healthToProto,
  presetListFromProto,
  presetListToProto,
  presetResolutionFromProto,
  presetResolutionToProto,
  resolvePresetRequestFromProto,
  resolvePresetRequestToProto,
  type WirePresetResolution,
} from "./service-info-mapping.ts";

describe("preset mapping", () => {
  it("turns a preset string into tier and capability and back", () => {
    const proto = resolvePresetRequestToProto("ratatoskr:budget/coding");
    expect(proto).toMatchObject({ tier: "budget", capability: "coding" });
    expect(resolvePresetRequestFromProto(proto)).toEqual({
      tier: "budget",
      capability: "coding",
      uri: "ratatoskr:budget/coding",
    });
  });

  it("refuses malformed presets as invalid_input naming the field", () => {
    expect(() => resolvePresetRequestToProto("budget/coding")).toThrow(RatatoskrError);
    try {
      resolvePresetRequestFromProto(
        create(pb.ResolvePresetRequestSchema, { tier: "a/b", capability: "c" }),
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "invalid_input", details: { field: "tier" } });
    }
  });

  it("round-trips a resolution: original fields and every parameter in parameters_json", () => {
    const parameters = {
      temperature: 0.3,
      top_p: 0.95,
      max_tokens: 1024,
      seed: 7,
      stop: ["END"],
      reasoning: { effort: "low" },
    };
    const resolution: WirePresetResolution = {
      tier: "budget",
      capability: "coding",
      model: "x/y",
      parameters,
      source: "registry",
    };
    const proto = throughWire(pb.ResolvePresetResponseSchema, presetResolutionToProto(resolution));
    expect(proto.found).toBe(true);
    expect(proto.parameters?.maxTokens).toBe(1024n);
    expect(proto.parameters?.stop).toEqual(["END"]);
    expect(presetResolutionFromProto(proto, "budget", "coding")).toEqual(resolution);
  });

  it("reads an original server's parameters from their fields", () => {
    const proto = create(pb.ResolvePresetResponseSchema, {
      found: true,
      modelId: "x/y",
      parameters: { temperature: 0.7, topK: 40, seed: 3n },
    });
    expect(presetResolutionFromProto(proto, "t", "c")).toEqual({
      tier: "t",
      capability: "c",
      model: "x/y",
      parameters: { temperature: 0.7, top_k: 40, seed: 3 },
    });
  });

  it("answers found: false for no resolution", () => {
    const proto = presetResolutionToProto(undefined);
    expect(proto.found).toBe(false);
    expect(presetResolutionFromProto(proto, "t", "c")).toBeUndefined();
  });

  it("groups presets by tier", () => {
    const proto = presetListToProto([
      { tier: "budget", capability: "coding" },
      { tier: "budget", capability: "agentic" },
      { tier: "premium", capability: "coding" },
    ]);
    expect(proto.tiers.map((tier) => [tier.tier, tier.capabilities])).toEqual([
      ["budget", ["coding", "agentic"]],
      ["premium", ["coding"]],
    ]);
    expect(presetListFromProto(throughWire(pb.ListPresetsResponseSchema, proto))).toHaveLength(3);
  });
});

describe("health mapping", () => {
  it("round-trips health with its providers", () => {
    const health = { healthy: true, version: "1.2.3", providers: ["mock", "ollama"] };
    expect(healthFromProto(throughWire(pb.HealthResponseSchema, healthToProto(health)))).toEqual(
      health,
    );
  });

  it("round-trips the providers cooling down (extension field 101)", () => {
    const health = {
      healthy: true,
      version: "1.2.3",
      providers: ["mock", "ollama"],
      cooling: [
        {
          provider: "ollama",
          until: 1_765_000_000_000,
          remainingMs: 12_500,
          failures: 3,
          lastError: "network",
        },
      ],
    };
    const proto = healthToProto(health);
    expect(proto.cooling[0]?.cooldown?.remainingMs).toBe(12_500);
    expect(healthFromProto(throughWire(pb.HealthResponseSchema, proto))).toEqual(health);
  });
});
