import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromFloat32, fromUint64, toJsonText, toUint32, toUint64 } from "./wire-values.ts";

describe("fromFloat32", () => {
  it("gives back the decimal a caller wrote (up to 7 significant digits) after a float32 trip", () => {
    for (const value of [0.7, 0.1, 1.3, 0.95, -1.5, 2, 1e-7, 123.456]) {
      expect(fromFloat32(Math.fround(value))).toBe(value);
    }
    fc.assert(
      fc.property(
        fc.integer({ min: -9_999_999, max: 9_999_999 }),
        fc.integer({ min: -10, max: 10 }),
        (mantissa, exponent) => {
          const decimal = Number(`${mantissa}e${exponent}`);
          expect(fromFloat32(Math.fround(decimal))).toBe(decimal);
        },
      ),
    );
  });

  it("always stands for the same float32", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (value) => {
        expect(Math.fround(fromFloat32(value))).toBe(value);
      }),
    );
  });
});

describe("integers and JSON", () => {
  it("uint32 and uint64 fields refuse what they cannot hold, naming the field", () => {
    expect(() => toUint32(-1, "request", "options.maxTokens")).toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field: "options.maxTokens" } }),
    );
    expect(() => toUint32(2 ** 32, "response", "usage.promptTokens")).toThrow(
      expect.objectContaining({ code: "data" }),
    );
    expect(() => toUint32(1.5, "request", "f")).toThrow(
      /f must be an integer from 0 to 4294967295, got 1.5/,
    );
    expect(() => toUint64(-3, "request", "options.seed")).toThrow(
      /options.seed must be a non-negative integer/,
    );
    expect(toUint64(Number.MAX_SAFE_INTEGER, "request", "s")).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(() => fromUint64(2n ** 60n, "request", "options.seed")).toThrow(
      expect.objectContaining({
        code: "invalid_input",
        message: expect.stringMatching(/^options.seed must be at most/),
      }),
    );
  });

  it("values JSON cannot hold fail as typed errors, not TypeErrors", () => {
    expect(() => toJsonText({ big: 1n }, "request", "input")).toThrow(
      expect.objectContaining({ name: "RatatoskrError", code: "invalid_input" }),
    );
    expect(() => toJsonText(() => 1, "response", "input")).toThrow(
      expect.objectContaining({ code: "data" }),
    );
    expect(toJsonText(undefined, "response", "input")).toBe("");
  });
});
