/**
 * The regeneration mapping on a recorded OpenRouter `/api/v1/models`
 * response (`__fixtures__/openrouter-models.json`: entries in the list's
 * real shape and values, from a public snapshot of the list taken in March
 * 2026, descriptions shortened; `openrouter/auto` and the embedding model
 * from OpenRouter's documented fields). No network.
 */
import { readFileSync } from "node:fs";
import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { ModelRegistry } from "./model-registry.ts";
import {
  modelMetadataFromOpenRouter,
  registryDocumentFromOpenRouter,
} from "./openrouter-models.ts";
import { shippedRegistry } from "./shipped-registry.ts";

const RESPONSE = JSON.parse(
  readFileSync(new URL("./__fixtures__/openrouter-models.json", import.meta.url), "utf8"),
);

describe("registryDocumentFromOpenRouter", () => {
  const { document, skipped } = registryDocumentFromOpenRouter(RESPONSE);
  const byId = new Map(document.models.map((model) => [model.info.id, model]));

  it("maps every model that outputs text or embeddings, sorted by id, into a document this package reads", () => {
    expect(document.models.map((model) => model.info.id)).toEqual([
      "anthropic/claude-sonnet-4.6",
      "google/gemini-3-flash-preview",
      "google/gemini-3.1-flash-image-preview",
      "meta-llama/llama-3.3-70b-instruct:free",
      "minimax/minimax-m2.1",
      "openai/text-embedding-3-small",
      "openrouter/auto",
    ]);
    expect(skipped).toEqual([]);
    const registry = ModelRegistry.fromPayload(JSON.parse(JSON.stringify(document)));
    expect(registry.size).toBe(7);
    expect(registry.warnings).toEqual([]);
  });

  it("maps a chat model: context, prices per million, output limit, ranges and opaque parameters", () => {
    expect(byId.get("anthropic/claude-sonnet-4.6")).toEqual({
      info: {
        id: "anthropic/claude-sonnet-4.6",
        provider: "openrouter",
        capabilities: ["Chat", "ToolUse"],
        context_window: 1_000_000,
        dimensions: null,
      },
      parameters: {
        include_reasoning: { availability: "opaque" },
        max_tokens: { availability: "opaque" },
        reasoning: { availability: "opaque" },
        response_format: { availability: "opaque" },
        stop: { availability: "opaque" },
        structured_outputs: { availability: "opaque" },
        temperature: { availability: "mutable", range: { min: 0, max: 2 } },
        tool_choice: { availability: "opaque" },
        tools: { availability: "opaque" },
        top_k: { availability: "mutable", range: { min: 0 } },
        top_p: { availability: "mutable", range: { min: 0, max: 1 } },
        verbosity: { availability: "opaque" },
      },
      pricing: { prompt_cost_per_mtok: 3, completion_cost_per_mtok: 15 },
      max_output_tokens: 128_000,
    });
  });

  it("agrees with the shipped registry's record of the same model", () => {
    const shipped = shippedRegistry().get("anthropic/claude-sonnet-4.6")!;
    const mapped = byId.get("anthropic/claude-sonnet-4.6")!;
    expect(mapped.info).toEqual(shipped.info);
    expect(mapped.pricing).toEqual(shipped.pricing);
    expect(mapped.max_output_tokens).toBe(shipped.max_output_tokens);
    expect(mapped.parameters).toEqual(shipped.parameters);
  });

  it("rounds prices to clean figures and takes defaults from default_parameters", () => {
    expect(byId.get("minimax/minimax-m2.1")).toMatchObject({
      pricing: { prompt_cost_per_mtok: 0.27, completion_cost_per_mtok: 0.95 },
      parameters: {
        temperature: { availability: "mutable", range: { min: 0, max: 2, default: 1 } },
        top_p: { availability: "mutable", range: { min: 0, max: 1, default: 0.9 } },
        frequency_penalty: { availability: "mutable", range: { min: -2, max: 2 } },
        min_p: { availability: "opaque" },
      },
    });
    expect(byId.get("google/gemini-3-flash-preview")?.pricing).toEqual({
      prompt_cost_per_mtok: 0.5,
      completion_cost_per_mtok: 3,
    });
  });

  it("leaves out an output limit OpenRouter does not give, and keeps a free model's zero prices", () => {
    expect(byId.get("minimax/minimax-m2.1")).not.toHaveProperty("max_output_tokens");
    expect(byId.get("meta-llama/llama-3.3-70b-instruct:free")).toMatchObject({
      pricing: { prompt_cost_per_mtok: 0, completion_cost_per_mtok: 0 },
      max_output_tokens: 128_000,
    });
  });

  it("leaves out a variable price (-1, the auto router) and marks a model without tools as Chat only", () => {
    const auto = byId.get("openrouter/auto")!;
    expect(auto).not.toHaveProperty("pricing");
    expect(auto.info.capabilities).toEqual(["Chat"]);
    expect(auto.parameters).toEqual({});
    expect(byId.get("google/gemini-3.1-flash-image-preview")?.info.capabilities).toEqual(["Chat"]);
  });

  it("maps an embedding model to Embed", () => {
    expect(byId.get("openai/text-embedding-3-small")).toEqual({
      info: {
        id: "openai/text-embedding-3-small",
        provider: "openrouter",
        capabilities: ["Embed"],
        context_window: 8192,
        dimensions: null,
      },
      parameters: {},
      pricing: { prompt_cost_per_mtok: 0.02, completion_cost_per_mtok: 0 },
    });
  });
});

