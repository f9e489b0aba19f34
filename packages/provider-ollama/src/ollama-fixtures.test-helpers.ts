/**
 * Test helpers: the fixtures under `src/__fixtures__/`.
 * Not part of the published package (tests only).
 */
import { readFileSync } from "node:fs";

/** The raw text of a fixture under `src/__fixtures__/`. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
}
