import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import {
  extractHuggingFaceMessage,
  huggingFaceHttpError,
  maxBatchSizeFromMessage,
} from "./huggingface-error.ts";
import { l2Normalize, poolTokens, toEmbeddingVectors } from "./map-huggingface-embeddings.ts";
import { nliLabelOf, toNliResults } from "./map-huggingface-nli.ts";
import { toClassifyResult } from "./map-huggingface-zero-shot.ts";

const model = "owner/model";

describe("toEmbeddingVectors", () => {
  const options = { model, count: 2, single: false };
  it("accepts pooled batches, and a one-row pooled answer for a single text as-is", () => {
    expect(
      toEmbeddingVectors(
        [
          [1, 2],
          [3, 4],
        ],
        options,
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(toEmbeddingVectors([[3, 4]], { model, count: 1, single: true })).toEqual([[3, 4]]);
    expect(toEmbeddingVectors([3, 4], { model, count: 1, single: true })).toEqual([[3, 4]]);
  });
  it("pools a single text's [1][tokens][dim] answer", () => {
    const [vector] = toEmbeddingVectors(
      [
        [
          [1, 0],
          [3, 0],
        ],
      ],
      { model, count: 1, single: true, normalize: false },
    );
    expect(vector).toEqual([2, 0]);
  });
  it("pools a one-text batch answered token-level without the outer list", () => {
    const [vector] = toEmbeddingVectors(
      [
        [0, 2],
        [0, 4],
        [0, 6],
      ],
      { model, count: 1, single: false, normalize: false },
    );
    expect(vector).toEqual([0, 4]);
  });
  it("rejects NaN, empty and mixed depths", () => {
    for (const bad of [
      [],
      [[]],
      [
        [1, Number.NaN],
        [1, 2],
      ],
      [[1, 2], [[1, 2]]],
      "x",
      null,
    ]) {
      expect(() => toEmbeddingVectors(bad, options)).toThrowError(RatatoskrError);
    }
  });
});

describe("pooling helpers", () => {
  it("normalises to unit length and leaves a zero vector alone", () => {
    expect(l2Normalize([3, 4])).toEqual([0.6, 0.8]);
    expect(l2Normalize([0, 0])).toEqual([0, 0]);
  });
  it("cls takes the first token; mean rejects ragged tokens", () => {
    expect(
      poolTokens(
        [
          [1, 2],
          [3, 4],
        ],
        { model, pooling: "cls", normalize: false },
      ),
    ).toEqual([1, 2]);
    expect(() => poolTokens([[1, 2], [3]], { model })).toThrowError(/equal length/);
  });
});

describe("NLI labels", () => {
  it("maps label names whatever the casing", () => {
    expect(
      [
        "ENTAILMENT",
        "Entailment",
        "entails",
        "CONTRADICTION",
        "contradiction",
        "Neutral",
        "LABEL_0",
      ].map(nliLabelOf),
    ).toEqual([
      "entailment",
      "entailment",
      "entailment",
      "contradiction",
      "contradiction",
      "neutral",
      undefined,
    ]);
  });
  it("picks the argmax label", () => {
    const [result] = toNliResults(
      [
        [
          { label: "neutral", score: 0.5 },
          { label: "contradiction", score: 0.3 },
          { label: "entailment", score: 0.2 },
        ],
      ],
      1,
      model,
    );
    expect(result!.label).toBe("neutral");
  });
  it("refuses a flat list for several pairs (ambiguous)", () => {
    expect(() =>
      toNliResults(
        [
          { label: "entailment", score: 1 },
          { label: "entailment", score: 1 },
        ],
        2,
        model,
      ),
    ).toThrowError(/one \[\{label, score\}\] list per pair/);
  });
});

describe("zero-shot shapes", () => {
  it("accepts the bare legacy object", () => {
    expect(
      toClassifyResult(
        { sequence: "s", labels: ["b", "a"], scores: [0.7, 0.3] },
        ["a", "b"],
        model,
      ),
    ).toEqual({
      scores: { a: 0.3, b: 0.7 },
      topLabel: "b",
      confidence: 0.7,
    });
  });
  it("rejects mismatched legacy arrays", () => {
    expect(() => toClassifyResult({ labels: ["a"], scores: [] }, ["a"], model)).toThrowError(
      RatatoskrError,
    );
    expect(() => toClassifyResult([1], ["a"], model)).toThrowError(RatatoskrError);
  });
  it("rejects a label that was not a candidate, even one named like an Object property", () => {
    for (const extra of ["c", "constructor", "toString"]) {
      expect(() =>
        toClassifyResult({ labels: ["a", extra], scores: [0.6, 0.4] }, ["a"], model),
      ).toThrowError(/only the candidate labels/);
    }
  });
});

describe("error mapping", () => {
  it("reads the message from HF, OpenAI-style and detail bodies", () => {
    expect(extractHuggingFaceMessage('{"error":"x"}')).toBe("x");
    expect(extractHuggingFaceMessage('{"error":{"message":"y"}}')).toBe("y");
    expect(extractHuggingFaceMessage('{"detail":"z"}')).toBe("z");
    expect(extractHuggingFaceMessage("plain text")).toBe("plain text");
    expect(extractHuggingFaceMessage("<html></html>")).toBeUndefined();
  });
  it("503 loading without estimated_time falls back to retry-after", () => {
    const error = huggingFaceHttpError({
      status: 503,
      body: '{"error":"Model x is currently loading"}',
      headers: { "retry-after": "5" },
      model,
    });
    expect([error.code, error.isRetryable, error.retryAfterMs]).toEqual(["provider", true, 5000]);
  });
  it("a plain 503 stays a retryable provider error", () => {
    const error = huggingFaceHttpError({ status: 503, body: "Service Unavailable", model });
    expect([error.code, error.isRetryable, error.details]).toEqual(["provider", true, undefined]);
  });
  it("keeps a server's batch limit", () => {
    expect(maxBatchSizeFromMessage("batch size 50 > maximum allowed batch size 32")).toBe(32);
    expect(maxBatchSizeFromMessage("something else")).toBeUndefined();
    const error = huggingFaceHttpError({
      status: 413,
      body: '{"error":"batch size 9 > maximum allowed batch size 4"}',
      model,
    });
    expect(error.details).toEqual({ maxBatchSize: 4 });
  });
});
