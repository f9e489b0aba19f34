/**
 * Live tests against the real Hugging Face router; skipped unless HF_TOKEN
 * is set. They cost a few requests of the token's quota.
 */
import { describe, expect, it } from "vitest";
import { hf } from "./huggingface-calls.test-helpers.ts";

describe.skipIf(!process.env.HF_TOKEN)("huggingface live (HF_TOKEN)", () => {
  const plugin = hf();

  it("embeds with sentence-transformers/all-MiniLM-L6-v2 (384 dimensions)", async () => {
    const [first, second] = await plugin.embedBatch(
      ["A cat", "A dog"],
      "sentence-transformers/all-MiniLM-L6-v2",
    );
    expect(first!.dimensions).toBe(384);
    expect(second!.dimensions).toBe(384);
  }, 60_000);

  it("classifies zero-shot with facebook/bart-large-mnli", async () => {
    const result = await plugin.classifyZeroShot(
      "I would like a refund for this broken device",
      ["refund", "praise"],
      "facebook/bart-large-mnli",
    );
    expect(result.topLabel).toBe("refund");
  }, 60_000);
});
