/**
 * `turnCost`: a chat turn's price from its rounds' usage — the provider's
 * or gateway's cost where a round has one, else the registry's prices —
 * and unknown (never a partial sum) when a round cannot be priced.
 */
import { createUsage } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { formatTurnCost, turnCost } from "../src/turn-cost.ts";

const PRICES = { prompt_cost_per_mtok: 3, completion_cost_per_mtok: 15 };

describe("turnCost", () => {
  it("prices tokens at the registry's prices per million", () => {
    expect(turnCost([createUsage(1000, 200)], PRICES)).toEqual({
      usd: (1000 * 3 + 200 * 15) / 1_000_000,
      source: "registry",
    });
  });

  it("sums the rounds; a round's own cost wins over the prices", () => {
    const reported = createUsage(10, 10, { cost: { usd: 0.5, source: "provider" } });
    expect(turnCost([reported, reported], PRICES)).toEqual({ usd: 1, source: "provider" });
    expect(turnCost([reported, createUsage(1_000_000, 0)], PRICES)).toEqual({
      usd: 3.5,
      source: "mixed",
    });
  });

  it("is unknown without prices, without usage, or with only one of the two prices", () => {
    expect(turnCost([createUsage(10, 10)], undefined)).toBeNull();
    expect(turnCost([], PRICES)).toBeNull();
    expect(turnCost([createUsage(10, 10), undefined], PRICES)).toBeNull();
    expect(turnCost([createUsage(10, 10)], { prompt_cost_per_mtok: 3 })).toBeNull();
  });

  it("a free model costs 0, not unknown", () => {
    expect(
      turnCost([createUsage(10, 10)], { prompt_cost_per_mtok: 0, completion_cost_per_mtok: 0 }),
    ).toEqual({ usd: 0, source: "registry" });
  });
});

describe("formatTurnCost", () => {
  it("shows small prices to two significant digits, larger ones in cents and below, and unknown", () => {
    expect(formatTurnCost({ usd: 0.000_123_4, source: "registry" })).toBe(
      "$0.00012 at registry prices",
    );
    expect(formatTurnCost({ usd: 0.0123, source: "provider" })).toBe(
      "$0.0123 reported by the provider",
    );
    expect(formatTurnCost({ usd: 2, source: "mixed" })).toBe(
      "$2.00 provider reports + registry prices",
    );
    expect(formatTurnCost({ usd: 0, source: "registry" })).toBe("$0.00 at registry prices");
    expect(formatTurnCost(null)).toBe("price unknown");
  });
});
