/**
 * Test helpers: the fixtures under `src/__fixtures__/` and the fake API key.
 * Not part of the published package (tests only).
 */
import { readFileSync } from "node:fs";

/** The raw text of a fixture under `src/__fixtures__/`. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
}

/** The fake API key of these tests: it must never appear in an error. */
export const TEST_API_KEY = "test-key-canary-123456";
