/**
 * Test support (not exported from the package): writes the tiny test models
 * of @ratatoskr/onnx-test-models into a fresh temporary directory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestModelDirectories, writeTestModels } from "@ratatoskr/onnx-test-models";

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
}

/**
 * A loopback fake of the Hugging Face Hub's file endpoint:
 * `GET /{org}/{name}/resolve/{revision}/{path}`. Like the real Hub, large
 * files (`.onnx`, `*_data`) answer with a 302 to a CDN URL carrying
 * `x-linked-etag` (SHA-256) and `x-linked-size`; small files are served
 * directly with a git-style etag.
 */
export async function startFakeHub(repos: Record<string, FakeRepo>, faults: FakeHubFaults = {}) {
  const { createHash } = await import("node:crypto");
  const { startLoopbackServer } = await import("@ratatoskr/testing");
  const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
  const blobs = new Map<string, Uint8Array>();
  const take = (map: Map<string, number> | undefined, key: string) => {
    const count = map?.get(key) ?? 0;
    if (count > 0) map!.set(key, count - 1);
    return count > 0;
  };
  const server = await startLoopbackServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://hub");
    const cdn = /^\/cdn\/([0-9a-f]{64})\/(.+)$/.exec(url.pathname);
    if (cdn) {
      const bytes = blobs.get(cdn[1]!);
      const path = decodeURIComponent(cdn[2]!);
      if (!bytes) {
        response.writeHead(404).end();
        return;
      }
      if (take(faults.cut, path)) {
        response.writeHead(200, {
          "content-length": String(bytes.length),
          "content-type": "application/octet-stream",
        });
        response.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        setTimeout(() => response.socket?.destroy(), 5);
        return;
      }
      const body = take(faults.corrupt, path) ? bytes.map((byte) => byte ^ 0xff) : bytes;
      response.writeHead(200, {
        "content-length": String(body.length),
        "content-type": "application/octet-stream",
      });
      response.end(body);
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
    const commit = "0123456789abcdef0123456789abcdef01234567";
    if (path.endsWith(".onnx") || path.endsWith("_data")) {
      const hash = sha256(bytes);
      blobs.set(hash, bytes);
      response
        .writeHead(302, {
          location: `/cdn/${hash}/${encodeURIComponent(path)}`,
          "x-linked-etag": `"${hash}"`,
          "x-linked-size": String(bytes.length),
          "x-repo-commit": commit,
          etag: `"${hash}"`,
        })
        .end();
      return;
    }
    response.writeHead(200, {
      "content-length": String(bytes.length),
      etag: `"${createHash("sha1").update(bytes).digest("hex")}"`,
      "x-repo-commit": commit,
    });
    response.end(bytes);
  });
  return server;
}
