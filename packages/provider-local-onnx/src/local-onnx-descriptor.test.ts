import type { Capability } from "@ratatoskr/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localOnnxDescriptor } from "./local-onnx-descriptor.ts";
import { MODEL_PRESETS } from "./local-onnx-models.ts";
import { temporaryTestModels } from "./test-fixtures.ts";
import { embedRequest } from "./test-requests.ts";

/** The hints of the descriptor that match `model` for `capability`. */
const hintsFor = (capability: Capability, model: string) =>
  (localOnnxDescriptor.routing ?? []).filter(
    (hint) =>
      (hint.capabilities ?? localOnnxDescriptor.capabilities).includes(capability) &&
      hint.pattern.test(model),
  );

describe("localOnnxDescriptor", () => {
  let models: Awaited<ReturnType<typeof temporaryTestModels>>;
  beforeAll(async () => {
    models = await temporaryTestModels();
  });
  afterAll(() => models.cleanup());

  it("describes the provider the catalog expects: id, alias, package, capabilities, environment", () => {
    expect(localOnnxDescriptor).toMatchObject({
      specificationVersion: "v1",
      id: "local",
      aliases: ["onnx"],
      displayName: "Local ONNX",
      packageName: "@ratatoskr/provider-local-onnx",
      capabilities: ["embed", "nli", "classify", "generate"],
      environment: { cacheDir: "RATATOSKR_CACHE_DIR", hubToken: "HF_TOKEN" },
      localInference: true,
    });
  });

  it("needs no key: any environment configures it", () => {
    expect(localOnnxDescriptor.isConfigured!({})).toBe(true);
  });

  it("hints the names only it serves — every preset name and alias without an organisation — at priority 100, for that preset's capabilities", () => {
    for (const preset of MODEL_PRESETS) {
      const capabilities: Capability[] =
        preset.kind === "embedding" ? ["embed"] : ["nli", "classify"];
      for (const name of [preset.name, ...preset.aliases.filter((alias) => !alias.includes("/"))]) {
        for (const spelling of [name, name.toLowerCase(), name.toUpperCase()]) {
          for (const capability of capabilities) {
            expect(hintsFor(capability, spelling), `${spelling} for ${capability}`).toHaveLength(1);
            expect(hintsFor(capability, spelling)[0]!.priority).toBe(100);
          }
          expect(hintsFor("generate", spelling), `${spelling} is no generation model`).toEqual([]);
        }
      }
    }
    for (const model of [
      "sentence-transformers/all-MiniLM-L6-v2",
      "BAAI/bge-small-en-v1.5",
      "cross-encoder/nli-deberta-v3-base",
      "all-MiniLM-L6-v2-extra",
      "bge-small-en-v1x5",
      "my-model",
    ]) {
      expect([...hintsFor("embed", model), ...hintsFor("nli", model)], model).toEqual([]);
    }
    for (const hint of localOnnxDescriptor.routing ?? []) {
      expect(hint.reason).toContain("local");
    }
  });

  it("creates the provider from the settings the builder's shorthands fold", async () => {
    const provider = await localOnnxDescriptor.create({
      embeddingModels: [{ name: "mini-bert", path: models.encoder }],
      device: "cpu",
      cacheDir: models.root,
      offline: true,
    });
    expect(provider.id).toBe("local");
    const { embeddings } = await provider.embedding!.embed(embedRequest(["hello"], "mini-bert"));
    expect(embeddings[0]!.dimensions).toBe(8);
    await provider.dispose?.();
  });
});
