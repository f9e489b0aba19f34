import { encoderModel, nliModel } from "@ratatoskr/onnx-test-models";
import { describe, expect, it } from "vitest";
import { externalDataLocations } from "./onnx-external-data.ts";
import { assertSafeRelativePath, isInside } from "./safe-paths.ts";

describe("externalDataLocations", () => {
  it("finds no external data in a self-contained model", () => {
    expect(externalDataLocations(nliModel())).toEqual([]);
  });

  it("lists the location of every external tensor, as written", () => {
    expect(externalDataLocations(encoderModel({ location: "model.onnx_data" }).model)).toEqual([
      "model.onnx_data",
    ]);
    expect(externalDataLocations(encoderModel({ location: "../../etc/passwd" }).model)).toEqual([
      "../../etc/passwd",
    ]);
  });

  it("throws on bytes that are not a protobuf message", () => {
    expect(() =>
      externalDataLocations(new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f])),
    ).toThrow();
    expect(() => externalDataLocations(new Uint8Array([0x0f]))).toThrow(/wire type/);
  });
});

describe("assertSafeRelativePath / isInside", () => {
  it("accepts plain relative paths", () => {
    for (const path of ["model.onnx", "onnx/model.onnx", "a/b/c.onnx_data", "..data", "a..b"]) {
      expect(() => assertSafeRelativePath(path, "t")).not.toThrow();
    }
  });

  it("refuses escapes", () => {
    for (const path of ["", "..", "../x", "a/../../x", "/abs", "C:/x", "c:x", "a\\b", "a\u0000b"]) {
      expect(() => assertSafeRelativePath(path, "t"), JSON.stringify(path)).toThrow(
        expect.objectContaining({ code: "configuration" }),
      );
    }
  });

  it("isInside compares resolved paths", () => {
    expect(isInside("/models/a", "/models/a/x.onnx")).toBe(true);
    expect(isInside("/models/a", "/models/a")).toBe(true);
    expect(isInside("/models/a", "/models/ab/x.onnx")).toBe(false);
    expect(isInside("/models/a", "/models/x.onnx")).toBe(false);
  });
});
