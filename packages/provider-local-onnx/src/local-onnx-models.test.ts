import { describe, expect, it } from "vitest";
import { MODEL_PRESETS, ModelCatalog, resolveModelSetting } from "./local-onnx-models.ts";
import { createLocalOnnx } from "./local-onnx-provider.ts";

describe("model presets and settings", () => {
  it("has the original design's presets with repos, dimensions, pooling and limits", () => {
    expect(
      MODEL_PRESETS.map(({ name, repo, dimensions, pooling, maxLength }) => [
        name,
        repo,
        dimensions,
        pooling,
        maxLength,
      ]),
    ).toMatchInlineSnapshot(`
      [
        [
          "AllMiniLmL6V2",
          "Qdrant/all-MiniLM-L6-v2-onnx",
          384,
          "mean",
          256,
        ],
        [
          "AllMiniLmL12V2",
          "Xenova/all-MiniLM-L12-v2",
          384,
          "mean",
          128,
        ],
        [
          "BgeSmallEn",
          "Xenova/bge-small-en-v1.5",
          384,
          "cls",
          512,
        ],
        [
          "BgeBaseEn",
          "Xenova/bge-base-en-v1.5",
          768,
          "cls",
          512,
        ],
        [
          "NliDebertaV3Base",
          "cross-encoder/nli-deberta-v3-base",
          undefined,
          "cls",
          512,
        ],
        [
          "NliDebertaV3Small",
          "cross-encoder/nli-deberta-v3-small",
          undefined,
          "cls",
          512,
        ],
      ]
    `);
  });

  it("finds presets by name, alias or repo, case-insensitively, for their kind only", () => {
    const catalog = new ModelCatalog({});
    for (const name of [
      "AllMiniLmL6V2",
      "all-MiniLM-L6-v2",
      "sentence-transformers/all-MiniLM-L6-v2",
      "qdrant/all-minilm-l6-v2-onnx",
    ]) {
      expect(catalog.find(name, "embedding")?.name, name).toBe("AllMiniLmL6V2");
    }
    expect(catalog.find("nli-deberta-v3-small", "nli")?.source).toEqual({
      type: "hub",
      repo: "cross-encoder/nli-deberta-v3-small",
      revision: "main",
    });
    expect(catalog.find("AllMiniLmL6V2", "nli")).toBeUndefined();
    expect(catalog.find("someone/unknown", "embedding")).toBeUndefined();
  });

  it("a Hub repo string becomes a hub model trying onnx/model.onnx then model.onnx", () => {
    expect(resolveModelSetting("org/my-embedder", "embedding")).toMatchObject({
      name: "org/my-embedder",
      source: { type: "hub", repo: "org/my-embedder", revision: "main" },
      files: ["onnx/model.onnx", "model.onnx"],
      maxLength: 512,
    });
    // Pooling and normalisation are read from the repository's files when the model loads.
    const resolved = resolveModelSetting("org/my-embedder", "embedding");
    expect(resolved.pooling).toBeUndefined();
    expect(resolved.normalize).toBeUndefined();
  });

  it("a custom model named like a preset keeps the preset's fallback pooling, dimensions and limit", () => {
    expect(
      resolveModelSetting({ name: "BgeSmallEn", path: "/models/bge" }, "embedding"),
    ).toMatchObject({
      source: { type: "directory", path: "/models/bge" },
      presetPooling: "cls",
      dimensions: 384,
      maxLength: 512,
    });
  });

  it("rejects unusable settings with configuration errors", () => {
    const bad: Array<[unknown, string]> = [
      ["no-slash-and-not-a-preset", "Unknown embedding model"],
      [{ name: "", path: "/x" }, "non-empty name"],
      [{ name: "x" }, "exactly one of path"],
      [{ name: "x", path: "/a", repo: "o/r" }, "exactly one of path"],
      [{ name: "x", repo: "../etc" }, "org/name"],
      [{ name: "x", repo: "o/r", revision: "../main" }, "invalid revision"],
      [{ name: "x", path: "/a", pooling: "median" }, "pooling must be one of cls, max, mean"],
      [{ name: "x", path: "/a", normalize: "yes" }, "normalize must be true or false"],
      [{ name: "x", path: "/a", maxLength: 1 }, "maxLength"],
    ];
    for (const [setting, message] of bad) {
      expect(
        () => resolveModelSetting(setting as never, "embedding"),
        JSON.stringify(setting),
      ).toThrow(
        expect.objectContaining({
          code: "configuration",
          message: expect.stringContaining(message),
        }),
      );
    }
  });

  it("supports() says yes for configured and preset models of the capability, and explains a no", () => {
    const provider = createLocalOnnx({ generationModels: [{ name: "my-lm", path: "/models/lm" }] });
    expect(provider.supports!("embed", "bge-small-en-v1.5")).toBe(true);
    expect(provider.supports!("nli", "NliDebertaV3Base")).toBe(true);
    expect(provider.supports!("classify", "nli-deberta-v3-small")).toBe(true);
    expect(provider.supports!("generate", "my-lm")).toBe(true);
    expect(provider.supports!("generate", "all-MiniLM-L6-v2")).toMatchObject({ supported: false });
    expect(provider.supports!("chat", "my-lm")).toMatchObject({
      supported: false,
      reason: expect.stringContaining("chat"),
    });
    expect(provider.id).toBe("local");
    expect(provider.aliases).toEqual(["onnx"]);
    expect(provider.localInference).toBe(true);
    // Its capabilities are the capability objects present.
    expect(provider.embedding.embed).toBeTypeOf("function");
    expect(provider.nli.infer).toBeTypeOf("function");
    expect(provider.classification.classifyZeroShot).toBeTypeOf("function");
    expect(provider.generation.complete).toBeTypeOf("function");
    expect(provider.generation.stream).toBeTypeOf("function");
    expect([provider.chat, provider.tokenCounting]).toEqual([undefined, undefined]);
  });
});
