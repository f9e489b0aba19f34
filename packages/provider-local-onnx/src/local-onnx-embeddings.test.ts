import { ENCODER, encoderReference } from "@ratatoskr/onnx-test-models";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { l2Normalize, poolTokenEmbeddings } from "./local-onnx-embeddings.ts";
import { createLocalOnnx, type LocalOnnxProvider } from "./local-onnx-provider.ts";
import { temporaryTestModels } from "./test-fixtures.ts";
import { embedMany, embedOne } from "./test-requests.ts";

const vocabulary = ENCODER.vocabulary as Record<string, number>;
const id = (token: string) => vocabulary[token]!;
const CLS = id("[CLS]");
const SEP = id("[SEP]");

/** Mean over tokens, then L2 normalisation, computed here independently. */
function expectedMean(ids: number[]): number[] {
  const rows = encoderReference(ids);
  const mean = rows[0]!.map((_, d) => rows.reduce((sum, row) => sum + row[d]!, 0) / rows.length);
  const norm = Math.sqrt(mean.reduce((sum, value) => sum + value * value, 0));
  return mean.map((value) => value / norm);
}

function expectedCls(ids: number[]): number[] {
  const first = encoderReference(ids)[0]!;
  const norm = Math.sqrt(first.reduce((sum, value) => sum + value * value, 0));
  return first.map((value) => value / norm);
}

function expectClose(actual: number[], expected: number[], digits = 5) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => {
    expect(value).toBeCloseTo(expected[index]!, digits);
  });
}

