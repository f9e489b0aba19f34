import { ModelRegistry } from "@ratatoskr/models";
import { describe, expect, it } from "vitest";
import { createHuggingFaceModelCatalog } from "./huggingface-model-catalog.ts";
import { createHuggingFace } from "./huggingface-provider.ts";

const signal = () => new AbortController().signal;

describe("the Hugging Face model catalog", () => {
  it("lists the shipped registry's huggingface models, from the registry, with no request", async () => {
    const fetch = () => {
      throw new Error("the catalog must not fetch");
    };
    const provider = createHuggingFace({ apiKey: "hf_test_key_0123456789", fetch });
    const { models } = await provider.models.listModels({ signal: signal() });
    expect(models.map((model) => model.id)).toContain("sentence-transformers/all-MiniLM-L6-v2");
    expect(models.find((model) => model.id === "BAAI/bge-small-en-v1.5")).toEqual({
      id: "BAAI/bge-small-en-v1.5",
      provider: "huggingface",
      capabilities: ["Embed"],
      context_window: 512,
      dimensions: 384,
      source: "registry",
    });
    expect(models.every((model) => model.provider === "huggingface")).toBe(true);
    expect(models.every((model) => model.source === "registry")).toBe(true);
    expect(provider.models.fetchModelMetadata).toBeUndefined();
  });

  it("lists only huggingface records of the registry it is given", async () => {
    const registry = ModelRegistry.fromPayload([
      {
        info: {
          id: "org/embedder",
          provider: "huggingface",
          capabilities: ["Embed"],
          dimensions: 8,
        },
        parameters: {},
      },
      {
        info: { id: "vendor/chat", provider: "openrouter", capabilities: ["Chat"] },
        parameters: {},
      },
    ]);
    const catalog = createHuggingFaceModelCatalog(() => registry);
    expect((await catalog.listModels({ signal: signal() })).models).toEqual([
      {
        id: "org/embedder",
        provider: "huggingface",
        capabilities: ["Embed"],
        context_window: null,
        dimensions: 8,
        source: "registry",
      },
    ]);
  });

  it("rejects an already-aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      createHuggingFaceModelCatalog().listModels({ signal: controller.signal }),
    ).rejects.toMatchObject({ code: "aborted" });
  });
});
