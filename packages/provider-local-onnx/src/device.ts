/**
 * Device selection: `cpu`, `cuda` / `cuda:N` / `{ type: "cuda", deviceId }`,
 * or `auto` (CUDA when onnxruntime-node's CUDA provider libraries and a GPU
 * are present, else CPU, with the reason). GPUs are found through the NVIDIA
 * driver on Linux (`/proc/driver/nvidia/gpus`, `/dev/nvidiaN`) and through
 * WSL2's GPU paravirtualisation (`/dev/dxg` with the driver's
 * `/usr/lib/wsl/lib/libcuda.so.1`).
 *
 * onnxruntime-node bundles only CPU binaries; on Linux x64 its postinstall
 * script downloads the CUDA provider libraries when the package manager runs
 * it (see the README).
 *
 * @see https://onnxruntime.ai/docs/get-started/with-javascript/node.html
 * @see https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";

/** The device setting. */
export type DeviceSetting =
  | "cpu"
  | "cuda"
  | `cuda:${number}`
  | "auto"
  | { type: "cpu" }
  | {
      /** Run on a CUDA GPU. */
      type: "cuda";
      /** The GPU (default 0). */
      deviceId?: number;
    }
  | { type: "auto" };

/** What the machine offers for CUDA. */
export interface CudaProbe {
  /** onnxruntime-node's CUDA execution provider library is installed next to its binding. */
  providerLibrary: boolean;
  /**
   * Number of NVIDIA GPUs the driver exposes (0 when no driver). Under WSL2
   * the number is not visible: 1 when the driver is there (see `wsl`).
   */
  gpuCount: number;
  /** Where the provider library was looked for. */
  libraryDirectory?: string;
  /**
   * WSL2 (`/dev/dxg` exists): whether the NVIDIA driver's CUDA library for
   * WSL is there. The GPUs cannot be counted, so device ids are checked when
   * the session starts.
   */
  wsl?: {
    /** Whether `/usr/lib/wsl/lib/libcuda.so.1` is there. */
    cudaLibrary: boolean;
  };
}

/** The file-system questions {@link probeCuda} asks (tests answer them for other machines). */
export interface CudaProbeFileSystem {
  /** Whether `path` exists (a file, a device or a directory). */
  exists(path: string): boolean;
  /** The entries of directory `path`, or undefined when it is not one. */
  list(path: string): string[] | undefined;
}

/** WSL2's GPU paravirtualisation device: there on any WSL2 machine with a GPU driver on Windows. */
export const WSL_GPU_DEVICE = "/dev/dxg";
/** The CUDA driver library that Windows' NVIDIA driver maps into WSL2. */
export const WSL_CUDA_LIBRARY = "/usr/lib/wsl/lib/libcuda.so.1";

const nodeFileSystem: CudaProbeFileSystem = {
  exists: (path) => existsSync(path),
  list: (path) => {
    try {
      return statSync(path).isDirectory() ? readdirSync(path) : undefined;
    } catch {
      return undefined;
    }
  },
};

/** The device chosen, and why. */
export interface DeviceSelection {
  /** The setting as given (normalised to a string). */
  requested: string;
  /** The device sessions run on. */
  device: "cpu" | "cuda";
  /** The CUDA device, for `cuda`. */
  deviceId?: number;
  /** Why this device was chosen (always set; names what was missing for an `auto` → CPU fallback). */
  reason: string;
  /** The onnxruntime execution providers to create sessions with, in priority order. */
  executionProviders: Array<
    | "cpu"
    | {
        /** The CUDA execution provider. */
        name: "cuda";
        /** The CUDA device. */
        deviceId: number;
      }
  >;
}

function configurationError(message: string, details?: Record<string, unknown>): RatatoskrError {
  return new RatatoskrError({
    code: "configuration",
    message,
    provider: "local",
    ...(details ? { details } : {}),
  });
}

/** Parse a {@link DeviceSetting}; throws a `configuration` error on anything else. */
export function parseDevice(setting: DeviceSetting | undefined): {
  /** The device asked for (`auto`: CUDA when available). */
  type: "cpu" | "cuda" | "auto";
  /** The CUDA device, for `cuda` (default 0). */
  deviceId?: number;
} {
  if (setting === undefined) return { type: "cpu" };
  if (typeof setting === "object" && setting !== null) {
    if (setting.type === "cuda") {
      const deviceId = setting.deviceId ?? 0;
      if (!Number.isInteger(deviceId) || deviceId < 0)
        throw configurationError(`Invalid CUDA device id ${deviceId}`);
      return { type: "cuda", deviceId };
    }
    if (setting.type === "cpu" || setting.type === "auto") return { type: setting.type };
  }
  if (setting === "cpu" || setting === "auto") return { type: setting };
  if (setting === "cuda") return { type: "cuda", deviceId: 0 };
  if (typeof setting === "string") {
    const match = /^cuda:(\d+)$/.exec(setting);
    if (match) return { type: "cuda", deviceId: Number(match[1]) };
  }
  throw configurationError(
    `Invalid device ${JSON.stringify(setting)}: use "cpu", "cuda", "cuda:N", { type: "cuda", deviceId }, or "auto"`,
  );
}

