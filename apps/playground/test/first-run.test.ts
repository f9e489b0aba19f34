/**
 * The first run with no keys: the playground registers the local provider's
 * default models (all-MiniLM-L6-v2 for embeddings, nli-deberta-v3-xsmall for
 * NLI and zero-shot), downloads them from the Hub on first use — here a
 * loopback Hub mirror (`HF_ENDPOINT`) serving the project's generated tiny
 * models under the real repositories' names — and reports the download's
 * bytes, rate and time left on `/api/status` while it runs. Offline with an
 * empty cache, it says how to get them instead.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MINILM_L6_SHAPE, testModelFiles, writeMiniLmModel } from "@ratatoskr/onnx-test-models";
import { startFakeHub } from "@ratatoskr/provider-local-onnx/internal/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildPlaygroundGateway,
  DEFAULT_LOCAL_NLI_MODEL,
  type PlaygroundGateway,
} from "../src/build-playground-gateway.ts";
import { createDownloadTracker, type DownloadProgress } from "../src/download-progress.ts";
import { loadPlaygroundConfig } from "../src/playground-config.ts";
import { createPlaygroundApp } from "../src/playground-server.ts";

const HOST = { host: "localhost:4173" };

interface StatusBody {
  capabilities: Record<string, { available: boolean; providers: string[] }>;
  providers: Array<{ id: string; state: string; detail: string }>;
  models: Record<string, Array<{ model: string; provider: string }>>;
  downloads: DownloadProgress | null;
}

/** A promise and its resolve function. */
function signal() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("first run with no keys: default local models from a loopback Hub mirror", () => {
  const files = testModelFiles();
  const { "onnx/model.onnx": nliModel, ...nliRest } = files.nli;
  /** all-MiniLM-L6-v2's repository files, shrunk: 384 dimensions as the preset checks, one small layer. */
  let miniLm: Record<string, Uint8Array>;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let cacheDir: string;
  let built: PlaygroundGateway;
  let app: ReturnType<typeof createPlaygroundApp>;
  let clock = 0;
  // The embedding model's body stops after its first half until `release` (an event, not a delay).
  const halfway = signal();
  const release = signal();

  /** `fetch` whose answer for the embedding model's ONNX file pauses halfway. */
  const gatedFetch: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.includes("/cdn/") || !url.endsWith("/model.onnx") || response.body === null) {
      return response;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const half = Math.floor(bytes.length / 2);
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        step += 1;
        if (step === 1) controller.enqueue(bytes.subarray(0, half));
        else if (step === 2) {
          halfway.resolve();
          await release.promise;
          controller.enqueue(bytes.subarray(half));
        } else controller.close();
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };

  const status = async () =>
    (await (await app.request("/api/status", { headers: HOST })).json()) as StatusBody;
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { ...HOST, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "playground-first-run-"));
    const repository = await writeMiniLmModel(join(cacheDir, "generated"), {
      ...MINILM_L6_SHAPE,
      layers: 1,
      intermediateSize: 32,
      vocabularySize: 200,
      maxPositions: 64,
    });
    miniLm = {};
    for (const entry of await readdir(repository, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      miniLm[path.slice(repository.length + 1)] = await readFile(path);
    }
    hub = await startFakeHub({
      // The preset's repository, with a generated MiniLM-shaped encoder in place of the real model.
      "Qdrant/all-MiniLM-L6-v2-onnx": miniLm,
      [DEFAULT_LOCAL_NLI_MODEL.repo]: { ...nliRest, [DEFAULT_LOCAL_NLI_MODEL.file]: nliModel! },
    });
    const config = loadPlaygroundConfig({
      env: { PORT: "0", RATATOSKR_CACHE_DIR: cacheDir, HF_ENDPOINT: hub.url },
      cwd: cacheDir,
    });
    config.providers = { ...config.providers, ollama: { probe: false } };
    built = await buildPlaygroundGateway(config, {
      downloads: createDownloadTracker({ fetch: gatedFetch, now: () => clock }),
    });
    app = createPlaygroundApp({ ...built, config, assets: { script: "", style: "" } });
  });

  afterAll(async () => {
    release.resolve();
    await built?.gateway.dispose();
    await hub?.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("registers the default models before any download, and every page but chat works", async () => {
    const body = await status();
    const local = body.providers.find((provider) => provider.id === "local")!;
    expect(local.state).toBe("ready");
    expect(local.detail).toContain(
      "defaults: all-MiniLM-L6-v2, nli-deberta-v3-xsmall (downloaded from the Hugging Face Hub on first use)",
    );
    for (const capability of ["embed", "nli", "classify"]) {
      expect(body.capabilities[capability]!.providers).toContain("local");
    }
    expect(body.capabilities.chat!.available).toBe(false);
    expect(body.models.embed!.map((entry) => entry.model)).toContain("local:all-MiniLM-L6-v2");
    expect(body.models.nli!.map((entry) => entry.model)).toContain("local:nli-deberta-v3-xsmall");
    expect(body.downloads).toEqual({
      active: false,
      receivedBytes: 0,
      totalBytes: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
      files: [],
    });
    expect(hub.requests).toHaveLength(0); // nothing downloads before first use
  });

  it("downloads on first use, with bytes, rate and time left on /api/status while it runs", async () => {
    const size = miniLm["model.onnx"]!.length;
    const embedding = post("/api/embeddings", {
      texts: ["hello world", "hello world", "the end"],
      model: "local:all-MiniLM-L6-v2",
    });
    await halfway.promise;
    clock = 2000; // two seconds after the file's first byte
    const during = (await status()).downloads!;
    expect(during.active).toBe(true);
    const file = during.files.find((entry) => entry.path === "model.onnx")!;
    expect(file).toMatchObject({
      repo: "Qdrant/all-MiniLM-L6-v2-onnx",
      receivedBytes: Math.floor(size / 2),
      totalBytes: size,
      done: false,
    });
    expect(during.bytesPerSecond).toBeCloseTo(Math.floor(size / 2) / 2, 6);
    expect(during.etaSeconds).toBeCloseTo(
      ((size - Math.floor(size / 2)) / Math.floor(size / 2)) * 2,
      6,
    );

    release.resolve();
    const response = await embedding;
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { matrix: number[][]; route: { provider: string } };
    expect(answer.route.provider).toBe("local");
    expect(answer.matrix[0]![1]).toBeCloseTo(1, 4);

    const after = (await status()).downloads!;
    expect(after.active).toBe(false);
    expect(after.files.every((entry) => entry.done)).toBe(true);
    expect(after.receivedBytes).toBe(after.totalBytes);
    expect(after.files.map((entry) => `${entry.repo} ${entry.path}`)).toContain(
      "Qdrant/all-MiniLM-L6-v2-onnx tokenizer.json",
    );
  });

  it("serves NLI and zero-shot from the default cross-encoder, downloaded the same way", async () => {
    const nli = await post("/api/nli", {
      premise: "hello world",
      hypothesis: "the end",
      model: "local:nli-deberta-v3-xsmall",
    });
    expect(nli.status).toBe(200);
    const scores = (
      (await nli.json()) as {
        result: { entailment: number; neutral: number; contradiction: number };
      }
    ).result;
    expect(scores.entailment + scores.neutral + scores.contradiction).toBeCloseTo(1, 5);
    const classify = await post("/api/classify", {
      text: "hello world",
      labels: ["hello", "end"],
      model: "local:nli-deberta-v3-xsmall",
    });
    expect(classify.status).toBe(200);
    const downloads = (await status()).downloads!;
    expect(downloads.files.map((entry) => `${entry.repo} ${entry.path}`)).toContain(
      `${DEFAULT_LOCAL_NLI_MODEL.repo} ${DEFAULT_LOCAL_NLI_MODEL.file}`,
    );
  });
});

