import {
  assertCallOptions,
  assertGenerateOptions,
  type ChatOptions,
  type GenerateOptions,
} from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { applyPresetToChatOptions, applyPresetToGenerateOptions } from "./apply-preset.ts";
import { ModelRegistry } from "./model-registry.ts";
import { resolvePreset } from "./resolve-preset.ts";

/** Every preset parameter, in the registry format. */
const registry = ModelRegistry.fromPayload({
  version: 1,
  models: [],
  presets: {
    full: {
      agentic: {
        model: "anthropic/claude-sonnet-4",
        parameters: {
          temperature: 0.3,
          top_p: 0.95,
          top_k: 40,
          max_tokens: 4096,
          frequency_penalty: 0.1,
          presence_penalty: -0.1,
          seed: 7,
          stop: ["END"],
          reasoning: { effort: "high", max_tokens: 2048, exclude_from_output: true },
          tool_choice: { function: { name: "search" } },
          parallel_tool_calls: false,
          response_format: { json_schema: { schema: { type: "object" } } },
          cache_prompt: true,
          raw_provider_options: { provider: { order: ["anthropic"] } },
        },
      },
      coding: {
        model: "z-ai/glm-5",
        parameters: { reasoning: { effort: "xhigh", max_tokens: 1000 }, tool_choice: "required" },
      },
      summariser: { model: "x/y", parameters: { response_format: "json_object" } },
    },
  },
});
const full = resolvePreset("ratatoskr:full/agentic", { registry });

describe("applyPresetToChatOptions", () => {
  it("replaces the preset string by the model and fills every setting the caller left unset", () => {
    const { options, ignored } = applyPresetToChatOptions({ model: full.uri }, full);
    expect(options).toEqual({
      model: "anthropic/claude-sonnet-4",
      temperature: 0.3,
      topP: 0.95,
      topK: 40,
      maxTokens: 4096,
      frequencyPenalty: 0.1,
      presencePenalty: -0.1,
      seed: 7,
      stop: ["END"],
      reasoning: { effort: "high", maxTokens: 2048, exclude: true },
      toolChoice: { name: "search" },
      parallelToolCalls: false,
      responseFormat: { type: "json_schema", name: "response", schema: { type: "object" } },
      cachePrompt: true,
      providerOptions: { openrouter: { provider: { order: ["anthropic"] } } },
    } satisfies ChatOptions);
    expect(ignored).toEqual([]);
  });

  it("never overrides a setting the caller gave, falsy ones included", () => {
    const caller: ChatOptions = {
      model: full.uri,
      temperature: 0,
      topP: 1,
      topK: 1,
      maxTokens: 10,
      frequencyPenalty: 0,
      presencePenalty: 0,
      seed: 0,
      stop: [],
      reasoning: { effort: "low" },
      toolChoice: "none",
      parallelToolCalls: true,
      responseFormat: { type: "text" },
      cachePrompt: false,
      providerOptions: { openrouter: {} },
    };
    const { options } = applyPresetToChatOptions(caller, full);
    expect(options).toEqual({ ...caller, model: "anthropic/claude-sonnet-4" });
  });

  it("leaves the caller's options and the preset as they were, and shares no objects with the preset", () => {
    const caller: ChatOptions = { model: full.uri, signal: new AbortController().signal };
    const before = { ...caller };
    const { options } = applyPresetToChatOptions(caller, full);
    expect(caller).toEqual(before);
    expect(options.signal).toBe(caller.signal);
    options.stop!.push("mutated");
    (options.providerOptions!.openrouter as { provider: { order: string[] } }).provider.order.push(
      "x",
    );
    expect(resolvePreset(full.uri, { registry }).parameters?.stop).toEqual(["END"]);
    expect(applyPresetToChatOptions({ model: full.uri }, full).options.providerOptions).toEqual({
      openrouter: { provider: { order: ["anthropic"] } },
    });
  });

  it("sends raw_provider_options as the openrouter entry of providerOptions, which core accepts; the caller's entries stay", async () => {
    const { options } = applyPresetToChatOptions(
      { model: full.uri, providerOptions: { anthropic: { effort: "low" } } },
      full,
    );
    expect(options.providerOptions).toEqual({
      anthropic: { effort: "low" },
      openrouter: { provider: { order: ["anthropic"] } },
    });
    // Core's option checks accept it (a rawProviderOptions field is invalid_input).
    expect(() => assertCallOptions(options)).not.toThrow();
    expect(() =>
      assertGenerateOptions(applyPresetToGenerateOptions({ model: full.uri }, full).options),
    ).not.toThrow();
  });

  it("reports a reasoning effort the gateway cannot send, and keeps the rest of the reasoning", () => {
    const coding = resolvePreset("ratatoskr:full/coding", { registry });
    const { options, ignored } = applyPresetToChatOptions({ model: coding.uri }, coding);
    expect(options).toEqual({
      model: "z-ai/glm-5",
      reasoning: { maxTokens: 1000 },
      toolChoice: "required",
    });
    expect(ignored).toEqual([
      {
        parameter: "reasoning.effort",
        reason: 'effort "xhigh" is not one the gateway sends (minimal, low, medium, high)',
      },
    ]);
  });

  it("maps the json_object response format", () => {
    const summariser = resolvePreset("ratatoskr:full/summariser", { registry });
    expect(applyPresetToChatOptions({ model: "m" }, summariser).options.responseFormat).toEqual({
      type: "json_object",
    });
  });

  it("takes bare preset parameters (the model then stays), or nothing", () => {
    expect(applyPresetToChatOptions({ model: "a/b" }, { temperature: 0.5 }).options).toEqual({
      model: "a/b",
      temperature: 0.5,
    });
    expect(applyPresetToChatOptions({ model: "a/b" }, undefined)).toEqual({
      options: { model: "a/b" },
      ignored: [],
    });
  });

  it("with a shipped preset: the caller's temperature wins, the preset's top_p fills", () => {
    const preset = resolvePreset("ratatoskr:budget/coding");
    expect(applyPresetToChatOptions({ model: preset.uri, temperature: 0.7 }, preset)).toEqual({
      options: { model: "xiaomi/mimo-v2-flash", temperature: 0.7, topP: 0.95 },
      ignored: [],
    });
  });
});

