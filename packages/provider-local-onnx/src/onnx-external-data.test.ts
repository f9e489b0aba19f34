import { decoderModel, encoderModel, nliModel } from "@ratatoskr/onnx-test-models";
import { describe, expect, it } from "vitest";
import { externalDataLocations, externalDataLocationsOfFile } from "./onnx-external-data.ts";
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

  it("reads a model file in blocks and gives the same answer as from memory", async () => {
    const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const directory = await mkdtemp(join(tmpdir(), "ratatoskr-scan-"));
    try {
      // Large enough to span many 64 KiB blocks (the position table alone is 512 × 8 floats).
      const { model } = encoderModel({ location: "weights/model.onnx_data" });
      await writeFile(join(directory, "model.onnx"), model);
      expect(externalDataLocationsOfFile(join(directory, "model.onnx"))).toEqual([
        "weights/model.onnx_data",
      ]);
      await writeFile(join(directory, "decoder.onnx"), decoderModel());
      expect(externalDataLocationsOfFile(join(directory, "decoder.onnx"))).toEqual([]);
      await writeFile(join(directory, "truncated.onnx"), decoderModel().subarray(0, 100_000));
      expect(() => externalDataLocationsOfFile(join(directory, "truncated.onnx"))).toThrow();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
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
