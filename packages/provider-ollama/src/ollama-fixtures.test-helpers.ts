/**
 * Test helpers: the fixtures under `src/__fixtures__/`, NDJSON replies for
 * the loopback mock, and a `fetch` that answers with chosen byte pieces.
 * Not part of the published package (tests only).
 */
import { readFileSync } from "node:fs";
import type { EmbeddingRequestV1 } from "@ratatoskr/core";
import type { OpenAIWireMockReply } from "@ratatoskr/testing";

/** The raw text of a fixture under `src/__fixtures__/`. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
}

/** An NDJSON reply (`application/x-ndjson`, status 200), as Ollama streams `/api/chat`. */
export function ndjsonReply(
  body: string,
  extra: Omit<OpenAIWireMockReply, "body"> = {},
): OpenAIWireMockReply {
  return { status: 200, headers: { "content-type": "application/x-ndjson" }, body, ...extra };
}

/**
 * A `fetch` that answers every request with status 200 and `body` cut into
 * exactly `pieces` (byte arrays, in order): a transport that splits the
 * stream wherever the test says. `requests` records each request body.
 */
export function piecesFetch(pieces: readonly Uint8Array[]): typeof globalThis.fetch & {
  requests: unknown[];
} {
  const requests: unknown[] = [];
  const fake = async (_input: string | URL | Request, init?: RequestInit) => {
    requests.push(typeof init?.body === "string" ? JSON.parse(init.body) : init?.body);
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next < pieces.length) controller.enqueue(pieces[next++]!);
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/x-ndjson" } });
  };
  return Object.assign(fake, { requests });
}

/** `text` as UTF-8 bytes split at byte `position` (a multi-byte character may be cut). */
export function splitAt(text: string, position: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  return [bytes.subarray(0, position), bytes.subarray(position)];
}

/** A v1 embedding request as the gateway would hand it over (a fresh signal unless given). */
export function embedRequest(
  values: readonly string[],
  model: string,
  extra: { signal?: AbortSignal; providerOptions?: Readonly<Record<string, unknown>> } = {},
): EmbeddingRequestV1 {
  return {
    model,
    values,
    providerOptions: extra.providerOptions ?? {},
    signal: extra.signal ?? new AbortController().signal,
  };
}
