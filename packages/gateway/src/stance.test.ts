import type { ClassificationRequestV1, ClassificationResultV1, ProviderV1 } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { Ratatoskr } from "./index.ts";
import { STANCE_HYPOTHESIS_TEMPLATE, stanceLabels } from "./stance.ts";
import { errorOf } from "./test-helpers.ts";

/**
 * A classify-only provider that answers with `scores` (by stance, mapped to
 * the labels it is sent) and records what it was asked.
 */
function scripted(scores: { favor: number; against: number; neutral: number } | "missing") {
  const requests: ClassificationRequestV1[] = [];
  const provider: ProviderV1 = {
    specificationVersion: "v1",
    id: "zs",
    classification: {
      async classifyZeroShot(request): Promise<ClassificationResultV1> {
        requests.push(request);
        const [favor, against, neutral] = request.labels;
        const byLabel: Record<string, number> =
          scores === "missing"
            ? { [favor!]: 1 }
            : {
                [favor!]: scores.favor,
                [against!]: scores.against,
                [neutral!]: scores.neutral,
              };
        const topLabel = Object.entries(byLabel).sort((a, b) => b[1] - a[1])[0]![0];
        return { scores: byLabel, topLabel, confidence: byLabel[topLabel]! };
      },
    },
  };
  return { provider, requests };
}

async function gatewayWith(provider: ProviderV1) {
  return Ratatoskr.builder().use(provider).build();
}

describe("classifyStance", () => {
  it("asks one single-label zero-shot call with the documented hypotheses, and maps its scores", async () => {
    const { provider, requests } = scripted({ favor: 0.7, against: 0.2, neutral: 0.1 });
    const gateway = await gatewayWith(provider);
    const result = await gateway.classifyStance(
      "Wind farms are the best thing we have built.",
      "renewable energy",
      "zs:nli-model",
    );
    expect(result).toEqual({
      favor: 0.7,
      against: 0.2,
      neutral: 0.1,
      label: "favor",
      target: "renewable energy",
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      model: "nli-model",
      text: "Wind farms are the best thing we have built.",
      labels: [
        "supports renewable energy",
        "opposes renewable energy",
        "is neutral about renewable energy",
      ],
      settings: { hypothesisTemplate: "This text {}.", multiLabel: false },
    });
    expect(STANCE_HYPOTHESIS_TEMPLATE.replace("{}", stanceLabels("X")[1])).toBe(
      "This text opposes X.",
    );
  });

  it.each([
    [{ favor: 0.1, against: 0.8, neutral: 0.1 }, "against"],
    [{ favor: 0.1, against: 0.2, neutral: 0.7 }, "neutral"],
    // Ties: favor, then against, then neutral (the original design's rule).
    [{ favor: 0.4, against: 0.4, neutral: 0.2 }, "favor"],
    [{ favor: 0.2, against: 0.4, neutral: 0.4 }, "against"],
    [{ favor: 1 / 3, against: 1 / 3, neutral: 1 / 3 }, "favor"],
  ] as const)("labels %o as %s", async (scores, label) => {
    const gateway = await gatewayWith(scripted(scores).provider);
    expect((await gateway.classifyStance("t", "x", "m")).label).toBe(label);
  });

  it("keeps a target with template syntax in it as text", async () => {
    const { provider, requests } = scripted({ favor: 0.1, against: 0.1, neutral: 0.8 });
    const gateway = await gatewayWith(provider);
    const target = "the {} placeholder and $& too";
    const result = await gateway.classifyStance("t", target, "m");
    expect(result.target).toBe(target);
    expect(requests[0]!.labels[0]).toBe(`supports ${target}`);
    expect(requests[0]!.settings.hypothesisTemplate).toBe("This text {}.");
  });

  it("works through the mock provider's zero-shot, routed like classifyZeroShot", async () => {
    const mock = createMockProvider();
    const gateway = await gatewayWith(mock);
    const result = await gateway.classifyStance(
      "This text supports cycling lanes, clearly.",
      "cycling lanes",
      "m",
    );
    expect(result.label).toBe("favor");
    expect(result.favor + result.against + result.neutral).toBeCloseTo(1, 10);
    expect(mock.callsOf("classify")).toHaveLength(1);
    expect(gateway.route("classify", "m").provider).toBe("mock");
  });

  it("refuses bad input as invalid_input naming the field, before any provider call", async () => {
    const { provider, requests } = scripted({ favor: 1, against: 0, neutral: 0 });
    const gateway = await gatewayWith(provider);
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => gateway.classifyStance("", "x", "m"), "text"],
      [() => gateway.classifyStance(42 as never, "x", "m"), "text"],
      [() => gateway.classifyStance("t", "", "m"), "target"],
      [() => gateway.classifyStance("t", Number.NaN as never, "m"), "target"],
      [() => gateway.classifyStance("t", null as never, "m"), "target"],
      [() => gateway.classifyStance("t", "x", ""), "model"],
      [() => gateway.classifyStance("t", "x", "m", { signal: "no" as never }), "options.signal"],
    ];
    for (const [call, field] of cases) {
      const error = await errorOf(call());
      expect(error.code, field).toBe("invalid_input");
      expect(error.details, field).toMatchObject({ field });
      expect(error.provider, field).toBeUndefined();
    }
    expect(requests).toHaveLength(0);
  });

  it("is cancellable: an aborted signal rejects as aborted without a provider call", async () => {
    const { provider, requests } = scripted({ favor: 1, against: 0, neutral: 0 });
    const gateway = await gatewayWith(provider);
    const error = await errorOf(
      gateway.classifyStance("t", "x", "m", { signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe("aborted");
    expect(requests).toHaveLength(0);
  });

  it("a zero-shot answer without a score for a hypothesis is a typed data error naming it", async () => {
    const gateway = await gatewayWith(scripted("missing").provider);
    const error = await errorOf(gateway.classifyStance("t", "x", "m"));
    expect(error.code).toBe("data");
    expect(error.message).toMatch(/no score for the against hypothesis \(label "opposes x"\)/);
  });

  it("without a zero-shot provider it fails as classifyZeroShot does (not_implemented)", async () => {
    const gateway = await gatewayWith(createMockProvider({ capabilities: ["chat"] }));
    const error = await errorOf(gateway.classifyStance("t", "x", "m"));
    expect(error.code).toBe("not_implemented");
    expect(error.code).toBe((await errorOf(gateway.classifyZeroShot("t", ["a"], "m"))).code);
  });
});