function describe(setting: DeviceSetting | undefined): string {
  const parsed = parseDevice(setting);
  return parsed.type === "cuda" ? `cuda:${parsed.deviceId}` : parsed.type;
}

/** Where onnxruntime-node keeps its native libraries for this platform (undefined when it is not installed). */
function onnxRuntimeLibraryDirectory(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const packageDirectory = dirname(require.resolve("onnxruntime-node/package.json"));
    return join(packageDirectory, "bin", "napi-v6", process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/**
 * Look for onnxruntime-node's CUDA provider library and NVIDIA GPUs: the
 * Linux driver's `/proc/driver/nvidia/gpus/*` (else `/dev/nvidiaN`), or under
 * WSL2 `/dev/dxg` plus `/usr/lib/wsl/lib/libcuda.so.1`. `fileSystem` and
 * `libraryDirectory` replace the real ones (tests).
 */
export function probeCuda(
  fileSystem: CudaProbeFileSystem = nodeFileSystem,
  libraryDirectory: string | undefined = onnxRuntimeLibraryDirectory(),
): CudaProbe {
  const library =
    process.platform === "win32"
      ? "onnxruntime_providers_cuda.dll"
      : "libonnxruntime_providers_cuda.so";
  const providerLibrary =
    libraryDirectory !== undefined && fileSystem.exists(join(libraryDirectory, library));
  let gpuCount = fileSystem.list("/proc/driver/nvidia/gpus")?.length ?? 0;
  if (gpuCount === 0) {
    gpuCount = (fileSystem.list("/dev") ?? []).filter((name) => /^nvidia\d+$/.test(name)).length;
  }
  let wsl: CudaProbe["wsl"];
  if (gpuCount === 0 && fileSystem.exists(WSL_GPU_DEVICE)) {
    wsl = { cudaLibrary: fileSystem.exists(WSL_CUDA_LIBRARY) };
    if (wsl.cudaLibrary) gpuCount = 1;
  }
  return {
    providerLibrary,
    gpuCount,
    ...(libraryDirectory ? { libraryDirectory } : {}),
    ...(wsl ? { wsl } : {}),
  };
}

const INSTALL_HINT =
  "onnxruntime-node's install script downloads its CUDA 12 provider (Linux x64 only, from api.nuget.org) when the package manager runs it: " +
  "allow the script (pnpm: allowBuilds), then reinstall onnxruntime-node (ONNXRUNTIME_NODE_INSTALL=true forces the download), " +
  "on a machine with an NVIDIA driver, CUDA 12 and cuDNN 9";

/**
 * Choose the device for `setting` given what the CUDA probe finds (a probe
 * result or a function that probes; it runs only for `cuda`/`auto`). `auto` never
 * fails (it falls back to CPU with the reason); an explicit CUDA request on a
 * machine without CUDA is a `configuration` error.
 */
export function selectDevice(
  setting: DeviceSetting | undefined,
  cudaProbe: CudaProbe | (() => CudaProbe) = probeCuda,
): DeviceSelection {
  const parsed = parseDevice(setting);
  const requested = describe(setting);
  if (parsed.type === "cpu") {
    return { requested, device: "cpu", reason: "CPU requested", executionProviders: ["cpu"] };
  }
  // Probed only when CUDA is a possibility: "cpu" touches neither the file system nor the driver.
  const probe = typeof cudaProbe === "function" ? cudaProbe() : cudaProbe;
  const deviceId = parsed.deviceId ?? 0;
  const missing: string[] = [];
  if (!probe.providerLibrary) {
    missing.push(
      `onnxruntime-node's CUDA provider library is not installed${probe.libraryDirectory ? ` (looked in ${probe.libraryDirectory})` : ""}`,
    );
  }
  if (probe.gpuCount === 0) {
    missing.push(
      probe.wsl
        ? `no NVIDIA GPU is visible: WSL2's ${WSL_GPU_DEVICE} is there but not the NVIDIA driver's ${WSL_CUDA_LIBRARY} (install the NVIDIA driver on Windows)`
        : `no NVIDIA GPU is visible (no driver at /proc/driver/nvidia or /dev/nvidiaN, no WSL2 ${WSL_GPU_DEVICE})`,
    );
  } else if (!probe.wsl && deviceId >= probe.gpuCount)
    missing.push(`CUDA device ${deviceId} does not exist (${probe.gpuCount} GPU(s) found)`);
  if (missing.length === 0) {
    // Under WSL2 the GPUs cannot be counted: the session checks the device id when it starts.
    const where = probe.wsl ? " (WSL2: the GPU count is not visible there)" : "";
    return {
      requested,
      device: "cuda",
      deviceId,
      reason:
        parsed.type === "auto"
          ? `auto: CUDA provider library and a GPU are present${where}`
          : `CUDA device ${deviceId} requested${where}`,
      executionProviders: [{ name: "cuda", deviceId }, "cpu"],
    };
  }
  if (parsed.type === "auto") {
    return {
      requested,
      device: "cpu",
      reason: `auto: using CPU because ${missing.join("; ")}`,
      executionProviders: ["cpu"],
    };
  }
  throw configurationError(
    `CUDA device ${deviceId} was requested but ${missing.join("; ")}. ${INSTALL_HINT}.`,
    {
      requested,
      providerLibrary: probe.providerLibrary,
      gpuCount: probe.gpuCount,
    },
  );
}
