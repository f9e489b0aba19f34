import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { ModelRegistry } from "./model-registry.ts";
import { isPresetUri, parsePresetUri } from "./preset-uri.ts";
import { findPreset, listPresets, resolvePreset } from "./resolve-preset.ts";

/** The preset table of the Rust Ratatoskr v0.3.4 (its seed.json), which the shipped registry keeps. */
const RUST_PRESETS: Record<string, Record<string, string>> = {
  free: {
    agentic: "mistralai/mistral-small-3.1-24b-instruct:free",
    coding: "arcee-ai/trinity-large-preview:free",
    embedding: "sentence-transformers/all-MiniLM-L6-v2",
    summariser: "mistralai/mistral-small-3.1-24b-instruct:free",
    "text-generation": "arcee-ai/trinity-large-preview:free",
  },
  budget: {
    agentic: "xiaomi/mimo-v2-flash",
    coding: "xiaomi/mimo-v2-flash",
    embedding: "sentence-transformers/all-MiniLM-L6-v2",
    summariser: "meta-llama/llama-3.3-70b-instruct",
    "text-generation": "mistralai/mistral-small-creative",
  },
  mid: {
    agentic: "moonshotai/kimi-k2.5",
    coding: "z-ai/glm-5",
    embedding: "sentence-transformers/all-MiniLM-L6-v2",
    summariser: "google/gemini-3-flash-preview",
    "text-generation": "moonshotai/kimi-k2.5",
  },
  premium: {
    agentic: "anthropic/claude-sonnet-4.6",
    coding: "anthropic/claude-sonnet-4.6",
    embedding: "sentence-transformers/all-MiniLM-L6-v2",
    summariser: "anthropic/claude-haiku-4.5",
    "text-generation": "anthropic/claude-sonnet-4.6",
  },
};

function rejection(run: () => unknown): RatatoskrError {
  try {
    run();
  } catch (error) {
    if (RatatoskrError.isInstance(error)) return error;
    throw new Error(`expected a RatatoskrError, got ${String(error)}`);
  }
  throw new Error("expected a rejection");
}

describe("resolvePreset with the shipped registry", () => {
  it.each(
    Object.entries(RUST_PRESETS).flatMap(([tier, entries]) =>
      Object.entries(entries).map(([capability, model]) => [tier, capability, model] as const),
    ),
  )("ratatoskr:%s/%s resolves to %s, as in the Rust table", (tier, capability, model) => {
    expect(resolvePreset(`ratatoskr:${tier}/${capability}`)).toMatchObject({
      uri: `ratatoskr:${tier}/${capability}`,
      tier,
      capability,
      model,
      source: "registry",
    });
  });

  it("carries the preset's parameters (budget/agentic and budget/coding have them in the Rust table)", () => {
    expect(resolvePreset("ratatoskr:budget/coding").parameters).toEqual({
      temperature: 0.3,
      top_p: 0.95,
    });
    expect(resolvePreset("ratatoskr:premium/coding")).not.toHaveProperty("parameters");
  });

  it("names the known tiers for an unknown tier", () => {
    const error = rejection(() => resolvePreset("ratatoskr:gold/coding"));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe(
      'ratatoskr:gold/coding: unknown preset tier "gold" (known tiers: free, budget, mid, premium)',
    );
    expect(error.details).toMatchObject({ field: "model", tier: "gold", capability: "coding" });
  });

  it("names the known capabilities for an unknown capability", () => {
    const error = rejection(() => resolvePreset("ratatoskr:free/vision"));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe(
      'ratatoskr:free/vision: unknown preset capability "vision" (known capabilities: agentic, coding, embedding, summariser, text-generation)',
    );
  });

  it("says what a tier has when it lacks a capability another tier has", () => {
    const error = rejection(() =>
      resolvePreset("ratatoskr:local/coding", {
        userPresets: { local: { embedding: "BAAI/bge-small-en-v1.5" } },
      }),
    );
    expect(error.message).toBe(
      'ratatoskr:local/coding: tier "local" has no "coding" preset (it has: embedding)',
    );
  });

  it("is case-sensitive, like the Rust lookup", () => {
    expect(rejection(() => resolvePreset("ratatoskr:Free/agentic")).message).toContain(
      'unknown preset tier "Free"',
    );
  });
});

describe("malformed preset strings", () => {
  it.each([
    ["ratatoskr:free", "it has no /<capability>"],
    ["ratatoskr:", "it has no /<capability>"],
    ["ratatoskr:/agentic", "the tier is empty"],
    ["ratatoskr:free/", "the capability is empty"],
    ["ratatoskr:free/agentic/extra", "more than one /"],
    ["ratatoskr:openrouter:free/agentic", "presets cannot carry a provider prefix"],
    ["anthropic/claude-sonnet-4", 'it does not start with "ratatoskr:"'],
  ])("%s is an invalid_input error saying the form", (uri, why) => {
    const error = rejection(() => resolvePreset(uri));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain(why);
    expect(error.message).toContain('the form is "ratatoskr:<tier>/<capability>"');
    expect(error.details?.field).toBe("model");
  });

  it.each([
    [undefined, "must be a non-empty string"],
    [42, "must be a non-empty string"],
    ["", "must be a non-empty string"],
    [`ratatoskr:free/${"x".repeat(2000)}`, "at most 1024 characters"],
  ])("%s is an invalid_input error, never a TypeError", (uri, problem) => {
    const error = rejection(() => resolvePreset(uri as string));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain(problem);
  });

  it("isPresetUri tells preset strings from others without throwing", () => {
    expect(isPresetUri("ratatoskr:free/agentic")).toBe(true);
    expect(isPresetUri("ratatoskr:anything")).toBe(true);
    expect(isPresetUri("ollama:llama3.2")).toBe(false);
    expect(isPresetUri(undefined)).toBe(false);
    expect(parsePresetUri("ratatoskr:mid/coding")).toEqual({
      uri: "ratatoskr:mid/coding",
      tier: "mid",
      capability: "coding",
    });
  });
});

