/**
 * NDJSON framing: however the network splits the body — at every byte
 * boundary, inside a line, inside a multi-byte UTF-8 character — the
 * provider delivers the same parts.
 */
import { type ChatStreamPartV1, Message, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { createLineChat } from "../src/index.ts";

const KEY = "test-canary-3f9a2c71-key";

/** A stream with text (multi-byte characters included), a notice, a tool call, usage. */
const BODY = [
  '{"type":"start","id":"lc-req-9","model":"line-1-2026-01"}',
  '{"type":"notice","message":"temperature 2 clamped to 1.5"}',
  '{"type":"text","text":"Grüße aus "}',
  '{"type":"text","text":"Tromsø ❄️🌍 "}',
  '{"type":"call","index":0,"id":"call_1","name":"get_weather"}',
  '{"type":"args","index":0,"text":"{\\"city\\":"}',
  '{"type":"args","index":0,"text":"\\"Tromsø\\"}"}',
  '{"type":"call_end","index":0}',
  '{"type":"end","finish":"tool_calls","usage":{"in":12,"out":9}}',
]
  .map((line) => `${line}\r\n`)
  .join("");

/** A `fetch` that answers with `chunks` as the body's network chunks. */
function fetchWithChunks(chunks: Uint8Array[]): typeof fetch {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
      { status: 200, headers: { "content-type": "application/x-ndjson", "x-request-id": "h-1" } },
    );
}

async function partsOf(chunks: Uint8Array[]): Promise<ChatStreamPartV1[]> {
  const provider = createLineChat({
    apiKey: KEY,
    baseURL: "http://127.0.0.1:9",
    fetch: fetchWithChunks(chunks),
  });
  const parts: ChatStreamPartV1[] = [];
  for await (const part of provider.chat!.stream!({
    model: "line-1",
    messages: [Message.user("hi")],
    settings: {},
    providerOptions: {},
    signal: new AbortController().signal,
  })) {
    parts.push(part);
  }
  return parts;
}

describe("LineChat NDJSON framing", () => {
  const bytes = new TextEncoder().encode(BODY);

  it("maps the whole body to the expected parts", async () => {
    expect(await partsOf([bytes])).toEqual([
      { type: "response_metadata", model: "line-1-2026-01", requestId: "h-1" },
      { type: "warning", warning: { type: "other", message: "temperature 2 clamped to 1.5" } },
      { type: "content", text: "Grüße aus " },
      { type: "content", text: "Tromsø ❄️🌍 " },
      { type: "tool_call_start", index: 0, id: "call_1", name: "get_weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":' },
      { type: "tool_call_delta", index: 0, arguments: '"Tromsø"}' },
      {
        type: "tool_call_end",
        index: 0,
        id: "call_1",
        name: "get_weather",
        arguments: '{"city":"Tromsø"}',
        parsedArguments: { city: "Tromsø" },
      },
      {
        type: "done",
        finishReason: "tool_calls",
        rawFinishReason: "tool_calls",
        usage: { promptTokens: 12, completionTokens: 9, totalTokens: 21 },
      },
    ]);
  });

  it("delivers the same parts when the body is split at any byte boundary", async () => {
    const whole = await partsOf([bytes]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const parts = await partsOf([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(parts, `split at byte ${cut}`).toEqual(whole);
    }
  });

  it("delivers the same parts when every byte is its own chunk", async () => {
    const single = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await partsOf(single)).toEqual(await partsOf([bytes]));
  });

  it("fails with a stream error when the body ends in the middle of a line", async () => {
    const cut = bytes.subarray(0, bytes.length - 10);
    const error = await partsOf([cut]).catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "stream"), String(error)).toBe(true);
    expect((error as RatatoskrError).message).toMatch(/in the middle of a line/);
  });
});
