/**
 * Downloads Hugging Face Hub files into a local cache directory, once.
 *
 * URLs are the Hub's: `{hubUrl}/{repo}/resolve/{revision}/{path}`. Large
 * (LFS) files answer with a redirect whose headers carry the file's SHA-256
 * (`x-linked-etag`) and size (`x-linked-size`); the download is checked
 * against them. Files are written to a temporary name in the same directory
 * and renamed when complete, so a failed or interrupted download leaves
 * nothing half-written and the next call simply retries.
 *
 * Cache layout: `{cacheDir}/models--{org}--{name}/snapshots/{revision}/{path}`, and
 * `models--{org}--{name}/.no_exist/{revision}/{path}` for optional files the Hub does not have.
 *
 * @see https://huggingface.co/docs/hub/api#get-apimodelsrepoid-or-apimodelsrepoidrevisionrevision
 * @see https://huggingface.co/docs/huggingface_hub/guides/manage-cache
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { RatatoskrError } from "@ratatoskr/core";
import { httpError, networkError } from "@ratatoskr/provider-utils";
import { isHubRepo, isHubRevision } from "./local-onnx-models.ts";
import { assertSafeRelativePath } from "./safe-paths.ts";

/** Default Hub address. */
export const DEFAULT_HUB_URL = "https://huggingface.co";

/** The user's cache directory + `ratatoskr/models` (XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RATATOSKR_CACHE_DIR) return env.RATATOSKR_CACHE_DIR;
  let base: string;
  if (process.platform === "win32") base = env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local");
  else if (process.platform === "darwin") base = join(homedir(), "Library", "Caches");
  else base = env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(base, "ratatoskr", "models");
}

/** Whether `HF_HUB_OFFLINE` asks for offline mode (`1`, `true`, `yes`, `on`). */
export function offlineFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes|on)$/i.test(env.HF_HUB_OFFLINE ?? "");
}

/** Options of {@link HubDownloader}. */
export interface HubDownloaderOptions {
  cacheDir: string;
  hubUrl: string;
  offline: boolean;
  fetch: typeof globalThis.fetch;
  /** Sent as `authorization: Bearer …` to the Hub host only (never to a redirect target). */
  token?: string;
}

/** One Hub file to fetch. */
export interface HubFile {
  repo: string;
  revision: string;
  path: string;
  /** A missing optional file (404) resolves to undefined instead of failing. */
  optional?: boolean;
}

/** Fetches Hub files into the cache. */
export class HubDownloader {
  readonly #options: HubDownloaderOptions;
  readonly #inFlight = new Map<string, Promise<string | undefined>>();

  constructor(options: HubDownloaderOptions) {
    this.#options = { ...options, hubUrl: options.hubUrl.replace(/\/+$/, "") };
  }

