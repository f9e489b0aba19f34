import { describe, expect, it } from "vitest";
import { mapOpenAIUsage } from "./map-openai-usage.ts";

describe("mapOpenAIUsage", () => {
  it("maps the counts and the optional details", () => {
    expect(
      mapOpenAIUsage({
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      }),
    ).toEqual({
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      reasoningTokens: 2,
      cacheReadTokens: 4,
    });
    expect(mapOpenAIUsage({ prompt_tokens: 3, completion_tokens: 4 })).toEqual({
      promptTokens: 3,
      completionTokens: 4,
      totalTokens: 7,
    });
  });

  it("is unknown (undefined) when nothing, or not enough, was reported — never zero", () => {
    expect(mapOpenAIUsage(undefined)).toBeUndefined();
    expect(mapOpenAIUsage(null)).toBeUndefined();
    expect(mapOpenAIUsage({})).toBeUndefined();
    expect(mapOpenAIUsage({ prompt_tokens: null, completion_tokens: null })).toBeUndefined();
    expect(mapOpenAIUsage({ prompt_tokens: 12 })).toBeUndefined();
    expect(mapOpenAIUsage({ completion_tokens: 7 })).toBeUndefined();
    expect(mapOpenAIUsage({ prompt_tokens: -1, completion_tokens: 2 })).toBeUndefined();
  });

  it("derives a missing side from total_tokens when the server sent it", () => {
    expect(mapOpenAIUsage({ prompt_tokens: 12, total_tokens: 20 })).toEqual({
      promptTokens: 12,
      completionTokens: 8,
      totalTokens: 20,
    });
    expect(mapOpenAIUsage({ completion_tokens: 7, total_tokens: 10 })).toEqual({
      promptTokens: 3,
      completionTokens: 7,
      totalTokens: 10,
    });
    expect(mapOpenAIUsage({ completion_tokens: 7, total_tokens: 5 })).toBeUndefined();
  });

  it("keeps the cost a provider reports (OpenRouter's usage accounting), labelled as the provider's", () => {
    // The usage object of the final chunk of a real OpenRouter stream (wire-fixtures/openrouter-stream-reasoning.sse).
    const usage = mapOpenAIUsage({
      prompt_tokens: 14,
      completion_tokens: 41,
      total_tokens: 55,
      cost: 7.39e-5,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 29 },
    } as never);
    expect(usage?.cost).toEqual({ usd: 7.39e-5, source: "provider" });
    for (const cost of [null, -1, Number.NaN, "0.1"]) {
      expect(
        mapOpenAIUsage({ prompt_tokens: 1, completion_tokens: 1, cost } as never)?.cost,
      ).toBeUndefined();
    }
  });
});
