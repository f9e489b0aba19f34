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

/**
 * A `fetch` that answers every request with an SSE body made of the byte
 * pieces `pieces()` returns at that moment, so one plugin can be fed the same
 * fixture split in many ways.
 */
export function piecesFetch(pieces: () => readonly Uint8Array[]): typeof fetch {
  return (async () => {
    const parts = pieces();
    let position = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (position < parts.length) controller.enqueue(parts[position++]!);
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
  }) as unknown as typeof fetch;
}