describe("embeddings on the mini-bert test model (tokenizer → tensors → session → pooling)", () => {
  let models: Awaited<ReturnType<typeof temporaryTestModels>>;
  let provider: LocalOnnxProvider;

  beforeAll(async () => {
    models = await temporaryTestModels();
    provider = createLocalOnnx({
      embeddingModels: [
        { name: "mini-mean", path: models.encoder, pooling: "mean", dimensions: 8 },
        { name: "mini-cls", path: models.encoder, pooling: "cls" },
        { name: "mini-raw", path: models.encoder, pooling: "mean", normalize: false },
        { name: "mini-short", path: models.encoder, maxLength: 6 },
        { name: "mini-wrong-dims", path: models.encoder, dimensions: 384 },
      ],
      offline: true,
      cacheDir: models.root,
    });
  });
  afterAll(async () => {
    await provider.dispose?.();
    await models.cleanup();
  });

  it("mean pooling + L2 normalisation matches an independent computation", async () => {
    const embedding = await embedOne(provider, "Hello world", "mini-mean");
    expect(embedding.dimensions).toBe(8);
    expect(embedding.model).toBe("mini-mean");
    expectClose(embedding.values, expectedMean([CLS, id("hello"), id("world"), SEP]));
    const norm = Math.sqrt(embedding.values.reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 6);
  });

  it("CLS pooling takes the first token's vector", async () => {
    const embedding = await embedOne(provider, "the cat sat on the mat", "mini-cls");
    const ids = [CLS, ...["the", "cat", "sat", "on", "the", "mat"].map(id), SEP];
    expectClose(embedding.values, expectedCls(ids));
  });

  it("normalize: false returns the raw pooled vector", async () => {
    const embedding = await embedOne(provider, "hello", "mini-raw");
    const rows = encoderReference([CLS, id("hello"), SEP]);
    const mean = rows[0]!.map((_, d) => rows.reduce((sum, row) => sum + row[d]!, 0) / rows.length);
    expectClose(embedding.values, mean);
  });

  it("a text alone equals the same text inside a padded batch (batch invariance)", async () => {
    const alone = await embedOne(provider, "the cat", "mini-mean");
    const batch = await embedMany(
      provider,
      ["a much longer sentence about the dog running outside in the sun today", "the cat", "hi"],
      "mini-mean",
    );
    expect(batch).toHaveLength(3);
    alone.values.forEach((value, index) => {
      expect(batch[1]!.values[index]).toBeCloseTo(value, 6);
    });
    const shortAlone = await embedOne(provider, "hi", "mini-mean");
    shortAlone.values.forEach((value, index) => {
      expect(batch[2]!.values[index]).toBeCloseTo(value, 6);
    });
  });

  it("truncates to maxLength keeping [CLS] … [SEP]", async () => {
    const embedding = await embedOne(provider, "the cat sat on the mat today", "mini-short");
    // 6 tokens: [CLS] the cat sat on [SEP]
    expectClose(
      embedding.values,
      expectedMean([CLS, id("the"), id("cat"), id("sat"), id("on"), SEP]),
    );
  });

  it("truncates long inputs to 512 tokens instead of failing (the model has 512 positions)", async () => {
    const long = Array.from({ length: 700 }, () => "cat").join(" ");
    const embedding = await embedOne(provider, long, "mini-mean");
    const ids = [CLS, ...Array.from({ length: 510 }, () => id("cat")), SEP];
    expectClose(embedding.values, expectedMean(ids));
  });

  it("embedBatch keeps input order across several forward passes", async () => {
    const chunked = createLocalOnnx({
      embeddingModels: [{ name: "m", path: models.encoder }],
      maxBatchSize: 2,
      offline: true,
      cacheDir: models.root,
    });
    const texts = ["hello", "world", "the cat", "the dog", "rain"];
    const batched = await embedMany(chunked, texts, "m");
    for (const [index, text] of texts.entries()) {
      const single = await embedOne(chunked, text, "m");
      single.values.forEach((value, d) => {
        expect(batched[index]!.values[d]).toBeCloseTo(value, 6);
      });
    }
    await chunked.dispose?.();
  });

  it("unload() or dispose() while the model is loading waits for the load and releases its session", async () => {
    const ort = await import("onnxruntime-node");
    // Sessions are instances of onnxruntime-common's InferenceSession class (typed as a factory).
    const sessionClass = ort.InferenceSession as unknown as {
      prototype: { release(): Promise<void> };
    };
    const release = vi.spyOn(sessionClass.prototype, "release");
    try {
      const local = createLocalOnnx({
        embeddingModels: [{ name: "m", path: models.encoder }],
        offline: true,
        cacheDir: models.root,
      });
      const loading = local.preload("m");
      expect(await local.unload("m")).toBe(true);
      await loading;
      expect(local.loaded()).toEqual([]);
      expect(release).toHaveBeenCalledTimes(1);
      // A call that is embedding when dispose() comes still gets its vector; nothing stays loaded.
      const embedding = embedOne(local, "hello", "m");
      await local.dispose!();
      expect((await embedding).dimensions).toBe(8);
      expect(local.loaded()).toEqual([]);
      expect(release).toHaveBeenCalledTimes(2);
    } finally {
      release.mockRestore();
    }
  });

  it("a dimension mismatch with the configured model is a data error", async () => {
    await expect(embedOne(provider, "hello", "mini-wrong-dims")).rejects.toMatchObject({
      code: "data",
    });
  });

  it("rejects empty input before loading anything", async () => {
    await expect(embedMany(provider, [], "mini-mean")).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(embedOne(provider, "", "mini-mean")).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("an unknown model declines with model_not_available so the gateway can try another provider", async () => {
    await expect(embedOne(provider, "hello", "not-a-model")).rejects.toMatchObject({
      code: "model_not_available",
    });
  });
});

describe("poolTokenEmbeddings / l2Normalize", () => {
  const data = new Float32Array([1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10]); // [2, 3, 2]
  const mask = new BigInt64Array([1n, 1n, 0n, 1n, 1n, 1n]);

  it("mean ignores masked positions", () => {
    expect(poolTokenEmbeddings(data, [2, 3, 2], mask, "mean")).toEqual([
      [2, 3],
      [7, 8],
    ]);
  });

  it("cls takes position 0 of each row", () => {
    expect(poolTokenEmbeddings(data, [2, 3, 2], mask, "cls")).toEqual([
      [1, 2],
      [5, 6],
    ]);
  });

  it("normalises to unit length and leaves a zero vector at zero", () => {
    expect(l2Normalize([3, 4])).toEqual([0.6, 0.8]);
    expect(l2Normalize([0, 0])).toEqual([0, 0]);
  });
});