describe("user presets", () => {
  const userPresets = {
    premium: {
      coding: { model: "anthropic/claude-opus-4.6", parameters: { temperature: 0.2 } },
    },
    local: { embedding: "BAAI/bge-small-en-v1.5" },
    free: { vision: "google/gemini-2.0-flash-001" },
  };

  it("replace the registry's entry for the same tier and capability", () => {
    expect(resolvePreset("ratatoskr:premium/coding", { userPresets })).toEqual({
      uri: "ratatoskr:premium/coding",
      tier: "premium",
      capability: "coding",
      model: "anthropic/claude-opus-4.6",
      parameters: { temperature: 0.2 },
      source: "user",
    });
    expect(resolvePreset("ratatoskr:premium/agentic", { userPresets }).source).toBe("registry");
  });

  it("add tiers and capabilities", () => {
    expect(resolvePreset("ratatoskr:local/embedding", { userPresets }).model).toBe(
      "BAAI/bge-small-en-v1.5",
    );
    expect(resolvePreset("ratatoskr:free/vision", { userPresets }).model).toBe(
      "google/gemini-2.0-flash-001",
    );
  });

  it.each([
    [
      { premium: { coding: { model: "x", parameters: { temprature: 0.2 } } } },
      "userPresets: userPresets.premium.coding.parameters.temprature is not a preset parameter (known: temperature, top_p,",
    ],
    [
      { premium: { coding: { model: "x", parameters: { top_p: "high" } } } },
      'userPresets: userPresets.premium.coding.parameters.top_p must be a finite number, got "high"',
    ],
    [{ premium: { coding: 7 } }, "userPresets: userPresets.premium.coding must be a model id"],
    [{ premium: "x" }, "userPresets: userPresets.premium must be an object"],
    [[], "userPresets: userPresets must be an object, got an array"],
    [
      { premium: { coding: { model: "x", parameters: { raw_provider_options: { f: () => 1 } } } } },
      "userPresets: userPresets.premium.coding.parameters.raw_provider_options must be plain JSON data",
    ],
  ])("that are malformed are an invalid_input error naming the place (%#)", (presets, message) => {
    const error = rejection(() =>
      resolvePreset("ratatoskr:free/agentic", { userPresets: presets as never }),
    );
    expect(error.code).toBe("invalid_input");
    expect(error.message.startsWith(message)).toBe(true);
  });

  it("are listed over the registry's, standard tiers and capabilities first", () => {
    const listed = listPresets({ userPresets });
    expect(listed.map((preset) => preset.uri)).toEqual([
      "ratatoskr:free/agentic",
      "ratatoskr:free/coding",
      "ratatoskr:free/embedding",
      "ratatoskr:free/summariser",
      "ratatoskr:free/text-generation",
      "ratatoskr:free/vision",
      "ratatoskr:budget/agentic",
      "ratatoskr:budget/coding",
      "ratatoskr:budget/embedding",
      "ratatoskr:budget/summariser",
      "ratatoskr:budget/text-generation",
      "ratatoskr:mid/agentic",
      "ratatoskr:mid/coding",
      "ratatoskr:mid/embedding",
      "ratatoskr:mid/summariser",
      "ratatoskr:mid/text-generation",
      "ratatoskr:premium/agentic",
      "ratatoskr:premium/coding",
      "ratatoskr:premium/embedding",
      "ratatoskr:premium/summariser",
      "ratatoskr:premium/text-generation",
      "ratatoskr:local/embedding",
    ]);
    expect(listed.find((preset) => preset.uri === "ratatoskr:premium/coding")).toMatchObject({
      model: "anthropic/claude-opus-4.6",
      source: "user",
    });
  });
});

describe("presets of another registry", () => {
  const registry = ModelRegistry.fromPayload({
    version: 1,
    models: [],
    presets: { house: { agentic: "house/model" } },
  });

  it("resolve from that registry's table only", () => {
    expect(resolvePreset("ratatoskr:house/agentic", { registry }).model).toBe("house/model");
    expect(rejection(() => resolvePreset("ratatoskr:free/agentic", { registry })).message).toBe(
      'ratatoskr:free/agentic: unknown preset tier "free" (known tiers: house)',
    );
    expect(listPresets({ registry }).map((preset) => preset.uri)).toEqual([
      "ratatoskr:house/agentic",
    ]);
  });

  it("findPreset answers undefined where resolvePreset would throw for a missing preset", () => {
    expect(findPreset("ratatoskr:free/agentic", { registry })).toBeUndefined();
    expect(findPreset("ratatoskr:house/agentic", { registry })?.model).toBe("house/model");
    expect(() => findPreset("ratatoskr:house", { registry })).toThrowError(
      expect.objectContaining({ code: "invalid_input" }),
    );
  });
});
