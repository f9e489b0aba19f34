import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NLI, NLI_LABELS, nliReference } from "@ratatoskr/onnx-test-models";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { selectDevice } from "./device.ts";
import { HubDownloader } from "./hub-download.ts";
import {
  hypothesisOf,
  nliLabelIndices,
  pairLogits,
  softmax,
  zeroShotScores,
} from "./local-onnx-nli.ts";
import { createLocalOnnx, type LocalOnnxProvider } from "./local-onnx-provider.ts";
import { loadOnnxModel } from "./onnx-model-loader.ts";
import { temporaryTestModels } from "./test-fixtures.ts";
import { classify, inferMany, inferOne } from "./test-requests.ts";

const vocabulary = NLI.vocabulary as Record<string, number>;
const tokens = (text: string) => text.split(" ").map((word) => vocabulary[word]!);
const CLS = vocabulary["[CLS]"]!;
const SEP = vocabulary["[SEP]"]!;
const pairIds = (premise: string, hypothesis: string) => [
  CLS,
  ...tokens(premise),
  SEP,
  ...tokens(hypothesis),
  SEP,
];

/** Softmaxed scores by label name, computed independently from the model's weights. */
function expectedScores(premise: string, hypothesis: string): Record<string, number> {
  const scores = softmax(nliReference(pairIds(premise, hypothesis)));
  return Object.fromEntries(NLI_LABELS.map((label, index) => [label, scores[index]!]));
}