describe("applyPresetToGenerateOptions", () => {
  it("fills what generate has, stop as stopSequences, and reports the rest", () => {
    const { options, ignored } = applyPresetToGenerateOptions({ model: full.uri }, full);
    expect(options).toEqual({
      model: "anthropic/claude-sonnet-4",
      temperature: 0.3,
      topP: 0.95,
      topK: 40,
      maxTokens: 4096,
      seed: 7,
      stopSequences: ["END"],
      providerOptions: { openrouter: { provider: { order: ["anthropic"] } } },
    } satisfies GenerateOptions);
    expect(ignored.map((entry) => entry.parameter)).toEqual([
      "frequency_penalty",
      "presence_penalty",
      "reasoning",
      "tool_choice",
      "parallel_tool_calls",
      "response_format",
      "cache_prompt",
    ]);
  });

  it("fills stopSequences only when the caller gave none, and never overrides the caller", () => {
    expect(
      applyPresetToGenerateOptions({ model: "m", stopSequences: [] }, full).options.stopSequences,
    ).toEqual(["END"]);
    const caller: GenerateOptions = {
      model: "m",
      stopSequences: ["STOP"],
      temperature: 0,
      topK: 1,
      seed: 0,
    };
    expect(applyPresetToGenerateOptions(caller, full).options).toMatchObject({
      model: "anthropic/claude-sonnet-4",
      stopSequences: ["STOP"],
      temperature: 0,
      topK: 1,
      seed: 0,
    });
  });
});
