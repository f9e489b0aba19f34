import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { SseDecoder } from "./sse-decoder.ts";

function drain(decoder: SseDecoder, into: Array<[string | undefined, string]>): void {
  for (let event = decoder.next(); event !== undefined; event = decoder.next()) {
    into.push([event.event, event.data]);
  }
}

function decode(chunks: string[]): Array<[string | undefined, string]> {
  const events: Array<[string | undefined, string]> = [];
  const decoder = new SseDecoder();
  for (const chunk of chunks) {
    decoder.push(chunk);
    drain(decoder, events);
  }
  decoder.end();
  drain(decoder, events);
  return events;
}

const STREAM =
  'event: message_start\ndata: {"type":"message_start"}\n\n' +
  ": keep-alive comment\n\n" +
  'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"héllo ✓ 👋"}}\n\n' +
  "event: multi\ndata: line one\ndata:line two\nid: 7\nretry: 100\n\n" +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

const EXPECTED: Array<[string | undefined, string]> = [
  ["message_start", '{"type":"message_start"}'],
  ["content_block_delta", '{"type":"content_block_delta","delta":{"text":"héllo ✓ 👋"}}'],
  ["multi", "line one\nline two"],
  ["message_stop", '{"type":"message_stop"}'],
];

describe("SseDecoder", () => {
  it("decodes events, joins data lines and skips comments and other fields", () => {
    expect(decode([STREAM])).toEqual(EXPECTED);
  });

  it("gives the same events for a split at every position", () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(decode([STREAM.slice(0, cut), STREAM.slice(cut)])).toEqual(EXPECTED);
    }
  });

  it("accepts CRLF and CR line ends, including a CRLF split between chunks", () => {
    const crlf = STREAM.replaceAll("\n", "\r\n");
    expect(decode([crlf])).toEqual(EXPECTED);
    expect(decode([STREAM.replaceAll("\n", "\r")])).toEqual(EXPECTED);
    for (let cut = 0; cut <= crlf.length; cut++) {
      expect(decode([crlf.slice(0, cut), crlf.slice(cut)])).toEqual(EXPECTED);
    }
  });

  it("keeps a CR and its LF together across an empty chunk between them", () => {
    // An empty read decodes to "": it must not split the CRLF into two line ends.
    expect(decode(["data: a\r", "", "\ndata: b\n\n"])).toEqual([[undefined, "a\nb"]]);
  });

  it("delivers a last event that has no blank line after it", () => {
    expect(decode(['event: message_stop\ndata: {"type":"message_stop"}'])).toEqual([
      ["message_stop", '{"type":"message_stop"}'],
    ]);
    expect(decode(['event: message_stop\ndata: {"type":"message_stop"}\n'])).toHaveLength(1);
  });

  it("reports events without an event name as undefined and drops events without data", () => {
    expect(decode(["data: x\n\nevent: empty\n\n"])).toEqual([[undefined, "x"]]);
  });

  it("reads a field name without a colon as an empty value", () => {
    expect(decode(["data\ndata: x\n\n"])).toEqual([[undefined, "\nx"]]);
    expect(decode(["event: a\nevent\ndata\n\n"])).toEqual([[undefined, ""]]);
    expect(decode(["event:\ndata: y\n\n"])).toEqual([[undefined, "y"]]);
  });

  it("hands out one event per next(), decoding no further than asked", () => {
    const decoder = new SseDecoder();
    decoder.push("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4");
    expect(decoder.next()).toEqual({ event: undefined, data: "1" });
    // Text pushed now comes after what is still buffered.
    decoder.push("\n\nevent: e\ndata: 5\n\n");
    expect([decoder.next()?.data, decoder.next()?.data, decoder.next()?.data]).toEqual([
      "2",
      "3",
      "4",
    ]);
    expect(decoder.next()).toEqual({ event: "e", data: "5" });
    expect(decoder.next()).toBeUndefined();
    expect(decoder.ended).toBe(false);
  });

  it("keeps an event without its blank line until end(), then delivers it once", () => {
    const decoder = new SseDecoder();
    decoder.push("data: last");
    expect(decoder.next()).toBeUndefined();
    decoder.end();
    expect(decoder.ended).toBe(true);
    expect(decoder.next()).toEqual({ event: undefined, data: "last" });
    expect(decoder.next()).toBeUndefined();
    expect(() => decoder.push("data: more\n\n")).toThrow(/push\(\) after end\(\)/);
  });

  it("fails with a typed stream error naming the provider when one event outgrows the bound", () => {
    const endless = new SseDecoder({ provider: "acme", maxEventLength: 64 });
    endless.push(`data: ${"x".repeat(40)}`);
    expect(endless.next()).toBeUndefined();
    endless.push("x".repeat(40)); // still no line end: 86 characters pending
    const error = (() => {
      try {
        endless.next();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(RatatoskrError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "stream", provider: "acme" });
    expect((error as Error).message).toBe("acme sent a stream event longer than 64 characters");

    // Many short data lines of one event count together; the blank line starts the count anew.
    const lines = new SseDecoder({ maxEventLength: 64 });
    lines.push("data: 0123456789\n".repeat(3));
    lines.push("\n");
    expect(lines.next()?.data).toBe("0123456789\n0123456789\n0123456789");
    lines.push("data: 0123456789\n".repeat(5));
    expect(() => lines.next()).toThrow("The server sent a stream event longer than 64 characters");

    // Exactly at the bound is fine.
    const exact = new SseDecoder({ maxEventLength: 10 });
    exact.push("data: 123\n\n");
    expect(exact.next()?.data).toBe("123");
  });

  it("refuses a bad bound or non-text input with invalid_input naming it", () => {
    for (const maxEventLength of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "64"]) {
      expect(() => new SseDecoder({ maxEventLength: maxEventLength as number })).toThrow(
        expect.objectContaining({ code: "invalid_input", details: { field: "maxEventLength" } }),
      );
    }
    const decoder = new SseDecoder();
    for (const bad of [42, new Uint8Array([100]), null, undefined]) {
      expect(() => decoder.push(bad as unknown as string)).toThrow(
        expect.objectContaining({ code: "invalid_input", details: { field: "text" } }),
      );
    }
  });
});
