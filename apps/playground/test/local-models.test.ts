/**
 * "Local models already on disk": a model directory from the config file,
 * and presets found in the model cache (laid out the way the Hub download
 * leaves them), served offline through the real
 * `@ratatoskr/provider-local-onnx` code path on tiny test models.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { testModelFiles, writeTestModels } from "@ratatoskr/onnx-test-models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlaygroundGateway, type PlaygroundGateway } from "../src/build-playground-gateway.ts";
import { loadPlaygroundConfig } from "../src/playground-config.ts";
import { createPlaygroundApp } from "../src/playground-server.ts";

async function writeSnapshot(
  cacheDir: string,
  repo: string,
  files: Record<string, Uint8Array>,
): Promise<void> {
  const snapshot = join(cacheDir, `models--${repo.replace("/", "--")}`, "snapshots", "main");
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(snapshot, path)), { recursive: true });
    await writeFile(join(snapshot, path), bytes);
  }
}

describe("local models found in the cache", () => {
  let cacheDir: string;
  let built: PlaygroundGateway;
  const host = { host: "localhost:4173" };

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "playground-models-"));
    const files = testModelFiles();
    // The preset's cache layout (a tiny NLI model stands in for nli-deberta-v3-small).
    await writeSnapshot(cacheDir, "cross-encoder/nli-deberta-v3-small", files.nli);
    // A model directory named in the config file.
    const directories = await writeTestModels(join(cacheDir, "own-models"));
    const configFile = join(cacheDir, "ratatoskr.playground.json");
    await writeFile(
      configFile,
      JSON.stringify({
        providers: {
          ollama: { probe: false },
          local: {
            embeddingModels: [{ name: "mini-bert", path: directories.encoder, pooling: "mean" }],
          },
        },
      }),
    );
    const config = loadPlaygroundConfig({
      env: { PORT: "0", RATATOSKR_CACHE_DIR: cacheDir, HF_HUB_OFFLINE: "1" },
      cwd: cacheDir,
    });
    expect(config.configFile).toBe(configFile);
    built = await buildPlaygroundGateway(config);
  });

  afterAll(async () => {
    await built?.gateway.dispose();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("registers both, offline, with their models in the pickers", async () => {
    const local = built.setup.find((provider) => provider.id === "local")!;
    expect(local.state).toBe("ready");
    expect(local.detail).toContain(
      "configured: mini-bert; found in the cache: nli-deberta-v3-small; offline; device cpu",
    );
    expect(local.models).toEqual({
      embed: ["local:mini-bert"],
      nli: ["local:nli-deberta-v3-small"],
      classify: ["local:nli-deberta-v3-small"],
    });
  });

  it("serves embeddings, NLI and zero-shot from them through the API", async () => {
    const app = createPlaygroundApp({
      ...built,
      config: loadPlaygroundConfig({ env: {}, cwd: cacheDir }),
      assets: { script: "", style: "" },
    });
    const post = (path: string, body: unknown) =>
      app.request(path, {
        method: "POST",
        headers: { ...host, "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    const embeddings = await post("/api/embeddings", {
      texts: ["hello world", "hello world", "the end"],
      model: "local:mini-bert",
    });
    expect(embeddings.status).toBe(200);
    const matrix = (await embeddings.json()) as { matrix: number[][]; route: { provider: string } };
    expect(matrix.route.provider).toBe("local");
    expect(matrix.matrix[0]![1]).toBeCloseTo(1, 4);
    expect(matrix.matrix[0]![2]).toBeLessThan(1);

    const nli = await post("/api/nli", {
      premise: "hello world",
      hypothesis: "the end",
      model: "local:nli-deberta-v3-small",
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
      model: "local:nli-deberta-v3-small",
    });
    expect(classify.status).toBe(200);
    const ranked = ((await classify.json()) as { ranked: Array<{ score: number }> }).ranked;
    expect(ranked.reduce((sum, entry) => sum + entry.score, 0)).toBeCloseTo(1, 5);
  });

  it("does not download a model that is not on disk when offline: it says so", async () => {
    const app = createPlaygroundApp({
      ...built,
      config: loadPlaygroundConfig({ env: {}, cwd: cacheDir }),
      assets: { script: "", style: "" },
    });
    const response = await app.request("/api/embeddings", {
      method: "POST",
      headers: { ...host, "content-type": "application/json" },
      body: JSON.stringify({ texts: ["x"], model: "local:bge-small-en-v1.5" }),
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("configuration");
    expect(body.error.message).toContain("offline");
  });
});
