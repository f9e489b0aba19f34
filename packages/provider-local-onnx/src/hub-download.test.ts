import { cp, mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encoderModel, testModelFiles } from "@ratatoskr/onnx-test-models";
import { expectBaseURLRejected } from "@ratatoskr/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { HubDownloader } from "./hub-download.ts";
import { createLocalOnnx } from "./local-onnx-provider.ts";
import {
  type FakeHubFaults,
  startFakeHub,
  temporaryDirectory,
  temporaryTestModels,
} from "./test-fixtures.ts";
import { embedMany, embedOne } from "./test-requests.ts";

async function listFiles(directory: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
      .sort();
  } catch {
    return [];
  }
}

const files = testModelFiles();
const withExternalData = (() => {
  const { model, data } = encoderModel({ location: "model.onnx_data" });
  return { ...files.encoder, "model.onnx": model, "model.onnx_data": data };
})();
const escaping = {
  ...files.encoder,
  "model.onnx": encoderModel({ location: "../../../secret.bin" }).model,
};

describe("Hub download into the cache (loopback fake Hub)", () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  const faults: FakeHubFaults = {
    cut: new Map(),
    corrupt: new Map(),
    status: new Map(),
    hold: new Map(),
  };
  let cache: Awaited<ReturnType<typeof temporaryDirectory>>;
  let local: Awaited<ReturnType<typeof temporaryTestModels>>;

  beforeAll(async () => {
    hub = await startFakeHub(
      {
        "test-org/mini-bert": files.encoder,
        "Qdrant/all-MiniLM-L6-v2-onnx": files.encoder,
        "test-org/tiny-nli": files.nli,
        "test-org/external": withExternalData,
        "test-org/escaping": escaping,
      },
      faults,
    );
    local = await temporaryTestModels();
  });
  afterAll(async () => {
    await hub.close();
    await local.cleanup();
  });
  afterEach(async () => {
    hub.requests.length = 0;
    faults.cut!.clear();
    faults.corrupt!.clear();
    faults.status!.clear();
    faults.hold!.clear();
    await cache?.cleanup();
  });

  const provider = (settings: Parameters<typeof createLocalOnnx>[0] = {}) =>
    createLocalOnnx({
      embeddingModels: [
        { name: "hub-mini", repo: "test-org/mini-bert" },
        { name: "local-mini", path: local.encoder },
        { name: "hub-external", repo: "test-org/external", file: "model.onnx" },
        { name: "hub-escaping", repo: "test-org/escaping", file: "model.onnx" },
        { name: "hub-missing", repo: "test-org/does-not-exist" },
      ],
      nliModels: [{ name: "hub-nli", repo: "test-org/tiny-nli" }],
      cacheDir: cache.path,
      hubUrl: hub.url,
      offline: false,
      ...settings,
    });

  it("downloads a repo once, with the Hub's URLs and file layout, and embeds like the local copy", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const first = provider();
    const fromHub = await embedOne(first, "hello world", "hub-mini");
    const fromDirectory = await embedOne(first, "hello world", "local-mini");
    fromHub.values.forEach((value, index) => {
      expect(value).toBeCloseTo(fromDirectory.values[index]!, 6);
    });
    const paths = hub.requests.map((request) => request.url);
    expect(paths).toContain("/test-org/mini-bert/resolve/main/onnx/model.onnx"); // tried first, 404
    expect(paths).toContain("/test-org/mini-bert/resolve/main/model.onnx");
    expect(paths).toContain("/test-org/mini-bert/resolve/main/tokenizer.json");
    expect(paths.some((path) => path.startsWith("/cdn/"))).toBe(true);
    expect(await listFiles(cache.path)).toEqual([
      // Optional files the Hub does not have are remembered, so they are not asked for again.
      "models--test-org--mini-bert/.no_exist/main/generation_config.json",
      "models--test-org--mini-bert/.no_exist/main/modules.json",
      "models--test-org--mini-bert/.no_exist/main/onnx/model.onnx",
      ...[
        "config.json",
        "model.onnx",
        "special_tokens_map.json",
        "tokenizer.json",
        "tokenizer_config.json",
      ].map((name) => `models--test-org--mini-bert/snapshots/main/${name}`),
    ]);
    await first.dispose?.();

    hub.requests.length = 0;
    const second = provider();
    await embedOne(second, "hello world", "hub-mini");
    expect(hub.requests).toHaveLength(0);
    await second.dispose?.();
  });

  it("concurrent first calls download each file once", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const instance = provider();
    await Promise.all([
      embedOne(instance, "a", "hub-mini"),
      embedOne(instance, "b", "hub-mini"),
      embedMany(instance, ["c", "d"], "hub-mini"),
    ]);
    const counts = new Map<string, number>();
    for (const request of hub.requests) counts.set(request.url, (counts.get(request.url) ?? 0) + 1);
    for (const [url, count] of counts) expect(count, url).toBe(1);
    expect(instance.loaded()).toEqual(["embedding:hub-mini"]);
    await instance.dispose?.();
  });

  it("offline and absent: a clear configuration error, no request; offline and cached: works without network", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const offline = provider({ offline: true });
    await expect(embedOne(offline, "hello", "hub-mini")).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringMatching(/not in the cache .*offline mode is on/),
    });
    expect(hub.requests).toHaveLength(0);
    await provider().preload("hub-mini");
    hub.requests.length = 0;
    const cached = provider({ offline: true });
    expect((await embedOne(cached, "hello", "hub-mini")).dimensions).toBe(8);
    expect(hub.requests).toHaveLength(0);
  });

  it("HF_HUB_OFFLINE=1 turns offline mode on when the setting is absent", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    vi.stubEnv("HF_HUB_OFFLINE", "1");
    try {
      const instance = createLocalOnnx({
        embeddingModels: [{ name: "hub-mini", repo: "test-org/mini-bert" }],
        cacheDir: cache.path,
        hubUrl: hub.url,
      });
      await expect(embedOne(instance, "hello", "hub-mini")).rejects.toMatchObject({
        code: "configuration",
      });
      expect(hub.requests).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("RATATOSKR_CACHE_DIR is the default cache directory", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    vi.stubEnv("RATATOSKR_CACHE_DIR", cache.path);
    try {
      const instance = createLocalOnnx({
        embeddingModels: [{ name: "hub-mini", repo: "test-org/mini-bert" }],
        hubUrl: hub.url,
        offline: false,
      });
      await instance.preload("hub-mini");
      expect(await listFiles(cache.path)).toContain(
        "models--test-org--mini-bert/snapshots/main/model.onnx",
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("an abort ends the call at once; the shared download goes on and serves the next call", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    // The CDN holds the model file until the test releases it: the aborted call
    // must end while the download is still in flight.
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
    const instance = provider();
    const controller = new AbortController();
    const first = embedOne(instance, "hello", "hub-mini", { signal: controller.signal });
    await requested;
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: "aborted" });
    const second = embedOne(instance, "hello", "hub-mini");
    release();
    expect((await second).dimensions).toBe(8);
    const modelRequests = hub.requests.filter(
      (request) => request.url.endsWith("/model.onnx") && request.url.startsWith("/cdn/"),
    );
    expect(modelRequests).toHaveLength(1);
  });

  it("a download cut mid-body fails cleanly (nothing half-written) and the next call retries", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    faults.cut!.set("model.onnx", 1);
    const instance = provider();
    await expect(embedOne(instance, "hello", "hub-mini")).rejects.toMatchObject({
      code: "network",
    });
    const left = (await listFiles(cache.path)).filter((file) => file.includes("/snapshots/"));
    expect(
      left.filter((file) => file.includes("incomplete") || file.endsWith("model.onnx")),
    ).toEqual([]);
    expect((await embedOne(instance, "hello", "hub-mini")).dimensions).toBe(8);
  });

  it("a download whose SHA-256 does not match the Hub's x-linked-etag is discarded (data error)", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    faults.corrupt!.set("model.onnx", 1);
    const instance = provider();
    await expect(embedOne(instance, "hello", "hub-mini")).rejects.toMatchObject({
      code: "data",
      message: expect.stringContaining("SHA-256 mismatch"),
    });
    const snapshots = (await listFiles(cache.path)).filter((file) => file.includes("/snapshots/"));
    expect(
      snapshots.filter((file) => file.endsWith(".onnx") || file.includes("incomplete")),
    ).toEqual([]);
    expect((await embedOne(instance, "hello", "hub-mini")).dimensions).toBe(8);
  });

  it("maps Hub failures: unknown repo → authentication (the Hub answers 401), missing file → model_not_found, 5xx → provider", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    await expect(embedOne(provider(), "x", "hub-missing")).rejects.toMatchObject({
      code: "authentication",
    });
    faults.status!.set("tokenizer.json", 404);
    await expect(embedOne(provider(), "x", "hub-mini")).rejects.toMatchObject({
      code: "model_not_found",
    });
    faults.status!.set("tokenizer.json", 503);
    await expect(embedOne(provider(), "x", "hub-mini")).rejects.toMatchObject({
      code: "provider",
      isRetryable: true,
    });
  });

  it("a Hub token goes to the Hub only, never to the redirect target, and never into errors", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const token = "test-key-canary-123456";
    const instance = provider({ hubToken: token });
    await instance.preload("hub-mini");
    const toHub = hub.requests.filter(
      (request) => request.url.includes("/resolve/") || request.url.includes("/resolve-cache/"),
    );
    expect(toHub.some((request) => request.url.startsWith("/api/resolve-cache/"))).toBe(true);
    const toCdn = hub.requests.filter((request) => request.url.startsWith("/cdn/"));
    expect(toHub.every((request) => request.headers.authorization === `Bearer ${token}`)).toBe(
      true,
    );
    expect(toCdn.length).toBeGreaterThan(0);
    expect(toCdn.every((request) => request.headers.authorization === undefined)).toBe(true);
    faults.status!.set("tokenizer.json", 500);
    await cache.cleanup();
    const error = await embedOne(provider({ hubToken: token }), "x", "hub-mini").catch(
      (caught: unknown) => caught,
    );
    expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toContain(token);
    expect(String((error as Error).message)).not.toContain(token);
  });

  it("a preset name downloads the preset's repo (Qdrant/all-MiniLM-L6-v2-onnx, model.onnx at the root)", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const instance = createLocalOnnx({ cacheDir: cache.path, hubUrl: hub.url, offline: false });
    expect(instance.supports!("embed", "all-MiniLM-L6-v2")).toBe(true);
    // The tiny stand-in has 8 dimensions, the preset declares 384: the download works, the check catches it.
    await expect(embedOne(instance, "hello", "all-MiniLM-L6-v2")).rejects.toMatchObject({
      code: "data",
      message: expect.stringContaining("384"),
    });
    expect(hub.requests.map((request) => request.url)).toContain(
      "/Qdrant/all-MiniLM-L6-v2-onnx/resolve/main/model.onnx",
    );
    expect(await listFiles(cache.path)).toContain(
      "models--Qdrant--all-MiniLM-L6-v2-onnx/snapshots/main/model.onnx",
    );
  });

  it("downloads external data next to the model and loads it", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    const instance = provider();
    const fromHub = await embedOne(instance, "the cat", "hub-external");
    const fromDirectory = await embedOne(instance, "the cat", "local-mini");
    fromHub.values.forEach((value, index) => {
      expect(value).toBeCloseTo(fromDirectory.values[index]!, 6);
    });
    expect(await listFiles(cache.path)).toContain(
      "models--test-org--external/snapshots/main/model.onnx_data",
    );
  });

  it("refuses an external-data reference that escapes the model directory, before fetching or loading it", async () => {
    cache = await temporaryDirectory("ratatoskr-cache-");
    await expect(embedOne(provider(), "x", "hub-escaping")).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("escapes the model directory"),
    });
    expect(hub.requests.some((request) => request.url.includes("secret"))).toBe(false);
  });
});