describe("first run offline (HF_HUB_OFFLINE) with an empty model cache", () => {
  it("leaves the local provider off and says how to get the default models", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "playground-offline-"));
    try {
      const config = loadPlaygroundConfig({
        env: { PORT: "0", RATATOSKR_CACHE_DIR: cacheDir, HF_HUB_OFFLINE: "1" },
        cwd: cacheDir,
      });
      config.providers = { ...config.providers, ollama: { probe: false } };
      const built = await buildPlaygroundGateway(config);
      const local = built.setup.find((provider) => provider.id === "local")!;
      expect(local.state).toBe("not-configured");
      expect(local.detail).toBe(
        "HF_HUB_OFFLINE is set and the default models (all-MiniLM-L6-v2, nli-deberta-v3-xsmall) are not in the model cache: unset HF_HUB_OFFLINE once to download them",
      );
      const app = createPlaygroundApp({ ...built, config, assets: { script: "", style: "" } });
      const body = (await (
        await app.request("/api/status", { headers: HOST })
      ).json()) as StatusBody & {
        capabilities: Record<string, { hints: Array<{ setting: string }> }>;
      };
      expect(body.capabilities.embed!.available).toBe(false);
      expect(body.capabilities.embed!.hints[0]!.setting).toContain("unset HF_HUB_OFFLINE");
      await built.gateway.dispose();
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
