/**
 * What one chat turn cost, from the usage of each of its model rounds: a
 * round's own cost where the gateway put one on its usage (the provider's
 * report, or the registry's prices for the model that answered), else its
 * tokens at the model's registry prices. A round whose price cannot be
 * told makes the turn's price unknown: a partial sum is never shown as the
 * turn's cost.
 */
import type { PricingInfo, Usage } from "@ratatoskr/core";

/** The price of a whole turn in US dollars, and where it came from. */
export interface TurnCost {
  /** The price in US dollars. */
  usd: number;
  /**
   * `provider`: every round's price was the provider's report; `registry`:
   * computed from the model registry's prices per million tokens (which
   * may lag the provider's); `mixed`: some rounds one way, some the other.
   */
  source: "provider" | "registry" | "mixed";
}

/** The price of one round at `pricing`, or undefined when either price is unknown. */
function priced(usage: Usage, pricing: PricingInfo | undefined): number | undefined {
  const prompt = pricing?.prompt_cost_per_mtok;
  const completion = pricing?.completion_cost_per_mtok;
  if (prompt === undefined || completion === undefined) return undefined;
  return (usage.promptTokens * prompt + usage.completionTokens * completion) / 1_000_000;
}

/**
 * The cost of a turn from the usage of each of its rounds (`undefined`
 * for a round that reported none), with `pricing` the model's registry
 * prices for rounds that carry no cost of their own. `null`: the price is
 * unknown (no rounds, a round without usage, or a round with neither a
 * cost nor both prices).
 */
export function turnCost(
  usages: readonly (Usage | undefined)[],
  pricing: PricingInfo | undefined,
): TurnCost | null {
  if (usages.length === 0) return null;
  let usd = 0;
  const sources = new Set<"provider" | "registry">();
  for (const usage of usages) {
    if (usage === undefined) return null;
    if (usage.cost !== undefined) {
      usd += usage.cost.usd;
      sources.add(usage.cost.source);
      continue;
    }
    const computed = priced(usage, pricing);
    if (computed === undefined) return null;
    usd += computed;
    sources.add("registry");
  }
  const [only] = sources;
  return { usd, source: sources.size === 1 && only !== undefined ? only : "mixed" };
}

const SMALL = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumSignificantDigits: 2,
});
const LARGE = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

const SOURCE_LABEL: Readonly<Record<TurnCost["source"], string>> = {
  provider: "reported by the provider",
  registry: "at registry prices",
  mixed: "provider reports + registry prices",
};

/** A turn's cost as the chat page shows it (`$0.0021 at registry prices`, or `price unknown`). */
export function formatTurnCost(cost: TurnCost | null): string {
  if (cost === null) return "price unknown";
  const amount =
    cost.usd !== 0 && cost.usd < 0.01 ? SMALL.format(cost.usd) : LARGE.format(cost.usd);
  return `${amount} ${SOURCE_LABEL[cost.source]}`;
}