describe("the mapping's edge cases", () => {
  it("skips a model that outputs neither text nor embeddings, and one without an id", () => {
    const { document, skipped } = registryDocumentFromOpenRouter({
      data: [
        { id: "maker/image-only", architecture: { output_modalities: ["image"] } },
        { id: "maker/old-style", architecture: { modality: "text->audio" } },
        { name: "no id" },
        { id: "maker/text", architecture: { modality: "text+image->text" } },
      ],
    });
    expect(document.models.map((model) => model.info.id)).toEqual(["maker/text"]);
    expect(skipped).toEqual([
      { id: "maker/image-only", reason: "outputs image, neither text nor embeddings" },
      { id: "maker/old-style", reason: "outputs audio, neither text nor embeddings" },
      { id: "data[2]", reason: "no id" },
    ]);
  });

  it("leaves pricing out when a price does not parse, and falls back to the top provider's context length", () => {
    const mapped = modelMetadataFromOpenRouter({
      id: "maker/model",
      architecture: { output_modalities: ["text"] },
      pricing: { prompt: "n/a", completion: "0.000001" },
      context_length: null,
      top_provider: { context_length: 32_768, max_completion_tokens: 0 },
    });
    expect(mapped).toEqual({
      info: {
        id: "maker/model",
        provider: "openrouter",
        capabilities: ["Chat"],
        context_window: 32_768,
        dimensions: null,
      },
      parameters: {},
    });
  });

  it("keeps records for other providers and the preset table, replacing a kept record the list has again", () => {
    const shipped = shippedRegistry();
    const { document } = registryDocumentFromOpenRouter(RESPONSE, {
      keep: shipped.list({ provider: "huggingface" }),
      presets: { free: { embedding: "sentence-transformers/all-MiniLM-L6-v2" } },
    });
    const registry = ModelRegistry.fromPayload(JSON.parse(JSON.stringify(document)));
    expect(registry.get("sentence-transformers/all-MiniLM-L6-v2")?.info.provider).toBe(
      "huggingface",
    );
    expect(registry.preset("free", "embedding")?.model).toBe(
      "sentence-transformers/all-MiniLM-L6-v2",
    );
    expect(registry.size).toBe(7 + shipped.list({ provider: "huggingface" }).length);
  });

  it("maps only the listed ids when asked (a curated registry)", () => {
    const { document } = registryDocumentFromOpenRouter(RESPONSE, {
      only: new Set(["minimax/minimax-m2.1", "not/in-list"]),
    });
    expect(document.models.map((model) => model.info.id)).toEqual(["minimax/minimax-m2.1"]);
  });

  it.each([
    [null, "got null"],
    [{ models: [] }, "got nothing"],
    [{ data: {} }, "got an object"],
  ])("refuses a response that is not {data: [...]} (%#) with a data error", (response, problem) => {
    let caught: unknown;
    try {
      registryDocumentFromOpenRouter(response);
    } catch (error) {
      caught = error;
    }
    expect(RatatoskrError.isInstance(caught, "data")).toBe(true);
    expect((caught as RatatoskrError).message).toBe(
      `OpenRouter models response: data must be an array of models, ${problem}`,
    );
  });
});
