/**
 * Test helpers: the fixtures under `src/__fixtures__/` and the fake API key.
 * Not part of the published package (tests only).
 */
import { readFileSync } from "node:fs";
import type { ChatRequestV1, ChatSettingsV1, Message } from "@ratatoskr/core";

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

/** What a test passes to {@link chatRequest}: the model, standard settings, and the request's own fields. */
export type TestChatOptions = ChatSettingsV1 & {
  model: string;
  signal?: AbortSignal;
  providerOptions?: Readonly<Record<string, unknown>>;
  headers?: Readonly<Record<string, string>>;
};

/** A v1 chat request as the gateway would hand it over: the settings apart, a fresh signal unless given. */
export function chatRequest(messages: readonly Message[], options: TestChatOptions): ChatRequestV1 {
  const { model, signal, providerOptions, headers, ...settings } = options;
  return {
    model,
    messages,
    settings,
    providerOptions: providerOptions ?? {},
    signal: signal ?? new AbortController().signal,
    ...(headers === undefined ? {} : { headers }),
  };
}
