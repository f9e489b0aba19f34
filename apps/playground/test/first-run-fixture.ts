/**
 * A first-run playground for tests: no keys, an empty model cache, and a
 * loopback Hub mirror (`HF_ENDPOINT`) serving the project's generated models
 * under the default models' real repositories. The embedding model's ONNX
 * body pauses halfway until `release()`, so a test can look at the download
 * while it runs (an event, not a delay); `clock` is the download tracker's.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MINILM_L6_SHAPE, testModelFiles, writeMiniLmModel } from "@ratatoskr/onnx-test-models";
import { startFakeHub } from "@ratatoskr/provider-local-onnx/internal/test-support";
import {
  buildPlaygroundGateway,
  DEFAULT_LOCAL_NLI_MODEL,
  type EmbeddedPlaygroundGateway,
} from "../src/build-playground-gateway.ts";
import { createDownloadTracker } from "../src/download-progress.ts";
import { loadPlaygroundConfig, type PlaygroundConfig } from "../src/playground-config.ts";

/** A promise and its resolve function. */
function signal() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** The running fixture. */
export interface FirstRun {
  built: EmbeddedPlaygroundGateway;
  config: PlaygroundConfig;
  hub: Awaited<ReturnType<typeof startFakeHub>>;
  /** all-MiniLM-L6-v2's repository files as the mirror serves them. */
  miniLm: Record<string, Uint8Array>;
  /** Resolves when the embedding model's first half has been delivered. */
  halfway: Promise<void>;
  /** Lets the rest of the embedding model through. */
  release(): void;
  /** The tracker's clock, in milliseconds. */
  clock: { now: number };
  close(): Promise<void>;
}

/** Start the mirror and build the playground's gateway against it. */
export async function startFirstRun(): Promise<FirstRun> {
  const files = testModelFiles();
  const { "onnx/model.onnx": nliModel, ...nliRest } = files.nli;
  const cacheDir = await mkdtemp(join(tmpdir(), "playground-first-run-"));
  // all-MiniLM-L6-v2's layout and 384 dimensions (the preset checks them), one small layer.
  const repository = await writeMiniLmModel(join(cacheDir, "generated"), {
    ...MINILM_L6_SHAPE,
    layers: 1,
    intermediateSize: 32,
    vocabularySize: 200,
    maxPositions: 64,
  });
  const miniLm: Record<string, Uint8Array> = {};
  for (const entry of await readdir(repository, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    miniLm[path.slice(repository.length + 1)] = await readFile(path);
  }
  const hub = await startFakeHub({
    "Qdrant/all-MiniLM-L6-v2-onnx": miniLm,
    [DEFAULT_LOCAL_NLI_MODEL.repo]: { ...nliRest, [DEFAULT_LOCAL_NLI_MODEL.file]: nliModel! },
  });
  const halfway = signal();
  const released = signal();
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
          await released.promise;
          controller.enqueue(bytes.subarray(half));
        } else controller.close();
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const config = loadPlaygroundConfig({
    env: { PORT: "0", RATATOSKR_CACHE_DIR: cacheDir, HF_ENDPOINT: hub.url },
    cwd: cacheDir,
  });
  config.providers = { ...config.providers, ollama: { probe: false } };
  const clock = { now: 0 };
  const built = await buildPlaygroundGateway(config, {
    downloads: createDownloadTracker({ fetch: gatedFetch, now: () => clock.now }),
  });
  return {
    built,
    config,
    hub,
    miniLm,
    halfway: halfway.promise,
    release: released.resolve,
    clock,
    async close() {
      released.resolve();
      await built.gateway.dispose();
      await hub.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
