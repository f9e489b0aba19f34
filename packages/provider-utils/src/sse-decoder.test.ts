import { describe, expect, it } from "vitest";
import { SseDecoder } from "./sse-decoder.ts";

function decode(chunks: string[]): Array<[string | undefined, string]> {
  const events: Array<[string | undefined, string]> = [];
  const decoder = new SseDecoder();
  const onEvent = (name: string | undefined, data: string) => events.push([name, data]);
  for (const chunk of chunks) decoder.push(chunk, onEvent);
  decoder.flush(onEvent);
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
});
