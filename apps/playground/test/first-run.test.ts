/**
 * The first run with no keys: the playground registers the local provider's
 * default models (all-MiniLM-L6-v2 for embeddings, nli-deberta-v3-xsmall for
 * NLI and zero-shot), downloads them from the Hub on first use — here a
 * loopback Hub mirror (`HF_ENDPOINT`) serving the project's generated tiny
 * models under the real repositories' names — and reports the download's
 * bytes, rate and time left on `/api/status` while it runs. Offline with an
 * empty cache, it says how to get them instead.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildPlaygroundGateway,
  DEFAULT_LOCAL_NLI_MODEL,
} from "../src/build-playground-gateway.ts";
import type { DownloadProgress } from "../src/download-progress.ts";
import { loadPlaygroundConfig } from "../src/playground-config.ts";
import { createPlaygroundApp } from "../src/playground-server.ts";
import { type FirstRun, startFirstRun } from "./first-run-fixture.ts";

const HOST = { host: "localhost:4173" };

interface StatusBody {
  capabilities: Record<string, { available: boolean; providers: string[] }>;
  providers: Array<{ id: string; state: string; detail: string }>;
  models: Record<string, Array<{ model: string; provider: string }>>;
  downloads: DownloadProgress | null;
}

describe("first run with no keys: default local models from a loopback Hub mirror", () => {
  let run: FirstRun;
  let app: ReturnType<typeof createPlaygroundApp>;

  const status = async () =>
    (await (await app.request("/api/status", { headers: HOST })).json()) as StatusBody;
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { ...HOST, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    run = await startFirstRun();
    app = createPlaygroundApp({
      ...run.built,
      config: run.config,
      assets: { script: "", style: "" },
    });
  });

  afterAll(async () => {
    await run?.close();
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
    expect(run.hub.requests).toHaveLength(0); // nothing downloads before first use
  });

  it("downloads on first use, with bytes, rate and time left on /api/status while it runs", async () => {
    const size = run.miniLm["model.onnx"]!.length;
    const embedding = post("/api/embeddings", {
      texts: ["hello world", "hello world", "the end"],
      model: "local:all-MiniLM-L6-v2",
    });
    await run.halfway;
    run.clock.now = 2000; // two seconds after the file's first byte
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

    run.release();
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
