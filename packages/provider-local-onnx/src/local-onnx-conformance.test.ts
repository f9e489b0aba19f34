import { Ratatoskr } from "@ratatoskr/gateway";
import { runProviderConformance } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeCuda } from "./device.ts";
import { createLocalOnnx } from "./local-onnx-provider.ts";
import { temporaryTestModels } from "./test-fixtures.ts";

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

runProviderConformance({
  name: "local-onnx",
  createProvider: create,
  scenarios: {
    embed: { text: "hello world", model: "mini-bert", dimensions: 8 },
    embedBatch: { texts: ["hello", "the cat sat on the mat", "rain"], model: "mini-bert" },
    nli: {
      premise: "the cat sat on the mat",
      hypothesis: "the cat is sleeping",
      model: "tiny-nli",
    },
    nliBatch: {
      pairs: [
        { premise: "i love the sun", hypothesis: "the weather is good" },
        { premise: "the team won", hypothesis: "the team is sad" },
      ],
      model: "tiny-nli",
    },
    classify: {
      text: "the team won the game",
      labels: ["sports", "politics", "weather"],
      model: "tiny-nli",
    },
    errors: {
      "an unknown model (declined for the next provider)": {
        call: (provider, options) => provider.embed!("hello", "no-such-model", options),
        code: "model_not_available",
      },
      "an uncached Hub model in offline mode": {
        call: (provider, options) => provider.embed!("hello", "AllMiniLmL6V2", options),
        code: "configuration",
      },
      "a prompt longer than the context window": {
        call: (provider, options) =>
          provider.generate!("x".repeat(100), { model: "tiny-gpt", ...options }),
        code: "context_length_exceeded",
      },
    },
  },
});

describe("through the gateway", () => {
  it("routes embed, NLI, zero-shot and generate to the local plugin (.use and local: prefix)", async () => {
    const local = create();
    const gateway = await Ratatoskr.builder().use(local).build();
    const direct = await local.embed!("hello world", "mini-bert");
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
    const generated = await gateway.generate(">", { model: "tiny-gpt", maxTokens: 5 });
    expect(generated.text).toBe("Hello");
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

  it("the builder shorthands create the plugin from this package", async () => {
    const gateway = await Ratatoskr.builder()
      .localEmbeddings({ name: "mini-bert", path: models.encoder })
      .localNli({ name: "tiny-nli", path: models.nli })
      .device("auto")
      .cacheDir(models.root)
      .build();
    expect((await gateway.embed("hello", "mini-bert")).dimensions).toBe(8);
    expect(await gateway.inferNli("the cat", "a dog", "tiny-nli")).toEqual(
      await create().inferNli!("the cat", "a dog", "tiny-nli"),
    );
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
});
