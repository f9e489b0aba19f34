/**
 * Property: the events a provider yields do not depend on how the SSE byte
 * stream is split into chunks (an event split at any byte, a multi-byte
 * character split between chunks), nor on the line endings (LF, CRLF, CR),
 * keep-alive comments or a last event without its blank line. The body is
 * fed through an injected `fetch`, so the SDK's own SSE parsing
 * (openai) and the Anthropic provider's decoder run for real.
 */
import { type ChatEvent, Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createAnthropic } from "@ratatoskr/provider-anthropic";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANARY_KEY, consume } from "./suite-helpers.ts";
import { anthropicStream, openaiStream, openaiToolStream } from "./wire-formats.ts";

const hello = [Message.user("hello")];
/** Multi-byte text: 2-, 3- and 4-byte UTF-8 sequences (and a ZWJ-free emoji with a variation selector). */
const PIECES = ["Grüß", " dich", ", 日本", "語 ", "🐿️", " Ratatoskr", "!"];

/** A fetch answering every request with `chunks` as an SSE body. */
function chunkedFetch(chunks: () => Uint8Array[]): typeof fetch {
  return (async () => {
    const parts = chunks();
    let position = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (position < parts.length) controller.enqueue(parts[position++]!);
        else controller.close();
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "text/event-stream" },
    });
  }) as unknown as typeof fetch;
}

/** Split `bytes` at the given (sorted, deduplicated) positions. */
function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const positions = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const position of [...positions, bytes.length]) {
    parts.push(bytes.subarray(start, position));
    start = position;
  }
  return parts;
}

/** Re-encode SSE text with `eol` as line ending, optional comments, and the last blank line dropped. */
function variant(
  events: readonly string[],
  eol: string,
  comments: boolean,
  dropLastBlank: boolean,
): Uint8Array {
  let text = events
    .map((event, index) => (comments && index % 2 === 0 ? `: keep-alive\n\n${event}` : event))
    .join("");
  if (dropLastBlank) text = text.replace(/\n\n$/, "\n");
  return new TextEncoder().encode(text.replaceAll("\n", eol));
}

type Provider = "openai" | "anthropic";

async function run(provider: Provider, parts: () => Uint8Array[]): Promise<ChatEvent[] | string> {
  const fetch = chunkedFetch(parts);
  const plugin =
    provider === "openai"
      ? createOpenAI({ apiKey: CANARY_KEY, baseURL: "http://127.0.0.1:9/v1", fetch })
      : createAnthropic({
          apiKey: CANARY_KEY,
          baseURL: "http://127.0.0.1:9",
          fetch,
        });
  const gateway = await Ratatoskr.builder().use(plugin).retry(false).build();
  const outcome = await consume(
    gateway.chatStream(hello, {
      model: provider === "openai" ? "gpt-4o-mini" : "claude-sonnet-4-6",
    }),
  );
  return outcome.error === undefined ? outcome.events : `${outcome.error.code}: ${outcome.text}`;
}

/** The text and tool arguments the events deliver, concatenated. */
function delivered(events: ChatEvent[] | string): string {
  if (typeof events === "string") return events;
  return events
    .map((event) =>
      event.type === "content"
        ? event.text
        : event.type === "tool_call_delta"
          ? event.arguments
          : "",
    )
    .join("");
}

const TOOL_PIECES = ['{"city":', '"Zürich"', ',"emoji":"🐿️"}'];
const cases: Array<[Provider, string, readonly string[], string]> = [
  ["openai", "text", openaiStream(PIECES), PIECES.join("")],
  ["openai", "tool call", openaiToolStream(TOOL_PIECES), TOOL_PIECES.join("")],
  ["anthropic", "text", anthropicStream(PIECES), PIECES.join("")],
];

describe.each(cases)("%s %s stream", (provider, _name, events, expected) => {
  const bytes = variant(events, "\n", false, false);

  it("an event split at every byte position yields the same events", async () => {
    const reference = await run(provider, () => [bytes]);
    // The unsplit reference itself must be right, or every comparison below is moot.
    expect(delivered(reference)).toBe(expected);
    for (let position = 1; position < bytes.length; position++) {
      const result = await run(provider, () => [
        bytes.subarray(0, position),
        bytes.subarray(position),
      ]);
      if (JSON.stringify(result) !== JSON.stringify(reference)) {
        expect.fail(`split at byte ${position} changed the events: ${JSON.stringify(result)}`);
      }
    }
  });

  it("any chunking, line ending, comments or missing last blank line: same events (property)", async () => {
    const reference = await run(provider, () => [bytes]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        fc.boolean(),
        fc.boolean(),
        async (cuts, eol, comments, dropLastBlank) => {
          const encoded = variant(events, eol, comments, dropLastBlank);
          const result = await run(provider, () => splitAt(encoded, cuts));
          expect(result).toEqual(reference);
        },
      ),
      { numRuns: 150 },
    );
  });
});

it("a bad event gives a clean typed error however the bytes are split", async () => {
  const events = openaiStream(PIECES);
  events.splice(3, 0, 'data: {"id": broken\n\n');
  const bytes = variant(events, "\n", false, false);
  const reference = await run("openai", () => [bytes]);
  expect(typeof reference).toBe("string");
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { maxLength: 20 }), async (cuts) => {
      expect(await run("openai", () => splitAt(bytes, cuts))).toBe(reference);
    }),
    { numRuns: 60 },
  );
});
