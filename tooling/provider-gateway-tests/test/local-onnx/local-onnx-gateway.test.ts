/**
 * The local ONNX provider through the gateway: routing, the builder
 * shorthands from its descriptor and provider-keyed options (moved out of
 * provider-local-onnx's local-onnx-conformance.test.ts so that the provider
 * does not depend on the gateway).
 */
import { Ratatoskr } from "@ratatoskr/gateway";
import { createLocalOnnx, probeCuda } from "@ratatoskr/provider-local-onnx";
import {
  embedOne,
  inferOne,
  temporaryTestModels,
} from "@ratatoskr/provider-local-onnx/internal/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let models: Awaited<ReturnType<typeof temporaryTestModels>>;
beforeAll(async () => {
  models = await temporaryTestModels();
});
afterAll(() => models.cleanup());

const create = () =>
  createLocalOnnx({
    embeddingModels: [{ name: "mini-bert", path: models.encoder, dimensions: 8 }],
    nliModels: [{ name: "tiny-nli", path: models.nli }],
    generationModels: [{ name: "tiny-gpt", path: models.decoder }],
    cacheDir: models.root,
    offline: true,
  });

describe("through the gateway", () => {
  it("routes embed, NLI, zero-shot and generate to the local provider (.use and local: prefix)", async () => {
    const local = create();
    const gateway = await Ratatoskr.builder().use(local).build();
    const direct = await embedOne(local, "hello world", "mini-bert");
    const viaGateway = await gateway.embed("hello world", "mini-bert");
    expect(viaGateway.values).toEqual(direct.values);
    expect(
      (await gateway.embedBatch(["a", "b"], "local:mini-bert")).map((e) => e.dimensions),
    ).toEqual([8, 8]);
    expect(
      (
        await gateway.inferNliBatch([{ premise: "the cat", hypothesis: "a dog" }], "onnx:tiny-nli")
      )[0]!.label,
    ).toMatch(/entailment|neutral|contradiction/);
    const classified = await gateway.classifyZeroShot(
      "the game",
      ["sports", "politics"],
      "tiny-nli",
    );
    expect(Object.keys(classified.scores).sort()).toEqual(["politics", "sports"]);
    // Stance is that same zero-shot path on the real (tiny) NLI model: the
    // scores of the three stance hypotheses, single-label.
    const stance = await gateway.classifyStance("the game was great", "football", "tiny-nli");
    const asked = await gateway.classifyZeroShot(
      "the game was great",
      ["supports football", "opposes football", "is neutral about football"],
      "tiny-nli",
      { hypothesisTemplate: "This text {}.", multiLabel: false },
    );
    expect([stance.favor, stance.against, stance.neutral]).toEqual([
      asked.scores["supports football"],
      asked.scores["opposes football"],
      asked.scores["is neutral about football"],
    ]);
    expect(stance.favor + stance.against + stance.neutral).toBeCloseTo(1, 6);
    const highest = Math.max(stance.favor, stance.against, stance.neutral);
    expect(stance[stance.label]).toBe(highest);
    const generated = await gateway.generate(">", { model: "tiny-gpt", maxTokens: 5 });
    expect(generated).toMatchObject({ text: "Hello", provider: "local", model: "tiny-gpt" });
    expect(gateway.capabilities().localInference).toBe(true);
    expect(local.loaded().sort()).toEqual([
      "embedding:mini-bert",
      "generation:tiny-gpt",
      "nli:tiny-nli",
    ]);
    expect(await local.unload("tiny-nli")).toBe(true);
    expect(await local.unload("tiny-nli")).toBe(false);
    await local.preload("tiny-nli");
    expect(local.loaded()[0]).toBe("nli:tiny-nli");
    await gateway.dispose();
    expect(local.loaded()).toEqual([]);
  });

  it("the builder shorthands create the provider from this package's descriptor", async () => {
    const gateway = await Ratatoskr.builder()
      .localEmbeddings({ name: "mini-bert", path: models.encoder })
      .localNli({ name: "tiny-nli", path: models.nli })
      .localGeneration({ name: "tiny-gpt", path: models.decoder })
      .device("auto")
      .cacheDir(models.root)
      .build();
    expect((await gateway.embed("hello", "mini-bert")).dimensions).toBe(8);
    expect(await gateway.inferNli("the cat", "a dog", "tiny-nli")).toEqual(
      await inferOne(create(), "the cat", "a dog", "tiny-nli"),
    );
    expect((await gateway.generate(">", { model: "tiny-gpt", maxTokens: 5 })).text).toBe("Hello");
    await gateway.dispose();
    if (!probeCuda().providerLibrary) {
      // Explicit CUDA on a CPU-only install fails at build() with a configuration error.
      await expect(
        Ratatoskr.builder().localEmbeddings("all-MiniLM-L6-v2").device("cuda:0").build(),
      ).rejects.toMatchObject({
        code: "configuration",
      });
    }
  });

  it("a preset name routes to the local provider by its descriptor's hint, whatever the registration order", async () => {
    const gateway = await Ratatoskr.builder()
      .use({
        specificationVersion: "v1",
        id: "acme",
        embedding: {
          embed: async ({ values }) => ({
            embeddings: values.map(() => ({ values: [1], model: "acme", dimensions: 1 })),
          }),
        },
      })
      .local({ cacheDir: models.root, offline: true })
      .build();
    const decision = gateway.route("embed", "all-MiniLM-L6-v2");
    expect(decision.provider).toBe("local");
    expect(decision.explanation).toContain("only the local provider serves this name");
    // Names with an organisation are Hub repositories others may serve: no hint, first registered.
    expect(gateway.route("embed", "sentence-transformers/all-MiniLM-L6-v2").provider).toBe("acme");
    await gateway.dispose();
  });

  it("the caller's options keyed for another provider never reach it; its own entry does, as warnings and options", async () => {
    const warnings: unknown[] = [];
    const gateway = await Ratatoskr.builder()
      .use(create())
      .hooks({ onWarning: (event) => warnings.push(event.warning) })
      .build();
    const generated = await gateway.generate(">", {
      model: "tiny-gpt",
      maxTokens: 5,
      providerOptions: {
        openrouter: { transforms: ["middle-out"] },
        anthropic: { repetitionPenalty: 0 },
        local: { repetitionPenalty: 1, beamWidth: 4 },
      },
    });
    expect(generated.text).toBe("Hello");
    expect(generated.warnings).toEqual([
      { type: "unknown_provider_option", option: "beamWidth", provider: "local" },
    ]);
    await expect(
      gateway.generate(">", {
        model: "tiny-gpt",
        maxTokens: 5,
        providerOptions: { onnx: { repetitionPenalty: 0 } },
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      gateway.generate(">", {
        model: "tiny-gpt",
        maxTokens: 5,
        strict: true,
        providerOptions: { local: { beamWidth: 4 } },
      }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("beamWidth"),
    });
    await gateway.dispose();
  });
});
