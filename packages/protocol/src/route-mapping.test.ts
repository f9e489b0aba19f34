import { create } from "@bufbuild/protobuf";
import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  routeDecisionFromProto,
  routeDecisionToProto,
  routeRequestFromProto,
  routeRequestToProto,
  type WireRouteDecision,
} from "./route-mapping.ts";

const NOW = 1_700_000_000_000;

const full: WireRouteDecision = {
  capability: "chat",
  model: "ratatoskr:fast/chat",
  providerModel: "ft:gpt-4o:acme",
  provider: "openai",
  rule: "routing-hint",
  hint: { provider: "openai", pattern: "/^ft:/", priority: 20, reason: "OpenAI fine-tunes" },
  providers: ["openai", "openrouter"],
  candidates: [
    { provider: "anthropic", accepted: false, reason: "not a Claude model" },
    { provider: "openai", accepted: true },
    { provider: "openrouter", accepted: true },
  ],
  explanation: "ratatoskr:fast/chat is your preset …; openai: routing hint …",
  fallbacks: ["openrouter:openai/gpt-4o-mini"],
  cooldowns: [{ provider: "openrouter", until: NOW + 12_000, failures: 3, lastError: "server" }],
  preset: {
    uri: "ratatoskr:fast/chat",
    tier: "fast",
    capability: "chat",
    model: "ft:gpt-4o:acme",
    parameters: { temperature: 0.2, stop: ["###"] },
    source: "user",
  },
};

const miss: WireRouteDecision = {
  capability: "embed",
  model: "nobody:knows",
  providerModel: "nobody:knows",
  provider: undefined,
  rule: undefined,
  providers: [],
  candidates: [{ provider: "anthropic", accepted: false, reason: "no embed capability" }],
  explanation: "no registered provider serves embed for nobody:knows",
};

describe("route request mapping", () => {
  it("carries the capability and the model both ways", () => {
    const proto = throughWire(pb.RouteRequestSchema, routeRequestToProto("countTokens", "gpt-4o"));
    expect(routeRequestFromProto(proto)).toEqual({ capability: "countTokens", model: "gpt-4o" });
  });

  it("refuses an unknown capability or an empty model as invalid_input naming the field", () => {
    for (const [capability, model, field] of [
      ["speak", "m", "capability"],
      ["chat", "", "model"],
    ] as const) {
      for (const run of [
        () => routeRequestToProto(capability as "chat", model),
        () => routeRequestFromProto(create(pb.RouteRequestSchema, { capability, model })),
      ]) {
        try {
          run();
          expect.unreachable();
        } catch (error) {
          expect(RatatoskrError.isInstance(error)).toBe(true);
          expect(error).toMatchObject({ code: "invalid_input", details: { field } });
        }
      }
    }
  });
});

describe("route decision mapping", () => {
  it("keeps every fact of a decision: hint, candidates, fallbacks, cool-downs and preset", () => {
    const proto = throughWire(pb.RouteResponseSchema, routeDecisionToProto(full, NOW));
    expect(proto.cooldowns[0]?.cooldown).toMatchObject({
      untilMs: NOW + 12_000,
      remainingMs: 12_000,
    });
    expect(routeDecisionFromProto(proto)).toEqual(full);
  });

  it("keeps a miss: no provider, no rule, no hint, no fallbacks", () => {
    const proto = throughWire(pb.RouteResponseSchema, routeDecisionToProto(miss, NOW));
    expect(proto.provider).toBeUndefined();
    expect(proto.rule).toBeUndefined();
    expect(routeDecisionFromProto(proto)).toEqual(miss);
  });

  it("refuses a malformed answer as a data error", () => {
    const proto = routeDecisionToProto(miss, NOW);
    expect(() => routeDecisionFromProto({ ...proto, capability: "speak" })).toThrow(
      expect.objectContaining({ code: "data", details: { field: "capability" } }),
    );
    expect(() => routeDecisionFromProto({ ...proto, rule: "guess" })).toThrow(
      expect.objectContaining({ code: "data", details: { field: "rule" } }),
    );
  });
});
