import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { testModelFiles } from "@ratatoskr/onnx-test-models";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MODEL_PRESETS } from "./local-onnx-models.ts";
import { createLocalOnnx } from "./local-onnx-provider.ts";
import {
  type FakeHubFaults,
  startFakeHub,
  temporaryDirectory,
  temporaryTestModels,
} from "./test-fixtures.ts";
import { embedOne } from "./test-requests.ts";

const signal = () => new AbortController().signal;
const call = (model: string) => ({ model, signal: signal(), providerOptions: {} });

describe("the local provider's model catalog", () => {
  let local: Awaited<ReturnType<typeof temporaryTestModels>>;
  let cache: Awaited<ReturnType<typeof temporaryDirectory>>;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  const faults: FakeHubFaults = { hold: new Map() };

  beforeAll(async () => {
    local = await temporaryTestModels();
    hub = await startFakeHub({ "test-org/mini-bert": testModelFiles().encoder }, faults);
  });
  afterAll(async () => {
    await hub.close();
    await local.cleanup();
  });
  afterEach(async () => {
    faults.hold!.clear();
    await cache?.cleanup();
  });

  const provider = (settings: Parameters<typeof createLocalOnnx>[0] = {}) =>
    createLocalOnnx({
      embeddingModels: [
        { name: "mini-bert", path: local.encoder, dimensions: 8 },
        { name: "hub-mini", repo: "test-org/mini-bert" },
      ],
      nliModels: [{ name: "tiny-nli", path: local.nli }],
      cacheDir: cache.path,
      hubUrl: hub.url,
      offline: true,
      ...settings,
    });

  it("lists the configured models, then the presets; files on disk are `cache`, the rest `registry`", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    // A preset already in the cache (the Hub cache layout), as a download leaves it.
    const snapshot = join(cache.path, "models--Qdrant--all-MiniLM-L6-v2-onnx/snapshots/main");
    await mkdir(snapshot, { recursive: true });
    await writeFile(join(snapshot, "model.onnx"), "onnx");
    const { models } = await provider().models.listModels({ signal: signal() });
    expect(models.slice(0, 3)).toEqual([
      {
        id: "mini-bert",
        provider: "local",
        capabilities: ["Embed", "LocalInference"],
        context_window: 512,
        dimensions: 8,
        source: "cache",
      },
      {
        id: "hub-mini",
        provider: "local",
        capabilities: ["Embed", "LocalInference"],
        context_window: 512,
        dimensions: null,
        source: "registry",
      },
      {
        id: "tiny-nli",
        provider: "local",
        capabilities: ["Nli", "Classify", "LocalInference"],
        context_window: 512,
        dimensions: null,
        source: "cache",
      },
    ]);
    expect(models.slice(3).map((model) => model.id)).toEqual(
      MODEL_PRESETS.map((preset) => preset.name),
    );
    expect(models.find((model) => model.id === "AllMiniLmL6V2")).toMatchObject({
      dimensions: 384,
      context_window: 256,
      source: "cache",
    });
    expect(models.find((model) => model.id === "BgeSmallEn")?.source).toBe("registry");
  });

  it("modelStatus: unknown, on disk, loaded (device and bytes), and not cached offline or online", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const instance = provider();
    expect(await instance.models.modelStatus!(call("nobody"))).toEqual({
      state: "unavailable",
      reason: 'no local model "nobody" is configured or preset',
    });
    expect(await instance.models.modelStatus!(call("mini-bert"))).toEqual({ state: "available" });
    await embedOne(instance, "hello", "mini-bert");
    const ready = await instance.models.modelStatus!(call("mini-bert"));
    expect(ready).toMatchObject({ state: "ready", device: "cpu" });
    expect(ready.memoryBytes).toBeGreaterThan(0);
    expect(await instance.models.modelStatus!(call("hub-mini"))).toEqual({
      state: "unavailable",
      reason: "test-org/mini-bert is not cached and downloads are off (offline / HF_HUB_OFFLINE)",
    });
    const online = provider({ offline: false });
    expect(await online.models.modelStatus!(call("BgeSmallEn"))).toEqual({ state: "available" });
  });

  it("modelStatus is `downloading` while the ONNX file is fetched, then `ready`", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    let reached!: () => void;
    let release!: () => void;
    const requested = new Promise<void>((resolve) => {
      reached = resolve;
    });
    faults.hold!.set("model.onnx", {
      reached,
      release: new Promise<void>((resolve) => {
        release = resolve;
      }),
    });
    const instance = provider({ offline: false });
    const embedding = embedOne(instance, "hello", "hub-mini");
    await requested;
    expect(await instance.models.modelStatus!(call("hub-mini"))).toEqual({
      state: "downloading",
      reason: "downloading test-org/mini-bert",
    });
    release();
    await embedding;
    expect(await instance.models.modelStatus!(call("hub-mini"))).toMatchObject({ state: "ready" });
    const { models } = await instance.models.listModels({ signal: signal() });
    expect(models.find((model) => model.id === "hub-mini")?.source).toBe("cache");
  });

  it("lists a preset once when a configured model answers to its name", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const instance = provider({
      embeddingModels: [
        "AllMiniLmL6V2",
        { name: "mine", path: local.encoder, aliases: ["BgeSmallEn"] },
      ],
    });
    const ids = (await instance.models.listModels({ signal: signal() })).models.map(
      (model) => model.id,
    );
    expect(ids.filter((id) => id === "AllMiniLmL6V2")).toHaveLength(1);
    expect(ids).not.toContain("BgeSmallEn");
    expect(ids.slice(0, 2)).toEqual(["AllMiniLmL6V2", "mine"]);
  });

  it("a configured directory without the ONNX file is unavailable, with the reason", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const instance = provider({
      embeddingModels: [{ name: "empty", path: cache.path }],
    });
    expect(await instance.models.modelStatus!(call("empty"))).toEqual({
      state: "unavailable",
      reason: `no ONNX file (onnx/model.onnx or model.onnx) in ${cache.path}`,
    });
  });

  it("rejects an already-aborted signal", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const controller = new AbortController();
    controller.abort();
    await expect(provider().models.listModels({ signal: controller.signal })).rejects.toMatchObject(
      { code: "aborted" },
    );
    await expect(
      provider().models.modelStatus!({
        model: "mini-bert",
        signal: controller.signal,
        providerOptions: {},
      }),
    ).rejects.toMatchObject({ code: "aborted" });
  });
});
