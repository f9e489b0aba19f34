import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { modelMetadata, normalizeModel } from "./model-metadata-lookup.ts";
import { ModelRegistry } from "./model-registry.ts";
import { shippedRegistry } from "./shipped-registry.ts";

describe("modelMetadata", () => {
  it("finds a record by its id", () => {
    expect(modelMetadata("anthropic/claude-sonnet-4.6")).toBe(
      shippedRegistry().get("anthropic/claude-sonnet-4.6"),
    );
  });

  it("sets a provider prefix aside (openrouter:, hf:, any provider name)", () => {
    const sonnet = shippedRegistry().get("anthropic/claude-sonnet-4.6");
    expect(modelMetadata("openrouter:anthropic/claude-sonnet-4.6")).toBe(sonnet);
    expect(modelMetadata("hf:sentence-transformers/all-MiniLM-L6-v2")?.info.dimensions).toBe(384);
    expect(normalizeModel("openrouter:anthropic/claude-sonnet-4.6")).toEqual({
      id: "anthropic/claude-sonnet-4.6",
      provider: "openrouter",
    });
  });

  it("keeps a :tag that belongs to the id (OpenRouter's :free variants)", () => {
    expect(modelMetadata("meta-llama/llama-3.3-70b-instruct:free")?.info.context_window).toBe(
      128_000,
    );
    expect(modelMetadata("meta-llama/llama-3.3-70b-instruct")?.info.context_window).toBe(131_072);
    expect(
      modelMetadata("openrouter:meta-llama/llama-3.3-70b-instruct:free")?.info.context_window,
    ).toBe(128_000);
    expect(normalizeModel("some/model:free")).toEqual({ id: "some/model:free" });
  });

  it("sets aside only the given provider names when the caller passes them (the gateway's registered providers)", () => {
    const providers = ["openrouter", "huggingface", "hf"];
    expect(modelMetadata("hf:sentence-transformers/all-MiniLM-L6-v2", { providers })).toBeDefined();
    expect(modelMetadata("elsewhere:anthropic/claude-sonnet-4.6", { providers })).toBeUndefined();
    expect(modelMetadata("elsewhere:anthropic/claude-sonnet-4.6")).toBeDefined();
  });

  it("resolves a preset string to its model's record", () => {
    expect(modelMetadata("ratatoskr:premium/agentic")?.info.id).toBe("anthropic/claude-sonnet-4.6");
    expect(modelMetadata("ratatoskr:free/embedding")?.info.dimensions).toBe(384);
    expect(normalizeModel("ratatoskr:mid/coding")).toEqual({
      id: "z-ai/glm-5",
      preset: "ratatoskr:mid/coding",
    });
  });

  it("resolves user presets, including one that names a provider-prefixed model", () => {
    const userPresets = { local: { embedding: "hf:BAAI/bge-small-en-v1.5" } };
    expect(modelMetadata("ratatoskr:local/embedding", { userPresets })?.info.id).toBe(
      "BAAI/bge-small-en-v1.5",
    );
    expect(normalizeModel("ratatoskr:local/embedding", { userPresets })).toEqual({
      id: "BAAI/bge-small-en-v1.5",
      provider: "hf",
      preset: "ratatoskr:local/embedding",
    });
  });

  it("reports malformed user presets instead of answering undefined", () => {
    let caught: unknown;
    try {
      modelMetadata("ratatoskr:free/agentic", { userPresets: { free: { agentic: 3 } } as never });
    } catch (error) {
      caught = error;
    }
    expect(RatatoskrError.isInstance(caught, "invalid_input")).toBe(true);
    expect((caught as RatatoskrError).message).toContain(
      "userPresets.free.agentic must be a model id",
    );
  });

  it("answers undefined for an unknown model and for a preset string naming no preset, as the Rust lookup answers None", () => {
    expect(modelMetadata("nobody/knows")).toBeUndefined();
    expect(modelMetadata("ollama:llama3.2")).toBeUndefined();
    expect(modelMetadata("ratatoskr:gold/agentic")).toBeUndefined();
    expect(modelMetadata("ratatoskr:free")).toBeUndefined();
  });

  it("is a pure function of the registry it is given", () => {
    const registry = ModelRegistry.fromPayload({
      version: 1,
      models: [{ info: { id: "house/model", provider: "house", capabilities: ["Chat"] } }],
      presets: { house: { agentic: "house/model" } },
    });
    const first = modelMetadata("ratatoskr:house/agentic", { registry });
    expect(first?.info.id).toBe("house/model");
    expect(modelMetadata("house:house/model", { registry })).toBe(first);
    expect(modelMetadata("anthropic/claude-sonnet-4.6", { registry })).toBeUndefined();
    expect(Object.isFrozen(first)).toBe(true);
  });

  it.each([
    [undefined, "model must be a non-empty string, got undefined"],
    [7, "model must be a non-empty string, got 7"],
    ["  ", "model must be a non-empty string"],
    ["x".repeat(1025), "model must be at most 1024 characters, got 1025"],
  ])("refuses %s with an invalid_input error", (model, message) => {
    let caught: unknown;
    try {
      modelMetadata(model as string);
    } catch (error) {
      caught = error;
    }
    expect(RatatoskrError.isInstance(caught, "invalid_input")).toBe(true);
    expect((caught as RatatoskrError).message).toContain(message);
  });
});
