import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PartialJsonParser, parsePartialJson } from "./partial-json.ts";

/** JSON values without `-0` (which JSON.stringify writes as `0`). */
const jsonValue = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown);

/** A JSON text of `value`, compact or indented. */
const jsonText = fc
  .tuple(jsonValue, fc.constantFrom(undefined, 2, "\t"))
  .map(([value, indent]) => ({ value, text: JSON.stringify(value, null, indent) }));

/** `text` cut into pieces at the given (sorted, deduplicated) positions. */
function piecesOf(text: string, cuts: number[]): string[] {
  const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const position of positions) {
    pieces.push(text.slice(start, position));
    start = position;
  }
  pieces.push(text.slice(start));
  return pieces;
}

describe("parsePartialJson", () => {
  it.each([
    ['{"name": "Ada', { name: "Ada" }],
    ['{"name": "Ada", "tags": ["x", "y', { name: "Ada", tags: ["x", "y"] }],
    ['{"name": "Ada", "ag', { name: "Ada" }],
    ['{"name": "Ada", "age":', { name: "Ada" }],
    ['{"name": "Ada", "age": 3', { name: "Ada", age: 3 }],
    ['{"age": -', {}],
    ['{"age": 1.', { age: 1 }],
    ['{"age": 1.5e', { age: 1.5 }],
    ['{"ok": t', { ok: true }],
    ['{"ok": fal', { ok: false }],
    ['{"none": n', { none: null }],
    ['[{"a": 1}, {"b": [2, {"c": "d', [{ a: 1 }, { b: [2, { c: "d" }] }]],
    ['"line\\nbreak \\u00e9\\u00', "line\nbreak é"],
    ['"half \\', "half "],
    ["[]", []],
    ["{}", {}],
    ['{"a": [] , "b": {}}', { a: [], b: {} }],
    ['{"a": 1}\n```', { a: 1 }],
    ["", undefined],
    ["   ", undefined],
  ] as const)("%j → %j", (text, expected) => {
    expect(parsePartialJson(text)).toEqual(expected);
  });

  it("keeps a __proto__ key as an own property, like JSON.parse", () => {
    const value = parsePartialJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a" 1}', {}],
    ["[1,,2]", [1]],
    ['{"a": 01}', { a: 0 }],
    ["{a: 1}", {}],
    ['"\\x"', ""],
    ['{"a": tru3}', { a: true }],
  ] as const)("stops at the first character that cannot continue JSON: %j", (text, expected) => {
    const parser = new PartialJsonParser();
    parser.push(text);
    expect(parser.failed).toBe(true);
    expect(parser.snapshot()).toEqual(expected);
  });

  it("every prefix of a JSON text parses, and the whole text parses to its value", () => {
    fc.assert(
      fc.property(jsonText, ({ value, text }) => {
        for (let end = 0; end < text.length; end++) {
          const parser = new PartialJsonParser();
          parser.push(text.slice(0, end));
          expect(parser.failed).toBe(false);
        }
        expect(parsePartialJson(text)).toEqual(value);
      }),
      { numRuns: 150 },
    );
  });

  it("pieces give the values their prefixes give, and never change a value handed out", () => {
    fc.assert(
      fc.property(jsonText, fc.array(fc.nat(), { maxLength: 12 }), ({ value, text }, cuts) => {
        const parser = new PartialJsonParser();
        const handedOut: Array<{ value: unknown; copy: string }> = [];
        let read = "";
        for (const piece of piecesOf(text, cuts)) {
          read += piece;
          const changed = parser.push(piece);
          const snapshot = parser.snapshot();
          const expected = parsePartialJson(read);
          expect(snapshot).toEqual(expected);
          if (changed) handedOut.push({ value: snapshot, copy: JSON.stringify(snapshot) ?? "" });
        }
        expect(parser.snapshot()).toEqual(value);
        for (const { value: earlier, copy } of handedOut) {
          expect(JSON.stringify(earlier) ?? "").toBe(copy);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("reports a change only when the value changed", () => {
    const parser = new PartialJsonParser();
    expect(parser.push("{")).toBe(true);
    expect(parser.snapshot()).toEqual({});
    expect(parser.push('"a"')).toBe(false);
    expect(parser.push(":")).toBe(false);
    expect(parser.push(' "x')).toBe(true);
    expect(parser.snapshot()).toEqual({ a: "x" });
    expect(parser.push('"')).toBe(false);
    expect(parser.push(", ")).toBe(false);
    expect(parser.push('"n": 1')).toBe(true);
    parser.snapshot();
    expect(parser.push(".")).toBe(false);
    expect(parser.push("0")).toBe(false);
    expect(parser.push("5")).toBe(true);
    expect(parser.snapshot()).toEqual({ a: "x", n: 1.05 });
    expect(parser.push("}")).toBe(false);
    expect(parser.done).toBe(true);
  });

  it("reads a long text in small pieces once: each snapshot shares what was complete before", () => {
    const parser = new PartialJsonParser();
    const items = Array.from({ length: 500 }, (_, index) => ({ id: index, text: `item ${index}` }));
    const text = JSON.stringify({ items });
    const snapshots: Array<{ items?: unknown[] }> = [];
    for (let index = 0; index < text.length; index += 7) {
      if (parser.push(text.slice(index, index + 7))) {
        snapshots.push(parser.snapshot() as { items?: unknown[] });
      }
    }
    expect(snapshots.at(-1)).toEqual({ items });
    // A finished element is the same object in every later snapshot.
    const first = snapshots.find((snapshot) => (snapshot.items?.length ?? 0) > 2)!;
    expect(snapshots.at(-1)!.items![0]).toBe(first.items![0]);
  });
});