  /** The snapshot directory of a repo revision in the cache; refuses names that would leave the cache. */
  snapshotDir(repo: string, revision: string): string {
    if (!isHubRevision(revision)) {
      throw new RatatoskrError({
        code: "configuration",
        provider: "local",
        message: `Invalid Hugging Face revision "${revision}"`,
      });
    }
    return join(this.#repoDir(repo), "snapshots", revision);
  }

  #repoDir(repo: string): string {
    if (!isHubRepo(repo)) {
      throw new RatatoskrError({
        code: "configuration",
        provider: "local",
        message: `Invalid Hugging Face repo "${repo}": expected "org/name"`,
      });
    }
    return join(this.#options.cacheDir, `models--${repo.replace("/", "--")}`);
  }

  /** The file's path in the cache, downloading it first if needed; undefined for a missing optional file. */
  async file(file: HubFile, signal?: AbortSignal): Promise<string | undefined> {
    assertSafeRelativePath(file.path, `Hub file of ${file.repo}`);
    const target = join(this.snapshotDir(file.repo, file.revision), file.path);
    if (await isFile(target)) return target;
    // A file the Hub said does not exist is remembered, as huggingface_hub's `.no_exist/` does.
    const absent = join(this.#repoDir(file.repo), ".no_exist", file.revision, file.path);
    if (file.optional && (await isFile(absent))) return undefined;
    if (this.#options.offline) {
      if (file.optional) return undefined;
      throw new RatatoskrError({
        code: "configuration",
        provider: "local",
        message:
          `${file.repo}/${file.path} is not in the cache (${this.#options.cacheDir}) and offline mode is on ` +
          "(HF_HUB_OFFLINE or offline: true). Run once online, or copy the model into a directory and configure it with { name, path }.",
        details: { repo: file.repo, path: file.path, offline: true },
      });
    }
    const existing = this.#inFlight.get(target);
    if (existing) return existing;
    const pending = this.#download(file, target, signal)
      .then(async (path) => {
        if (path === undefined) {
          await mkdir(dirname(absent), { recursive: true });
          await writeFile(absent, "");
        }
        return path;
      })
      .finally(() => this.#inFlight.delete(target));
    this.#inFlight.set(target, pending);
    return pending;
  }

  async #download(
    file: HubFile,
    target: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const { hubUrl, fetch } = this.#options;
    const url = `${hubUrl}/${file.repo}/resolve/${encodeURIComponent(file.revision)}/${file.path
      .split("/")
      .map(encodeURIComponent)
      .join("/")}`;
    const headers: Record<string, string> = {};
    if (this.#options.token) headers.authorization = `Bearer ${this.#options.token}`;
    let response = await request(fetch, url, {
      headers,
      redirect: "manual",
      ...(signal ? { signal } : {}),
    });
    // The Hub's own headers (on the redirect for LFS files) describe the file.
    const expectedSha256 = parseSha256(
      response.headers.get("x-linked-etag") ?? response.headers.get("etag"),
    );
    const linkedSize = response.headers.get("x-linked-size");
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location");
      await response.body?.cancel();
      if (!location)
        throw dataError(file, `redirect without a location (status ${response.status})`);
      // The Hub redirects small files within itself (/api/resolve-cache/…) and large ones to a CDN:
      // credentials go only to the Hub's own origin, never to another host.
      const target = new URL(location, url);
      const sameOrigin = target.origin === new URL(hubUrl).origin;
      response = await request(fetch, target.toString(), {
        ...(sameOrigin ? { headers } : {}),
        ...(signal ? { signal } : {}),
      });
    }
    if (response.status === 404 && file.optional) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      const body = await response.text().catch(() => "");
      throw httpError({
        status: response.status,
        headers: response.headers,
        body,
        message: `Downloading ${file.repo}/${file.path} failed with HTTP ${response.status}`,
        provider: "local",
        model: file.repo,
      });
    }
    // content-length counts the bytes on the wire: with a content-encoding it is not the file's size.
    const wireLength = response.headers.get("content-encoding")
      ? null
      : response.headers.get("content-length");
    const expectedSize = Number(linkedSize ?? wireLength ?? Number.NaN);
    const temporary = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.incomplete`;
    let bodyFailed = false;
    try {
      if (!response.body) throw dataError(file, "empty response body");
      await mkdir(dirname(target), { recursive: true });
      const hash = createHash("sha256");
      let size = 0;
      // pipeline: backpressure, and an error on either side (a cut body, a failed write) ends both.
      await pipeline(
        response.body as unknown as AsyncIterable<Uint8Array>,
        async function* (body: AsyncIterable<Uint8Array>) {
          try {
            for await (const chunk of body) {
              hash.update(chunk);
              size += chunk.byteLength;
              yield chunk;
            }
          } catch (error) {
            bodyFailed = true;
            throw error;
          }
        },
        createWriteStream(temporary, { flags: "wx" }),
      );
      if (Number.isFinite(expectedSize) && size !== expectedSize) {
        throw dataError(file, `size mismatch: expected ${expectedSize} bytes, got ${size}`);
      }
      const actual = hash.digest("hex");
      if (expectedSha256 !== undefined && actual !== expectedSha256) {
        throw dataError(file, `SHA-256 mismatch: expected ${expectedSha256}, got ${actual}`);
      }
      await rename(temporary, target);
      return target;
    } catch (error) {
      // A failed clean-up must not hide why the download failed.
      await rm(temporary, { force: true }).catch(() => {});
      await response.body?.cancel().catch(() => {}); // unread when the directory could not be made
      if (signal?.aborted) {
        throw new RatatoskrError({
          code: "aborted",
          message: "The download was aborted",
          cause: signal.reason,
          provider: "local",
        });
      }
      if (RatatoskrError.isInstance(error)) throw error;
      if (!bodyFailed) {
        throw new RatatoskrError({
          code: "configuration",
          provider: "local",
          model: file.repo,
          message: `Could not write ${file.repo}/${file.path} into the cache (${this.#options.cacheDir}): ${error instanceof Error ? error.message : String(error)}`,
          cause: error,
        });
      }
      throw networkError("the Hugging Face Hub", `${file.repo}/${file.path}`, error);
    }
  }
}

async function request(
  fetch: typeof globalThis.fetch,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) {
      throw new RatatoskrError({
        code: "aborted",
        message: "The download was aborted",
        cause: init.signal.reason,
        provider: "local",
      });
    }
    throw networkError("the Hugging Face Hub", url, error);
  }
}

function dataError(file: HubFile, what: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    provider: "local",
    model: file.repo,
    message: `Download of ${file.repo}/${file.path} is corrupt: ${what}; nothing was kept, retry`,
    isRetryable: true,
  });
}

function parseSha256(etag: string | null): string | undefined {
  if (!etag) return undefined;
  const value = etag.replace(/^W\//, "").replace(/"/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
