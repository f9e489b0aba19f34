/**
 * Test support (not exported from the package): writes the tiny test models
 * of @ratatoskr/onnx-test-models into a fresh temporary directory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestModelDirectories, writeTestModels } from "@ratatoskr/onnx-test-models";
import type { RecordedRequest } from "@ratatoskr/testing";

/** A temporary directory holding the test models; `cleanup()` removes it. */
export async function temporaryTestModels(): Promise<
  TestModelDirectories & { cleanup: () => Promise<void> }
> {
  const root = await mkdtemp(join(tmpdir(), "ratatoskr-onnx-"));
  const directories = await writeTestModels(join(root, "models"));
  return { ...directories, root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A fresh empty temporary directory. */
export async function temporaryDirectory(
  prefix: string,
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Files of one fake Hub repo: path → bytes. */
export type FakeRepo = Record<string, Uint8Array>;

/** Faults a {@link startFakeHub} can inject, changeable between calls. */
export interface FakeHubFaults {
  /** Paths whose body is cut (socket destroyed) after half the bytes, while the count is > 0. */
  cut?: Map<string, number>;
  /** Paths served with wrong bytes (their announced SHA-256 no longer matches), while the count is > 0. */
  corrupt?: Map<string, number>;
  /** Paths answered with this status. */
  status?: Map<string, number>;
  /**
   * Paths whose CDN response is held: the server calls `reached()` when the
   * request arrives and answers once `release` settles (an event, not a delay).
   */
  hold?: Map<string, { reached: () => void; release: Promise<void> }>;
}

/**
 * A loopback fake of the Hugging Face Hub's file endpoint:
 * `GET /{org}/{name}/resolve/{revision}/{path}`. Like the real Hub, large
 * files (`.onnx`, `*_data`) answer with a 302 to a CDN on another origin,
 * carrying `x-linked-etag` (SHA-256) and `x-linked-size`; small files answer
 * with a relative 307 to `/api/resolve-cache/…` on the Hub itself.
 */
export async function startFakeHub(repos: Record<string, FakeRepo>, faults: FakeHubFaults = {}) {
  const { createHash } = await import("node:crypto");
  const { startLoopbackServer } = await import("@ratatoskr/testing");
  const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
  const blobs = new Map<string, Uint8Array>();
  const requests: RecordedRequest[] = [];
  const take = (map: Map<string, number> | undefined, key: string) => {
    const count = map?.get(key) ?? 0;
    if (count > 0) map!.set(key, count - 1);
    return count > 0;
  };
  const record = (request: IncomingMessage, body: string) =>
    requests.push({
      method: request.method ?? "GET",
      url: request.url ?? "/",
      headers: request.headers,
      body,
    });
  const commit = "0123456789abcdef0123456789abcdef01234567";

  // The CDN is another origin, as the real Hub's (cas-bridge.xethub.hf.co, cdn-lfs.hf.co).
  const cdn = await startLoopbackServer(
    async (request, response, body) => {
      record(request, body);
      const match = /^\/cdn\/([0-9a-f]{64})\/(.+)$/.exec(
        new URL(request.url ?? "/", "http://cdn").pathname,
      );
      const bytes = match ? blobs.get(match[1]!) : undefined;
      if (!match || !bytes) {
        response.writeHead(404).end();
        return;
      }
      const path = decodeURIComponent(match[2]!);
      const held = faults.hold?.get(path);
      if (held !== undefined) {
        held.reached();
        await held.release;
      }
      if (take(faults.cut, path)) {
        response.writeHead(200, {
          "content-length": String(bytes.length),
          "content-type": "application/octet-stream",
        });
        // Destroy the socket once the first half reached it.
        response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () =>
          response.socket?.destroy(),
        );
        return;
      }
      const served = take(faults.corrupt, path) ? bytes.map((byte) => byte ^ 0xff) : bytes;
      response.writeHead(200, {
        "content-length": String(served.length),
        "content-type": "application/octet-stream",
      });
      response.end(served);
    },
    { record: false },
  );

  const hub = await startLoopbackServer(
    (request, response, body) => {
      record(request, body);
      const url = new URL(request.url ?? "/", "http://hub");
      const cached = /^\/api\/resolve-cache\/models\/([^/]+\/[^/]+)\/([^/]+)\/(.+)$/.exec(
        url.pathname,
      );
      if (cached) {
        const bytes =
          repos[decodeURIComponent(cached[1]!)]?.[
            cached[3]!.split("/").map(decodeURIComponent).join("/")
          ];
        if (!bytes) {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, {
          "content-length": String(bytes.length),
          "x-repo-commit": commit,
        });
        response.end(bytes);
        return;
      }
      const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
      const repo = match ? repos[decodeURIComponent(match[1]!)] : undefined;
      const path = match ? match[3]!.split("/").map(decodeURIComponent).join("/") : "";
      const status = faults.status?.get(path);
      if (status !== undefined) {
        response
          .writeHead(status, { "content-type": "application/json" })
          .end(JSON.stringify({ error: "fault" }));
        return;
      }
      if (!repo) {
        response
          .writeHead(401, { "content-type": "application/json", "x-error-code": "RepoNotFound" })
          .end(JSON.stringify({ error: "Repository not found" }));
        return;
      }
      const bytes = repo[path];
      if (!bytes) {
        response
          .writeHead(404, { "content-type": "application/json", "x-error-code": "EntryNotFound" })
          .end(JSON.stringify({ error: "Entry not found" }));
        return;
      }
      if (path.endsWith(".onnx") || path.endsWith("_data")) {
        // Large (LFS/Xet) files: 302 to the CDN, with the file's SHA-256 and size in x-linked-*.
        const hash = sha256(bytes);
        blobs.set(hash, bytes);
        response
          .writeHead(302, {
            location: `${cdn.url}/cdn/${hash}/${encodeURIComponent(path)}`,
            "x-linked-etag": `"${hash}"`,
            "x-linked-size": String(bytes.length),
            "x-repo-commit": commit,
            etag: `"${hash}"`,
          })
          .end();
        return;
      }
      // Small files: a relative 307 within the Hub, with a git (SHA-1) etag.
      response
        .writeHead(307, {
          location: `/api/resolve-cache/models/${match![1]}/${commit}/${match![3]}`,
          etag: `"${createHash("sha1").update(bytes).digest("hex")}"`,
          "x-repo-commit": commit,
        })
        .end();
    },
    { record: false },
  );
  return {
    url: hub.url,
    requests,
    close: async () => {
      await hub.close();
      await cdn.close();
    },
  };
}
