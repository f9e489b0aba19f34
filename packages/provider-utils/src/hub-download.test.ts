import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { startLoopbackServer } from "@ratatoskr/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HubFileDownloader, type HubFileDownloaderSettings } from "./hub-download.ts";

const TOKEN = "hf_test-key-canary-123456";
const BYTES = new TextEncoder().encode(JSON.stringify({ hidden_size: 8 }));
const SHA256 = createHash("sha256").update(BYTES).digest("hex");

let cacheDirectory: string;
beforeEach(async () => {
  cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-hub-"));
});
afterEach(async () => {
  await rm(cacheDirectory, { recursive: true, force: true });
});

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

interface SeenRequest {
  url: string;
  authorization: string | undefined;
  redirect: RequestRedirect | undefined;
}

/** A fetch playing the Hub at https://hub.test and a CDN on another origin, recording what each received. */
function fakeHubFetch(
  seen: SeenRequest[],
  options: { cdnResponse?: () => Response; delayMs?: number } = {},
): typeof globalThis.fetch {
  return async (input, init) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    seen.push({
      url,
      authorization: headers.get("authorization") ?? undefined,
      redirect: init?.redirect,
    });
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (url === "https://hub.test/org/name/resolve/main/model.onnx") {
      return new Response(null, {
        status: 302,
        headers: {
          location: `https://cdn.test/blobs/${SHA256}`,
          "x-linked-etag": `"${SHA256}"`,
          "x-linked-size": String(BYTES.length),
        },
      });
    }
    if (url === `https://cdn.test/blobs/${SHA256}`) {
      return options.cdnResponse?.() ?? new Response(BYTES);
    }
    if (url === "https://hub.test/org/name/resolve/main/config.json") {
      return new Response(null, {
        status: 307,
        headers: { location: "/api/resolve-cache/models/org/name/abc/config.json" },
      });
    }
    if (url === "https://hub.test/api/resolve-cache/models/org/name/abc/config.json") {
      return new Response(BYTES);
    }
    // Two hops: within the Hub first, then to another origin.
    if (url === "https://hub.test/org/name/resolve/main/weights.bin") {
      return new Response(null, { status: 307, headers: { location: "/api/weights.bin" } });
    }
    if (url === "https://hub.test/api/weights.bin") {
      return new Response(null, {
        status: 302,
        headers: { location: `https://cdn.test/blobs/${SHA256}`, "x-linked-etag": SHA256 },
      });
    }
    return new Response("Entry not found", { status: 404 });
  };
}

const downloaderFor = (
  fetch: typeof globalThis.fetch,
  settings: Partial<HubFileDownloaderSettings> = {},
) =>
  new HubFileDownloader({
    cacheDirectory,
    hubURL: "https://hub.test",
    offline: false,
    token: TOKEN,
    fetch,
    ...settings,
  });

describe("HubFileDownloader redirects", () => {
  it("never sends the token to another origin a redirect points to; within the Hub it does", async () => {
    const seen: SeenRequest[] = [];
    const downloader = downloaderFor(fakeHubFetch(seen));
    const model = await downloader.file({
      repository: "org/name",
      revision: "main",
      path: "model.onnx",
    });
    expect(new Uint8Array(await readFile(model!))).toEqual(BYTES);
    await downloader.file({ repository: "org/name", revision: "main", path: "config.json" });
    await downloader.file({ repository: "org/name", revision: "main", path: "weights.bin" });
    expect(seen.map((request) => request.url)).toEqual([
      "https://hub.test/org/name/resolve/main/model.onnx",
      `https://cdn.test/blobs/${SHA256}`,
      "https://hub.test/org/name/resolve/main/config.json",
      "https://hub.test/api/resolve-cache/models/org/name/abc/config.json",
      "https://hub.test/org/name/resolve/main/weights.bin",
      "https://hub.test/api/weights.bin",
      `https://cdn.test/blobs/${SHA256}`,
    ]);
    expect(seen.every((request) => request.redirect === "manual")).toBe(true);
    for (const request of seen) {
      expect(request.authorization, request.url).toBe(
        request.url.startsWith("https://hub.test/") ? `Bearer ${TOKEN}` : undefined,
      );
    }
  });

  it("checks the size and SHA-256 announced on the redirect against the CDN's bytes, keeping nothing", async () => {
    for (const [name, cdnResponse, message] of [
      ["short", () => new Response(BYTES.subarray(1)), "size mismatch"],
      ["altered", () => new Response(BYTES.map((byte) => byte ^ 1)), "SHA-256 mismatch"],
    ] as const) {
      const downloader = downloaderFor(fakeHubFetch([], { cdnResponse }));
      const error = await downloader
        .file({ repository: "org/name", revision: "main", path: "model.onnx" })
        .catch((caught: unknown) => caught);
      expect(RatatoskrError.isInstance(error, "data"), name).toBe(true);
      expect((error as Error).message).toContain(message);
      expect(await listFiles(cacheDirectory)).toEqual([]);
    }
  });
});

