import { isAbsolute, join, resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  type CudaProbe,
  type CudaProbeFileSystem,
  parseDevice,
  probeCuda,
  selectDevice,
} from "./device.ts";
import { createLocalOnnx } from "./local-onnx-provider.ts";

const nothing: CudaProbe = {
  providerLibrary: false,
  gpuCount: 0,
  libraryDirectory: "/x/bin/napi-v6/linux/x64",
};
const libraryOnly: CudaProbe = { providerLibrary: true, gpuCount: 0 };
const gpuOnly: CudaProbe = { providerLibrary: false, gpuCount: 1 };
const ready: CudaProbe = { providerLibrary: true, gpuCount: 2 };

describe("device selection", () => {
  it("parses every accepted form", () => {
    expect(parseDevice(undefined)).toEqual({ type: "cpu" });
    expect(parseDevice("cpu")).toEqual({ type: "cpu" });
    expect(parseDevice("auto")).toEqual({ type: "auto" });
    expect(parseDevice("cuda")).toEqual({ type: "cuda", deviceId: 0 });
    expect(parseDevice("cuda:3")).toEqual({ type: "cuda", deviceId: 3 });
    expect(parseDevice({ type: "cuda", deviceId: 1 })).toEqual({ type: "cuda", deviceId: 1 });
    expect(parseDevice({ type: "cuda" })).toEqual({ type: "cuda", deviceId: 0 });
  });

  it("rejects unknown devices with a configuration error", () => {
    for (const bad of [
      "gpu",
      "cuda:",
      "cuda:-1",
      "cuda:x",
      { type: "cuda", deviceId: -1 },
      { type: "tpu" },
    ]) {
      expect(() => parseDevice(bad as never)).toThrow(
        expect.objectContaining({ code: "configuration" }),
      );
    }
  });

  it("cpu uses only the CPU execution provider", () => {
    expect(selectDevice("cpu", ready)).toMatchObject({
      device: "cpu",
      executionProviders: ["cpu"],
      reason: "CPU requested",
    });
  });

  it("auto chooses CUDA when the provider library and a GPU are present", () => {
    expect(selectDevice("auto", ready)).toEqual({
      requested: "auto",
      device: "cuda",
      deviceId: 0,
      reason: "auto: CUDA provider library and a GPU are present",
      executionProviders: [{ name: "cuda", deviceId: 0 }, "cpu"],
    });
  });

  it("auto falls back to CPU and says what was missing", () => {
    const none = selectDevice("auto", nothing);
    expect(none.device).toBe("cpu");
    expect(none.reason).toContain("CUDA provider library is not installed");
    expect(none.reason).toContain("no NVIDIA GPU");
    expect(selectDevice("auto", libraryOnly).reason).toContain("no NVIDIA GPU");
    expect(selectDevice("auto", gpuOnly).reason).toContain("provider library");
  });

  it("explicit CUDA without CUDA is a configuration error naming the opt-in install", () => {
    expect(() => selectDevice("cuda", nothing)).toThrow(
      expect.objectContaining({
        code: "configuration",
        message: expect.stringContaining("ONNXRUNTIME_NODE_INSTALL=true forces the download"),
      }),
    );
    expect(() => selectDevice("cuda:2", ready)).toThrow(
      expect.objectContaining({ message: expect.stringContaining("CUDA device 2 does not exist") }),
    );
    expect(selectDevice("cuda:1", ready)).toMatchObject({
      device: "cuda",
      deviceId: 1,
      executionProviders: [{ name: "cuda", deviceId: 1 }, "cpu"],
    });
  });

  // CI and the development machines install onnxruntime-node CPU-only; on a
  // CUDA install (ONNXRUNTIME_NODE_INSTALL=cuda12) the probe finds the library.
  it.skipIf(process.env.ONNXRUNTIME_NODE_INSTALL?.startsWith("cuda") === true)(
    "this machine: the probe finds no CUDA provider library (CPU-only install)",
    () => {
      const probe = probeCuda();
      expect(probe.providerLibrary).toBe(false);
      expect(probe.libraryDirectory).toContain("onnxruntime-node");
    },
  );

  /** A machine described by its files: paths that exist, and directory listings. */
  const machine = (
    files: string[],
    directories: Record<string, string[]> = {},
  ): CudaProbeFileSystem => ({
    exists: (path) => files.includes(path) || path in directories,
    list: (path) => directories[path],
  });
  const library = "/x/onnxruntime-node/bin/napi-v6/linux/x64";
  const cudaLibrary = `${library}/libonnxruntime_providers_cuda.so`;

  it("probe: the Linux driver's GPUs from /proc/driver/nvidia/gpus, else /dev/nvidiaN", () => {
    expect(
      probeCuda(
        machine([cudaLibrary], { "/proc/driver/nvidia/gpus": ["0000:01:00.0", "0000:02:00.0"] }),
        library,
      ),
    ).toEqual({ providerLibrary: true, gpuCount: 2, libraryDirectory: library });
    expect(
      probeCuda(machine([], { "/dev": ["null", "nvidia0", "nvidiactl", "nvidia-uvm"] }), library),
    ).toEqual({ providerLibrary: false, gpuCount: 1, libraryDirectory: library });
    expect(probeCuda(machine([], { "/dev": ["null"] }), library)).toMatchObject({ gpuCount: 0 });
  });

  it("probe: WSL2's /dev/dxg with the NVIDIA driver's /usr/lib/wsl/lib/libcuda.so.1 is a GPU", () => {
    const wsl = probeCuda(
      machine([cudaLibrary, "/dev/dxg", "/usr/lib/wsl/lib/libcuda.so.1"], {
        "/dev": ["dxg", "null"],
      }),
      library,
    );
    expect(wsl).toEqual({
      providerLibrary: true,
      gpuCount: 1,
      libraryDirectory: library,
      wsl: { cudaLibrary: true },
    });
    // The count is not visible under WSL2: any device id is left to the session to check.
    expect(selectDevice("auto", wsl)).toMatchObject({
      device: "cuda",
      deviceId: 0,
      reason: expect.stringContaining("WSL2"),
    });
    expect(selectDevice("cuda:1", wsl)).toMatchObject({ device: "cuda", deviceId: 1 });
    // /dev/dxg without NVIDIA's library (another vendor's GPU, or no driver): no CUDA, and why.
    const other = probeCuda(machine([cudaLibrary, "/dev/dxg"], { "/dev": ["dxg"] }), library);
    expect(other).toMatchObject({ gpuCount: 0, wsl: { cudaLibrary: false } });
    expect(selectDevice("auto", other)).toMatchObject({
      device: "cpu",
      reason: expect.stringContaining("/usr/lib/wsl/lib/libcuda.so.1"),
    });
  });

  it("device cpu never runs the CUDA probe; auto and cuda do", () => {
    const probe = vi.fn(() => ({ providerLibrary: false, gpuCount: 0 }) as CudaProbe);
    expect(createLocalOnnx({ device: "cpu", cudaProbe: probe }).deviceSelection().device).toBe(
      "cpu",
    );
    expect(selectDevice("cpu", probe).device).toBe("cpu");
    expect(probe).not.toHaveBeenCalled();
    selectDevice("auto", probe);
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it("createLocalOnnx: explicit cuda fails at creation, auto reports CPU and why", () => {
    expect(() => createLocalOnnx({ device: "cuda:0", cudaProbe: () => nothing })).toThrow(
      expect.objectContaining({ code: "configuration" }),
    );
    const onDeviceSelected = vi.fn();
    const provider = createLocalOnnx({
      device: "auto",
      cudaProbe: () => nothing,
      onDeviceSelected,
    });
    expect(provider.deviceSelection()).toMatchObject({ requested: "auto", device: "cpu" });
    expect(onDeviceSelected).toHaveBeenCalledWith(
      expect.objectContaining({
        device: "cpu",
        reason: expect.stringContaining("auto: using CPU"),
      }),
    );
    expect(createLocalOnnx({}).deviceSelection().device).toBe("cpu");
  });
});

describe("cache directory and offline defaults", () => {
  it("RATATOSKR_CACHE_DIR wins, else the platform's user cache dir + ratatoskr/models", async () => {
    const { defaultCacheDir, offlineFromEnv } = await import("./hub-download.ts");
    expect(defaultCacheDir({ RATATOSKR_CACHE_DIR: "/data/models" })).toBe("/data/models");
    if (process.platform === "linux") {
      expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg" })).toBe("/xdg/ratatoskr/models");
      expect(defaultCacheDir({})).toMatch(/\.cache\/ratatoskr\/models$/);
    }
    for (const value of ["1", "true", "YES", "on"])
      expect(offlineFromEnv({ HF_HUB_OFFLINE: value })).toBe(true);
    for (const value of ["", "0", "false", "off"])
      expect(offlineFromEnv({ HF_HUB_OFFLINE: value })).toBe(false);
    expect(offlineFromEnv({})).toBe(false);
  });

  it("follows the one rule shared with the tokenizers (empty values unset, absolute paths, spaces trimmed)", async () => {
    const { defaultCacheDir, offlineFromEnv } = await import("./hub-download.ts");
    const { resolveCacheDirectory } = await import("@ratatoskr/provider-utils/hub");
    expect(defaultCacheDir({ RATATOSKR_CACHE_DIR: "relative/models" })).toBe(
      resolve("relative/models"),
    );
    const environments = [{ XDG_CACHE_HOME: "" }, { XDG_CACHE_HOME: "relative" }, {}];
    for (const environment of environments) {
      const directory = defaultCacheDir(environment);
      expect(isAbsolute(directory)).toBe(true);
      expect(directory).toBe(join(resolveCacheDirectory(undefined, environment), "models"));
    }
    expect(offlineFromEnv({ HF_HUB_OFFLINE: " 1 " })).toBe(true);
  });
});
