import { cp, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ENCODER, encoderReference, testModelFiles } from "@ratatoskr/onnx-test-models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalOnnx, type LocalOnnxProvider } from "./local-onnx-provider.ts";
import { startFakeHub, temporaryDirectory, temporaryTestModels } from "./test-fixtures.ts";
import { embedMany, embedOne } from "./test-requests.ts";

const vocabulary = ENCODER.vocabulary as Record<string, number>;
const ids = (text: string) => [
  vocabulary["[CLS]"]!,
  ...text.split(" ").map((word) => vocabulary[word]!),
  vocabulary["[SEP]"]!,
];

/**
 * sentence-transformers' Pooling.forward written out on the token vectors of
 * one unpadded sequence (so every position is real), then Normalize.
 */
function reference(text: string, modes: string[], normalize: boolean): number[] {
  const rows = encoderReference(ids(text));
  const size = rows[0]!.length;
  const column = (d: number) => rows.map((row) => row[d]!);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const pooled = modes.flatMap((mode) =>
    Array.from({ length: size }, (_, d) => {
      const values = column(d);
      if (mode === "cls") return values[0]!;
      if (mode === "lasttoken") return values.at(-1)!;
      if (mode === "max") return Math.max(...values);
      if (mode === "mean") return sum(values) / values.length;
      if (mode === "mean_sqrt_len_tokens") return sum(values) / Math.sqrt(values.length);
      if (mode === "weightedmean")
        return sum(values.map((value, t) => (t + 1) * value)) / sum(values.map((_, t) => t + 1));
      throw new Error(mode);
    }),
  );
  if (!normalize) return pooled;
  const norm = Math.sqrt(sum(pooled.map((value) => value * value)));
  return pooled.map((value) => value / norm);
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const transformer = {
  idx: 0,
  name: "0",
  path: "",
  type: "sentence_transformers.models.Transformer",
};
const pooling = {
  idx: 1,
  name: "1",
  path: "1_Pooling",
  type: "sentence_transformers.models.Pooling",
};
const normalizer = {
  idx: 2,
  name: "2",
  path: "2_Normalize",
  type: "sentence_transformers.models.Normalize",
};
/** A Pooling module config with the given modes on, as sentence-transformers saves it. */
const poolingConfig = (...modes: string[]) =>
  json({
    word_embedding_dimension: ENCODER.hiddenSize,
    pooling_mode_cls_token: modes.includes("cls"),
    pooling_mode_mean_tokens: modes.includes("mean"),
    pooling_mode_max_tokens: modes.includes("max"),
    pooling_mode_mean_sqrt_len_tokens: modes.includes("mean_sqrt_len_tokens"),
    pooling_mode_weightedmean_tokens: modes.includes("weightedmean"),
    pooling_mode_lasttoken: modes.includes("lasttoken"),
    include_prompt: true,
  });

/** The test encoder (in onnx/, as Xenova's repos have it) plus sentence-transformers files. */
const repository = (extra: Record<string, Uint8Array>) => {
  const { "model.onnx": model, ...rest } = testModelFiles().encoder;
  return { ...rest, "onnx/model.onnx": model!, ...extra };
};

const TEXTS = ["hello world", "the cat sat on the mat today", "rain"];

describe("pooling and normalisation come from modules.json and the Pooling config", () => {
  let models: Awaited<ReturnType<typeof temporaryTestModels>>;
  let cache: Awaited<ReturnType<typeof temporaryDirectory>>;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let provider: LocalOnnxProvider;

  const directory = async (name: string, files: Record<string, Uint8Array>) => {
    const path = join(models.root, name);
    await cp(models.encoder, path, { recursive: true });
    for (const [file, bytes] of Object.entries(files)) {
      await mkdir(dirname(join(path, file)), { recursive: true });
      await writeFile(join(path, file), bytes);
    }
    return { name, path };
  };

  beforeAll(async () => {
    models = await temporaryTestModels();
    cache = await temporaryDirectory("ratatoskr-pooling-");
    hub = await startFakeHub({
      // A custom repository: CLS pooling and Normalize, as BAAI's bge models declare.
      "BAAI/bge-large-en-v1.5": repository({
        "modules.json": json([transformer, pooling, normalizer]),
        "1_Pooling/config.json": poolingConfig("cls"),
      }),
      // A preset's repository that declares mean pooling: the files win over the table's CLS.
      "Xenova/bge-small-en-v1.5": repository({
        "modules.json": json([transformer, pooling, normalizer]),
        "1_Pooling/config.json": poolingConfig("mean"),
      }),
      // A preset's repository without sentence-transformers files: the table's CLS fills in.
      "Xenova/bge-base-en-v1.5": repository({}),
    });
    provider = createLocalOnnx({
      embeddingModels: [
        "BAAI/bge-large-en-v1.5",
        // Named like the presets (their table says CLS); 8 dimensions, as the test encoder has.
        { name: "BgeSmallEn", repo: "Xenova/bge-small-en-v1.5", dimensions: 8 },
        { name: "BgeBaseEn", repo: "Xenova/bge-base-en-v1.5", dimensions: 8 },
        await directory("raw-mean", {
          "modules.json": json([transformer, pooling]),
          "1_Pooling/config.json": poolingConfig("mean"),
        }),
        await directory("max", {
          "modules.json": json([transformer, pooling, normalizer]),
          "1_Pooling/config.json": poolingConfig("max"),
        }),
        await directory("last-token", {
          "modules.json": json([transformer, pooling, normalizer]),
          "1_Pooling/config.json": poolingConfig("lasttoken"),
        }),
        await directory("sqrt-length", {
          "modules.json": json([transformer, pooling]),
          "1_Pooling/config.json": poolingConfig("mean_sqrt_len_tokens"),
        }),
        await directory("weighted", {
          "modules.json": json([transformer, pooling]),
          "1_Pooling/config.json": poolingConfig("weightedmean"),
        }),
        await directory("cls-and-mean", {
          "modules.json": json([transformer, pooling, normalizer]),
          "1_Pooling/config.json": poolingConfig("mean", "cls"),
        }),
        await directory("mode-string", {
          "modules.json": json([transformer, pooling]),
          "1_Pooling/config.json": json({ pooling_mode: "max" }),
        }),
        {
          ...(await directory("overridden", {
            "modules.json": json([transformer, pooling, normalizer]),
            "1_Pooling/config.json": poolingConfig("max"),
          })),
          pooling: "mean",
          normalize: false,
        },
        await directory("dense", {
          "modules.json": json([
            transformer,
            pooling,
            { idx: 2, name: "2", path: "2_Dense", type: "sentence_transformers.models.Dense" },
          ]),
          "1_Pooling/config.json": poolingConfig("mean"),
        }),
        await directory("escaping", {
          "modules.json": json([transformer, { ...pooling, path: "../outside" }]),
        }),
        await directory("no-pooling-config", {
          "modules.json": json([transformer, pooling]),
        }),
      ],
      hubUrl: hub.url,
      cacheDir: cache.path,
      offline: false,
    });
  });
  afterAll(async () => {
    await provider.dispose?.();
    await hub.close();
    await cache.cleanup();
    await models.cleanup();
  });

  const expectEmbeddings = async (model: string, modes: string[], normalize: boolean) => {
    // A padded batch: every row must equal its own unpadded reference.
    const embeddings = await embedMany(provider, TEXTS, model);
    embeddings.forEach((embedding, row) => {
      const expected = reference(TEXTS[row]!, modes, normalize);
      expect(embedding.values, `${model} row ${row}`).toHaveLength(expected.length);
      embedding.values.forEach((value, index) => {
        expect(value, `${model} row ${row}[${index}]`).toBeCloseTo(expected[index]!, 5);
      });
    });
  };

  it("a custom Hub repository (BAAI/bge-large-en-v1.5) gets the CLS pooling its files declare", async () => {
    await expectEmbeddings("BAAI/bge-large-en-v1.5", ["cls"], true);
    const requested = hub.requests.map((request) => request.url);
    expect(requested).toContain("/BAAI/bge-large-en-v1.5/resolve/main/modules.json");
    expect(requested).toContain("/BAAI/bge-large-en-v1.5/resolve/main/1_Pooling/config.json");
  });

  it("a preset's repository files win over the built-in table; the table fills in without them", async () => {
    await expectEmbeddings("BgeSmallEn", ["mean"], true);
    await expectEmbeddings("BgeBaseEn", ["cls"], true);
  });

  it("no Normalize module: the pooled vector as it is", async () => {
    await expectEmbeddings("raw-mean", ["mean"], false);
  });

  it("max, last-token, mean_sqrt_len_tokens and weightedmean pooling over the real tokens only", async () => {
    await expectEmbeddings("max", ["max"], true);
    await expectEmbeddings("last-token", ["lasttoken"], true);
    await expectEmbeddings("sqrt-length", ["mean_sqrt_len_tokens"], false);
    await expectEmbeddings("weighted", ["weightedmean"], false);
    await expectEmbeddings("mode-string", ["max"], false);
  });

  it("several modes are concatenated in sentence-transformers' order (cls before mean)", async () => {
    await expectEmbeddings("cls-and-mean", ["cls", "mean"], true);
  });

  it("settings win over the files", async () => {
    await expectEmbeddings("overridden", ["mean"], false);
  });

  it("files the provider cannot follow are configuration errors that say why", async () => {
    await expect(embedOne(provider, "hello", "dense")).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("sentence_transformers.models.Dense"),
    });
    await expect(embedOne(provider, "hello", "escaping")).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("modules.json"),
    });
    await expect(embedOne(provider, "hello", "no-pooling-config")).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("1_Pooling/config.json is missing"),
    });
  });
});