describe("HubFileDownloader single-flight", () => {
  it("one download for concurrent callers; one caller's abort ends only its own wait", async () => {
    const seen: SeenRequest[] = [];
    const downloader = downloaderFor(fakeHubFetch(seen, { delayMs: 60 }));
    const file = { repository: "org/name", revision: "main", path: "model.onnx" };
    const controller = new AbortController();
    const aborted = downloader.file(file, controller.signal);
    const patient = downloader.file(file);
    setTimeout(() => controller.abort(), 10);
    const error = await aborted.catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "aborted")).toBe(true);
    expect(new Uint8Array(await readFile((await patient)!))).toEqual(BYTES);
    expect(seen.filter((request) => request.url.startsWith("https://cdn.test/"))).toHaveLength(1);
  });
});

describe("HubFileDownloader names and offline mode", () => {
  it("refuses repository, revision and file names that would leave the cache, before any request", async () => {
    const seen: SeenRequest[] = [];
    const downloader = downloaderFor(fakeHubFetch(seen));
    for (const [repository, revision, path] of [
      ["org/../../escape", "main", "model.onnx"],
      ["../escape", "main", "model.onnx"],
      ["org/name", "../../../escape", "model.onnx"],
      ["org/name", "..", "model.onnx"],
      ["org/name", "main", "../../escape.onnx"],
      ["org/name", "main", "/etc/passwd"],
      ["org/name", "main", "onnx\\model.onnx"],
      ["org/name", "main", "onnx//model.onnx"],
    ] as const) {
      await expect(
        downloader.file({ repository, revision, path }),
        `${repository}@${revision}/${path}`,
      ).rejects.toMatchObject({ code: "configuration" });
    }
    expect(seen).toEqual([]);
  });

  it("offline and absent: a configuration error and no request; optional files resolve to undefined", async () => {
    const seen: SeenRequest[] = [];
    const downloader = downloaderFor(fakeHubFetch(seen), {
      offline: true,
      offlineHint: "or configure a local directory.",
    });
    await expect(
      downloader.file({ repository: "org/name", revision: "main", path: "model.onnx" }),
    ).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringMatching(/not in the cache .*offline mode is on.*local directory/),
    });
    expect(
      await downloader.file({
        repository: "org/name",
        revision: "main",
        path: "extra.json",
        optional: true,
      }),
    ).toBeUndefined();
    expect(seen).toEqual([]);
  });
});

describe("HubFileDownloader and compressed answers", () => {
  it("checks the size of what it wrote, not a compressed content-length", async () => {
    const { gzipSync } = await import("node:zlib");
    const json = new TextEncoder().encode(
      JSON.stringify({ hidden_size: 8, padding: "x".repeat(500) }),
    );
    const compressed = gzipSync(json);
    const server = await startLoopbackServer((_request, response) => {
      response.writeHead(200, {
        "content-encoding": "gzip",
        "content-length": String(compressed.length),
      });
      response.end(compressed);
    });
    try {
      const downloader = new HubFileDownloader({
        cacheDirectory,
        hubURL: server.url,
        offline: false,
        fetch: globalThis.fetch,
      });
      const path = await downloader.file({
        repository: "org/name",
        revision: "main",
        path: "config.json",
      });
      expect(new Uint8Array(await readFile(path!))).toEqual(json);
    } finally {
      await server.close();
    }
  });
});

describe("HubFileDownloader writing to disk", () => {
  it("a file that cannot be written fails cleanly: a typed error, nothing left behind, no hang", async () => {
    const chunk = new Uint8Array(64 * 1024);
    const settings = {
      hubURL: "http://hub.invalid",
      offline: false,
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              for (let index = 0; index < 4; index++) controller.enqueue(chunk);
              controller.close();
            },
          }),
        ),
    };
    // The file name fits, the temporary name next to it does not (ENAMETOOLONG when opened);
    // a directory that cannot be made (a file is in the way) fails before any write.
    await writeFile(join(cacheDirectory, "blocked"), "");
    for (const [directory, path] of [
      [cacheDirectory, `${"m".repeat(240)}.onnx`],
      [join(cacheDirectory, "blocked"), "model.onnx"],
    ] as const) {
      const error = await new HubFileDownloader({ ...settings, cacheDirectory: directory })
        .file({ repository: "org/name", revision: "main", path })
        .catch((caught: unknown) => caught);
      expect(RatatoskrError.isInstance(error, "configuration"), String(error)).toBe(true);
      expect((error as RatatoskrError).message).toContain("into the cache");
    }
    expect(
      (await listFiles(cacheDirectory)).filter((file) => file.includes("/snapshots/")),
    ).toEqual([]);
  });
});
