/**
 * Test helpers: fixture loading and nock interceptors for the HF router.
 * Not part of the published package (tests only).
 */
import { readFileSync } from "node:fs";
import nock from "nock";

/** The raw text of a fixture under `src/__fixtures__/`. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
}

/** A fake key in tests; it must never appear in an error. */
export const TEST_KEY = "test-key-canary-123456";

export const ROUTER = "https://router.huggingface.co";
export const EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2";
export const NLI_MODEL = "cross-encoder/nli-deberta-v3-base";
export const ZERO_SHOT_MODEL = "facebook/bart-large-mnli";

/** The hf-inference path of a model (feature extraction uses the pipeline route). */
export function modelPath(model: string, task?: "feature-extraction"): string {
  return `/hf-inference/models/${model}${task ? `/pipeline/${task}` : ""}`;
}

/** Intercept one POST; request bodies are pushed to `bodies`. */
export function interceptPost(
  path: string,
  status: number,
  body: string,
  bodies: unknown[] = [],
  headers: Record<string, string> = {},
): nock.Scope {
  return nock(ROUTER)
    .post(path, (requestBody: unknown) => {
      bodies.push(requestBody);
      return true;
    })
    .reply(status, body, { "content-type": "application/json", ...headers });
}
