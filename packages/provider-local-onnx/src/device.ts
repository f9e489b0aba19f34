/**
 * Device selection: `cpu`, `cuda` / `cuda:N` / `{ type: "cuda", deviceId }`,
 * or `auto` (CUDA when onnxruntime-node's CUDA provider libraries and a GPU
 * are present, else CPU, with the reason).
 *
 * onnxruntime-node bundles only CPU binaries; the CUDA provider libraries
 * are installed by its postinstall script when `ONNXRUNTIME_NODE_INSTALL=cuda12`
 * is set (see the README).
 *
 * @see https://onnxruntime.ai/docs/get-started/with-javascript/node.html
 * @see https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html
 */
import { existsSync, readdirSync } from "node:fs";
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
  | { type: "cuda"; deviceId?: number }
  | { type: "auto" };

/** What the machine offers for CUDA. */
export interface CudaProbe {
  /** onnxruntime-node's CUDA execution provider library is installed next to its binding. */
  providerLibrary: boolean;
  /** Number of NVIDIA GPUs the driver exposes (0 when no driver). */
  gpuCount: number;
  /** Where the provider library was looked for. */
  libraryDirectory?: string;
}

/** The device chosen, and why. */
export interface DeviceSelection {
  /** The setting as given (normalised to a string). */
  requested: string;
  device: "cpu" | "cuda";
  deviceId?: number;
  /** Why this device was chosen (always set; names what was missing for an `auto` → CPU fallback). */
  reason: string;
  /** The onnxruntime execution providers to create sessions with, in priority order. */
  executionProviders: Array<"cpu" | { name: "cuda"; deviceId: number }>;
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
  type: "cpu" | "cuda" | "auto";
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

/** Look for onnxruntime-node's CUDA provider library and NVIDIA GPUs on this machine. */
export function probeCuda(): CudaProbe {
  let libraryDirectory: string | undefined;
  let providerLibrary = false;
  try {
    const require = createRequire(import.meta.url);
    const packageDirectory = dirname(require.resolve("onnxruntime-node/package.json"));
    libraryDirectory = join(packageDirectory, "bin", "napi-v6", process.platform, process.arch);
    const library =
      process.platform === "win32"
        ? "onnxruntime_providers_cuda.dll"
        : "libonnxruntime_providers_cuda.so";
    providerLibrary = existsSync(join(libraryDirectory, library));
  } catch {
    providerLibrary = false;
  }
  let gpuCount = 0;
  try {
    gpuCount = readdirSync("/proc/driver/nvidia/gpus").length;
  } catch {
    try {
      gpuCount = readdirSync("/dev").filter((name) => /^nvidia\d+$/.test(name)).length;
    } catch {
      gpuCount = 0;
    }
  }
  return { providerLibrary, gpuCount, ...(libraryDirectory ? { libraryDirectory } : {}) };
}

const INSTALL_HINT =
  "Install onnxruntime-node's CUDA provider with ONNXRUNTIME_NODE_INSTALL=cuda12 (allow its build script, then reinstall) " +
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
  if (probe.gpuCount === 0)
    missing.push("no NVIDIA GPU is visible (no driver at /proc/driver/nvidia)");
  else if (deviceId >= probe.gpuCount)
    missing.push(`CUDA device ${deviceId} does not exist (${probe.gpuCount} GPU(s) found)`);
  if (missing.length === 0) {
    return {
      requested,
      device: "cuda",
      deviceId,
      reason:
        parsed.type === "auto"
          ? "auto: CUDA provider library and a GPU are present"
          : `CUDA device ${deviceId} requested`,
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