describe("NLI and zero-shot on the tiny-nli cross-encoder", () => {
  let models: Awaited<ReturnType<typeof temporaryTestModels>>;
  let provider: LocalOnnxProvider;

  beforeAll(async () => {
    models = await temporaryTestModels();
    // Variants: labels in another order, and configs without the needed labels.
    const variant = async (name: string, edit: (config: Record<string, unknown>) => void) => {
      const directory = join(models.root, name);
      await cp(models.nli, directory, { recursive: true });
      const config = JSON.parse(await readFile(join(directory, "config.json"), "utf8"));
      edit(config);
      await writeFile(join(directory, "config.json"), JSON.stringify(config));
      return directory;
    };
    const reordered = await variant("nli-reordered", (config) => {
      config.id2label = { "0": "ENTAILMENT", "1": "NEUTRAL", "2": "CONTRADICTION" };
    });
    const noLabels = await variant("nli-no-labels", (config) => {
      delete config.id2label;
    });
    const noContradiction = await variant("nli-no-contradiction", (config) => {
      config.id2label = { "0": "LABEL_0", "1": "entailment", "2": "neutral" };
    });
    provider = createLocalOnnx({
      nliModels: [
        { name: "tiny-nli", path: models.nli },
        { name: "tiny-nli-reordered", path: reordered },
        { name: "tiny-nli-no-labels", path: noLabels },
        { name: "tiny-nli-no-contradiction", path: noContradiction },
        { name: "tiny-nli-short", path: models.nli, maxLength: 10 },
      ],
      offline: true,
      cacheDir: models.root,
    });
  });
  afterAll(async () => {
    await provider.dispose?.();
    await models.cleanup();
  });

  it("softmax scores for all three labels, mapped by config.json id2label", async () => {
    const result = await inferOne(
      provider,
      "the cat sat on the mat",
      "the cat is sleeping",
      "tiny-nli",
    );
    const expected = expectedScores("the cat sat on the mat", "the cat is sleeping");
    expect(result.entailment).toBeCloseTo(expected.entailment!, 5);
    expect(result.contradiction).toBeCloseTo(expected.contradiction!, 5);
    expect(result.neutral).toBeCloseTo(expected.neutral!, 5);
    expect(result.entailment + result.contradiction + result.neutral).toBeCloseTo(1, 6);
    const best = Object.entries(expected).sort((a, b) => b[1] - a[1])[0]![0];
    expect(result.label).toBe(best);
  });

  it("reads the label order from the config, never a fixed order", async () => {
    const normal = await inferOne(provider, "the dog won", "it is happy", "tiny-nli");
    const reordered = await inferOne(provider, "the dog won", "it is happy", "tiny-nli-reordered");
    // Same logits; the reordered config names index 0 entailment and index 2 contradiction.
    expect(reordered.entailment).toBeCloseTo(normal.contradiction, 6);
    expect(reordered.contradiction).toBeCloseTo(normal.neutral, 6);
    expect(reordered.neutral).toBeCloseTo(normal.entailment, 6);
  });

  it("a config without id2label, or without a contradiction label, is a configuration error", async () => {
    await expect(inferOne(provider, "a", "b", "tiny-nli-no-labels")).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("id2label"),
    });
    await expect(
      classify(provider, "the game", ["sports"], "tiny-nli-no-contradiction", {
        multiLabel: true,
      }),
    ).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("contradiction"),
    });
  });

  it("inferNliBatch of 50 pairs: one result per pair, each equal to the pair run alone", async () => {
    const premises = [
      "the cat sat on the mat",
      "i love the sun",
      "the team won the game today",
      "rain",
    ];
    const hypotheses = [
      "it is sleeping",
      "the weather is good",
      "the team is sad",
      "it is outside",
    ];
    const pairs = Array.from({ length: 50 }, (_, index) => ({
      premise: premises[index % premises.length]!,
      hypothesis: hypotheses[(index * 3) % hypotheses.length]!,
    }));
    const results = await inferMany(provider, pairs, "tiny-nli");
    expect(results).toHaveLength(50);
    for (const [index, pair] of pairs.entries()) {
      const expected = expectedScores(pair.premise, pair.hypothesis);
      expect(results[index]!.entailment).toBeCloseTo(expected.entailment!, 5);
      expect(results[index]!.neutral).toBeCloseTo(expected.neutral!, 5);
    }
  });

  it("runs a batch of pairs as one forward pass, and zero-shot labels as one batched tensor", async () => {
    const hub = new HubDownloader({
      cacheDir: models.root,
      hubUrl: "http://127.0.0.1:9",
      offline: true,
      fetch,
    });
    const loaded = await loadOnnxModel(
      {
        name: "n",
        kind: "nli",
        source: { type: "directory", path: models.nli },
        files: ["onnx/model.onnx"],
        pooling: "cls",
        normalize: true,
        maxLength: 512,
        aliases: [],
      },
      { hub, device: selectDevice("cpu") },
    );
    const run = vi.spyOn(loaded.session, "run");
    const pairs = Array.from({ length: 50 }, () => ({ premise: "the cat", hypothesis: "the dog" }));
    await pairLogits(loaded, pairs, 64);
    expect(run).toHaveBeenCalledTimes(1);
    expect(
      (run.mock.calls[0]![0] as unknown as Record<string, { dims: readonly number[] }>).input_ids!
        .dims[0],
    ).toBe(50);
    await loaded.dispose();
  });

  it("zero-shot single-label: softmax of the entailment logits across labels (HF pipeline)", async () => {
    const labels = ["sports", "politics", "weather"];
    const result = await classify(provider, "the team won the game", labels, "tiny-nli");
    const entailment = NLI_LABELS.indexOf("entailment");
    const logits = labels.map(
      (label) =>
        nliReference(pairIds("the team won the game", `this example is ${label} .`))[entailment]!,
    );
    const expected = softmax(logits);
    labels.forEach((label, index) => {
      expect(result.scores[label]).toBeCloseTo(expected[index]!, 5);
    });
    const sum = Object.values(result.scores).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 6);
    expect(result.confidence).toBe(result.scores[result.topLabel]);
  });

  it("zero-shot multi-label: softmax over [contradiction, entailment] per label, with a custom template", async () => {
    const labels = ["happy", "sad"];
    const result = await classify(provider, "i love it", labels, "tiny-nli", {
      multiLabel: true,
      hypothesisTemplate: "it is {}",
    });
    const contradiction = NLI_LABELS.indexOf("contradiction");
    const entailment = NLI_LABELS.indexOf("entailment");
    for (const label of labels) {
      const logits = nliReference(pairIds("i love it", `it is ${label}`));
      const expected = softmax([logits[contradiction]!, logits[entailment]!])[1]!;
      expect(result.scores[label]).toBeCloseTo(expected, 5);
    }
  });

  it("zero-shot with one label scores entailment against contradiction, as the HF pipeline does (never 1.0)", async () => {
    // transformers' ZeroShotClassificationPipeline.postprocess: `if multi_label or
    // len(candidate_labels) == 1`, softmax over [contradiction_id, entailment_id] with
    // contradiction_id = -1 if entailment_id == 0 else 0. Written here on the raw logits.
    const entailmentId = NLI_LABELS.indexOf("entailment");
    const contradictionId = entailmentId === 0 ? NLI_LABELS.length - 1 : 0;
    const pipelineScore = (text: string, hypothesis: string) => {
      const logits = nliReference(pairIds(text, hypothesis));
      const entailment = Math.exp(logits[entailmentId]!);
      return entailment / (entailment + Math.exp(logits[contradictionId]!));
    };
    const single = await classify(provider, "the team won the game", ["sports"], "tiny-nli");
    const expected = pipelineScore("the team won the game", "this example is sports .");
    expect(expected).toBeLessThan(0.99);
    expect(single.scores.sports).toBeCloseTo(expected, 6);
    expect(single).toMatchObject({ topLabel: "sports", confidence: single.scores.sports });
    // multiLabel gives the same for one label, and the same per label for several.
    const multi = await classify(
      provider,
      "the team won the game",
      ["sports", "weather"],
      "tiny-nli",
      { multiLabel: true },
    );
    expect(multi.scores.sports).toBeCloseTo(expected, 6);
    expect(multi.scores.weather).toBeCloseTo(
      pipelineScore("the team won the game", "this example is weather ."),
      6,
    );
  });

  it("NLI pairs truncate only the premise (the pipeline's only_first), never the hypothesis", async () => {
    const premise = "the cat sat on the mat today the dog won the game";
    const hypothesis = "the team is happy";
    const result = await inferOne(provider, premise, hypothesis, "tiny-nli-short");
    // 10 tokens: [CLS] + 3 premise tokens + [SEP] + the 4 hypothesis tokens + [SEP].
    const kept = [CLS, ...tokens("the cat sat"), SEP, ...tokens(hypothesis), SEP];
    const expected = softmax(nliReference(kept));
    expect(result.entailment).toBeCloseTo(expected[NLI_LABELS.indexOf("entailment")]!, 6);
    expect(result.contradiction).toBeCloseTo(expected[NLI_LABELS.indexOf("contradiction")]!, 6);
  });

  it("zero-shot truncates only the text, never the label's hypothesis", async () => {
    const text = "the cat sat on the mat today the dog won the game";
    const result = await classify(provider, text, ["sports", "weather"], "tiny-nli-short");
    const entailmentId = NLI_LABELS.indexOf("entailment");
    // "this example is {} ." is 5 tokens: the text keeps 10 - 3 - 5 = 2.
    const logits = ["sports", "weather"].map(
      (label) =>
        nliReference([
          CLS,
          ...tokens("the cat"),
          SEP,
          ...tokens(`this example is ${label} .`),
          SEP,
        ])[entailmentId]!,
    );
    const expected = softmax(logits);
    expect(result.scores.sports).toBeCloseTo(expected[0]!, 6);
    expect(result.scores.weather).toBeCloseTo(expected[1]!, 6);
  });

  it("a hypothesis that leaves no room for the premise is invalid_input naming it", async () => {
    await expect(
      inferMany(
        provider,
        [
          { premise: "the cat", hypothesis: "rain" },
          { premise: "the cat", hypothesis: "the team is happy today the dog won" },
        ],
        "tiny-nli-short",
      ),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("pairs[1].hypothesis"),
      details: expect.objectContaining({ field: "pairs[1].hypothesis" }),
    });
    await expect(
      classify(provider, "the cat", ["the team is happy today"], "tiny-nli-short"),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("labels[0]"),
    });
  });

  it("zeroShotScores uses the indices it is given", () => {
    const indices = nliLabelIndices(
      { id2label: { 0: "entailment", 1: "neutral", 2: "contradiction" } },
      "m",
    );
    expect(indices).toEqual({ entailment: 0, neutral: 1, contradiction: 2, count: 3 });
    const scores = zeroShotScores(
      [
        [2, 0, 0],
        [0, 0, 2],
      ],
      indices,
      true,
    );
    expect(scores[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 9);
    expect(scores[1]).toBeCloseTo(1 / (1 + Math.exp(2)), 9);
  });

  it("rejects bad input before running anything", async () => {
    await expect(classify(provider, "text", [], "tiny-nli")).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(classify(provider, "text", ["a", "a"], "tiny-nli")).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(
      classify(provider, "text", ["a"], "tiny-nli", {
        hypothesisTemplate: "no placeholder",
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(inferMany(provider, [], "tiny-nli")).rejects.toMatchObject({
      code: "invalid_input",
    });
  });
});

describe("hypothesisOf", () => {
  it("puts the label in every {} of the template, literally", () => {
    expect(hypothesisOf("This example is {}.", "sports")).toBe("This example is sports.");
    expect(hypothesisOf("{} or {}?", "tea")).toBe("tea or tea?");
    // String.replaceAll would expand `$&` to the match and `$$` to `$`.
    expect(hypothesisOf("This text {}.", "supports $& and $$ and {}")).toBe(
      "This text supports $& and $$ and {}.",
    );
  });
});
