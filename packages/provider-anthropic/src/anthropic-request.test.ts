import { Message, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { defaultMaxTokens } from "./anthropic-max-tokens.ts";
import { buildAnthropicRequest, toAnthropicToolChoice } from "./anthropic-request.ts";
import { toAnthropicThinking } from "./anthropic-thinking.ts";

const messages = [Message.user("hi")];

describe("max_tokens", () => {
  it("defaults per model and honours maxTokens and the setting", () => {
    expect(defaultMaxTokens("claude-3-haiku-20240307")).toBe(4096);
    expect(defaultMaxTokens("claude-3-5-sonnet-20241022")).toBe(8192);
    expect(defaultMaxTokens("claude-3-7-sonnet-20250219")).toBe(64_000);
    expect(defaultMaxTokens("claude-opus-4-1-20250805")).toBe(32_000);
    expect(defaultMaxTokens("claude-sonnet-4-6")).toBe(64_000);
    expect(
      buildAnthropicRequest(messages, { model: "m", maxTokens: 10 }, "claude-sonnet-4-6").body
        .max_tokens,
    ).toBe(10);
    expect(buildAnthropicRequest(messages, { model: "m" }, "x", () => 77).body.max_tokens).toBe(77);
    expect(() =>
      buildAnthropicRequest(messages, { model: "m", maxTokens: 0 }, "claude-x"),
    ).toThrowError(RatatoskrError);
  });
});

describe("thinking", () => {
  it("maps maxTokens to budget_tokens and effort to documented budgets, clamped below max_tokens", () => {
    expect(toAnthropicThinking(undefined, 8000)).toBeUndefined();
    expect(toAnthropicThinking({ maxTokens: 2000 }, 8000)).toEqual({
      type: "enabled",
      budget_tokens: 2000,
    });
    expect(toAnthropicThinking({ effort: "minimal" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 1024,
    });
    expect(toAnthropicThinking({ effort: "low" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 4096,
    });
    expect(toAnthropicThinking({ effort: "medium" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 16_384,
    });
    expect(toAnthropicThinking({ effort: "high" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 32_768,
    });
    expect(toAnthropicThinking({ effort: "high" }, 8192)).toEqual({
      type: "enabled",
      budget_tokens: 8191,
    });
    expect(toAnthropicThinking({}, 64_000)).toEqual({ type: "enabled", budget_tokens: 16_384 });
    expect(toAnthropicThinking({ maxTokens: 3000, effort: "high" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 3000,
    });
    expect(toAnthropicThinking({ exclude: true }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 16_384,
      display: "omitted",
    });
  });

  it("rejects budgets the API would refuse", () => {
    expect(() => toAnthropicThinking({ maxTokens: 500 }, 8000)).toThrowError(/at least 1024/);
    expect(() => toAnthropicThinking({ maxTokens: 8000 }, 8000)).toThrowError(
      /less than maxTokens/,
    );
    expect(() => toAnthropicThinking({ effort: "low" }, 1000)).toThrowError(/no room/);
  });
});

describe("tool choice", () => {
  it("maps auto/none/required/{name} and parallelToolCalls", () => {
    expect(toAnthropicToolChoice(undefined, undefined)).toBeUndefined();
    expect(toAnthropicToolChoice(undefined, false)).toEqual({
      type: "auto",
      disable_parallel_tool_use: true,
    });
    expect(toAnthropicToolChoice("auto", undefined)).toEqual({ type: "auto" });
    expect(toAnthropicToolChoice("none", false)).toEqual({ type: "none" });
    expect(toAnthropicToolChoice("required", true)).toEqual({ type: "any" });
    expect(toAnthropicToolChoice({ name: "f" }, false)).toEqual({
      type: "tool",
      name: "f",
      disable_parallel_tool_use: true,
    });
    expect(() => toAnthropicToolChoice("sometimes" as never, undefined)).toThrowError(
      RatatoskrError,
    );
  });

  it("refuses a forced tool choice together with thinking, before any request", () => {
    const tools = [{ name: "f", parameters: { type: "object" } }];
    for (const toolChoice of ["required", { name: "f" }] as const) {
      expect(() =>
        buildAnthropicRequest(
          messages,
          { model: "m", tools, toolChoice, reasoning: { effort: "low" } },
          "claude-x",
        ),
      ).toThrowError(expect.objectContaining({ code: "unsupported_parameter" }));
    }
    const { body } = buildAnthropicRequest(
      messages,
      { model: "m", tools, toolChoice: "auto", reasoning: { effort: "low" } },
      "claude-x",
    );
    expect(body.tool_choice).toEqual({ type: "auto" });
  });

  it("sends no tool_choice without tools", () => {
    const { body } = buildAnthropicRequest(
      messages,
      { model: "m", toolChoice: "required" },
      "claude-x",
    );
    expect(body.tool_choice).toBeUndefined();
    expect(body.tools).toBeUndefined();
  });
});

describe("settings the API does not take", () => {
  it("drops them with one warning each; rawProviderOptions still wins", () => {
    const { body, warnings } = buildAnthropicRequest(
      messages,
      {
        model: "m",
        temperature: 0,
        topP: 1,
        seed: 1,
        frequencyPenalty: 0,
        presencePenalty: 0,
        responseFormat: { type: "json_object" },
        rawProviderOptions: { temperature: 0.3 },
      },
      "claude-x",
    );
    expect(warnings.map((warning) => warning.setting)).toEqual([
      "responseFormat",
      "temperature",
      "topP",
      "seed",
      "frequencyPenalty",
      "presencePenalty",
    ]);
    expect(body).toMatchObject({ temperature: 0.3 });
    expect(body).not.toHaveProperty("top_p");
    expect(body).not.toHaveProperty("output_config");
  });
});