describe("HubDownloader (used directly)", () => {
  it("refuses a hubUrl with credentials, unparsable or not http(s) when the provider is created", () => {
    expectBaseURLRejected(
      (hubUrl) => createLocalOnnx({ cacheDir: "/nonexistent/cache", hubUrl, offline: false }),
      "hubUrl",
    );
  });

  it("refuses repo and revision names that would leave the cache, before any request", async () => {
    const requested: string[] = [];
    const downloader = new HubDownloader({
      cacheDir: "/nonexistent/cache",
      hubUrl: "http://hub.invalid",
      offline: false,
      fetch: async (input) => {
        requested.push(String(input));
        return new Response("x");
      },
    });
    for (const [repo, revision] of [
      ["org/../../escape", "main"],
      ["../escape", "main"],
      ["org/name", "../../../escape"],
      ["org/name", ".."],
    ] as const) {
      await expect(
        downloader.file({ repo, revision, path: "model.onnx" }),
        `${repo}@${revision}`,
      ).rejects.toMatchObject({ code: "configuration" });
      expect(() => downloader.snapshotDir(repo, revision)).toThrow(
        expect.objectContaining({ code: "configuration" }),
      );
    }
    expect(requested).toEqual([]);
  });
});

describe("model directory trust boundary", () => {
  let models: Awaited<ReturnType<typeof temporaryTestModels>>;
  beforeAll(async () => {
    models = await temporaryTestModels();
  });
  afterAll(() => models.cleanup());

  const embedWith = (directory: string, file?: string) =>
    embedOne(
      createLocalOnnx({
        embeddingModels: [{ name: "m", path: directory, ...(file ? { file } : {}) }],
        offline: true,
        cacheDir: models.root,
      }),
      "hello",
      "m",
    );

  it("refuses configured file names with .., absolute paths or backslashes at creation", () => {
    for (const file of [
      "../model.onnx",
      "/etc/passwd",
      "onnx/../../x.onnx",
      "C:/x.onnx",
      "onnx\\model.onnx",
    ]) {
      expect(
        () => createLocalOnnx({ embeddingModels: [{ name: "m", path: models.encoder, file }] }),
        file,
      ).toThrow(expect.objectContaining({ code: "configuration" }));
    }
  });

  it("refuses a model file that is a symlink out of the model directory", async () => {
    const directory = join(models.root, "symlinked");
    await cp(models.encoder, directory, { recursive: true });
    const { rm } = await import("node:fs/promises");
    await rm(join(directory, "model.onnx"));
    await symlink(join(models.encoder, "model.onnx"), join(directory, "model.onnx"));
    await expect(embedWith(directory, "model.onnx")).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("outside the model directory"),
    });
  });

  it("refuses absolute and escaping external-data locations, and external data symlinked out", async () => {
    for (const [name, location] of [
      ["absolute", "/etc/passwd"],
      ["dotdot", "../outside.bin"],
      ["nested-dotdot", "weights/../../outside.bin"],
    ] as const) {
      const directory = join(models.root, `external-${name}`);
      await mkdir(directory, { recursive: true });
      await cp(models.encoder, directory, { recursive: true });
      await writeFile(join(directory, "model.onnx"), encoderModel({ location }).model);
      await expect(embedWith(directory, "model.onnx"), name).rejects.toMatchObject({
        code: "configuration",
      });
    }
    const directory = join(models.root, "external-symlink");
    await cp(models.encoder, directory, { recursive: true });
    const { model, data } = encoderModel({ location: "weights.bin" });
    await writeFile(join(directory, "model.onnx"), model);
    await writeFile(join(models.root, "outside-weights.bin"), data);
    await symlink(join(models.root, "outside-weights.bin"), join(directory, "weights.bin"));
    await expect(embedWith(directory, "model.onnx")).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("outside the model directory"),
    });
    // The same data inside the directory loads.
    const inside = join(models.root, "external-inside");
    await cp(models.encoder, inside, { recursive: true });
    await writeFile(join(inside, "model.onnx"), model);
    await writeFile(join(inside, "weights.bin"), data);
    expect((await embedWith(inside, "model.onnx")).dimensions).toBe(8);
  });

  it("a missing directory or tokenizer is a configuration error", async () => {
    await expect(embedWith(join(models.root, "nope"))).rejects.toMatchObject({
      code: "configuration",
    });
    const directory = join(models.root, "no-tokenizer");
    await mkdir(directory, { recursive: true });
    await cp(join(models.encoder, "model.onnx"), join(directory, "model.onnx"));
    await expect(embedWith(directory)).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("tokenizer.json"),
    });
  });

  it("a file that is not an ONNX model is a data error", async () => {
    const directory = join(models.root, "garbage");
    await cp(models.encoder, directory, { recursive: true });
    await writeFile(join(directory, "model.onnx"), "this is not protobuf \u0000\u00ff");
    await expect(embedWith(directory, "model.onnx")).rejects.toMatchObject({ code: "data" });
  });
});
