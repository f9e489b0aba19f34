/**
 * The demo provider's NLI and zero-shot scores come from lexical overlap:
 * related labels win, unrelated ones do not tie at 1/n, negation turns
 * overlap into contradiction. And the terminal's download line.
 */
import { describe, expect, it } from "vitest";
import { buildPlaygroundGateway } from "../src/build-playground-gateway.ts";
import { formatProgress } from "../src/download-progress.ts";
import { loadPlaygroundConfig } from "../src/playground-config.ts";

async function demoGateway() {
  const config = loadPlaygroundConfig({
    env: { RATATOSKR_PLAYGROUND_DEMO: "1" },
    cwd: "/nonexistent",
  });
  config.providers = {
    ...config.providers,
    ollama: { probe: false },
    local: { detectCached: false, defaultModels: false },
  };
  return buildPlaygroundGateway(config);
}

describe("demo provider scores", () => {
  it("zero-shot ranks the label the text talks about first, with no 0.25 tie", async () => {
    const { gateway } = await demoGateway();
    const labels = ["sports", "cooking", "politics", "technology"];
    const result = await gateway.classifyZeroShot(
      "The new laptop's technology makes compiling code fast",
      labels,
      "demo:keyword-classifier",
    );
    expect(result.topLabel).toBe("technology");
    const scores = labels.map((label) => result.scores[label]!);
    expect(scores.reduce((sum, score) => sum + score, 0)).toBeCloseTo(1, 6);
    expect(new Set(scores.map((score) => score.toFixed(3))).size).toBeGreaterThan(1);
    expect(result.scores.technology!).toBeGreaterThan(0.5);
    // A label sharing letters with the text ("cooking" ~ "code") beats one sharing none.
    const cooking = await gateway.classifyZeroShot(
      "I was cooking pasta",
      ["cook", "astronomy"],
      "demo:keyword-classifier",
    );
    expect(cooking.scores.cook!).toBeGreaterThan(cooking.scores.astronomy!);
    await gateway.dispose();
  });

  it("NLI: overlap entails, negation contradicts, no overlap is neutral", async () => {
    const { gateway } = await demoGateway();
    const model = "demo:keyword-nli";
    const entailed = await gateway.inferNli("A cat sleeps on the sofa", "A cat sleeps", model);
    expect(entailed.label).toBe("entailment");
    const contradicted = await gateway.inferNli(
      "A cat sleeps on the sofa",
      "A cat never sleeps",
      model,
    );
    expect(contradicted.label).toBe("contradiction");
    const unrelated = await gateway.inferNli(
      "A cat sleeps on the sofa",
      "Stocks fell today",
      model,
    );
    expect(unrelated.label).toBe("neutral");
    for (const result of [entailed, contradicted, unrelated]) {
      expect(result.entailment + result.neutral + result.contradiction).toBeCloseTo(1, 6);
    }
    await gateway.dispose();
  });
});

describe("formatProgress", () => {
  it("shows bytes, share, rate, time left and the files in flight", () => {
    expect(
      formatProgress({
        active: true,
        receivedBytes: 12_300_000,
        totalBytes: 90_400_000,
        bytesPerSecond: 4_100_000,
        etaSeconds: 18.2,
        files: [
          {
            repo: "Qdrant/all-MiniLM-L6-v2-onnx",
            path: "model.onnx",
            receivedBytes: 12_300_000,
            totalBytes: 90_400_000,
            done: false,
            failed: false,
          },
        ],
      }),
    ).toBe(
      "downloading models: 12.3 MB of 90.4 MB (13%), 4.1 MB/s, about 19 s left (Qdrant/all-MiniLM-L6-v2-onnx model.onnx)",
    );
    expect(
      formatProgress({
        active: false,
        receivedBytes: 900,
        totalBytes: 900,
        bytesPerSecond: 0,
        etaSeconds: null,
        files: [],
      }),
    ).toBe("models downloaded: 900 B of 900 B (100%)");
  });
});
