/**
 * Downloads Hugging Face Hub files into a local cache directory, once — the
 * one implementation behind `@ratatoskr/tokenizers` and
 * `@ratatoskr/provider-local-onnx`.
 *
 * URLs are the Hub's: `{hubURL}/{repository}/resolve/{revision}/{path}`.
 * Redirects are followed by hand, and the token goes only to the Hub's own
 * origin, never to a CDN or any other host a redirect points to. Large (LFS)
 * files answer with a redirect whose headers carry the file's size
 * (`x-linked-size`) and SHA-256 (`x-linked-etag`); the bytes are checked
 * against them (a compressed answer against the file size, not its
 * `content-length`). A file is written to a temporary name in its target
 * directory and renamed when complete, so a failed or aborted download leaves
 * nothing behind and the next call simply retries. Concurrent calls for one
 * file share one download; a caller's signal ends only its own wait.
 *
 * @see https://huggingface.co/docs/hub/api#get-apimodelsrepoidrevisionrevision
 * @see https://huggingface.co/docs/huggingface_hub/guides/manage-cache
 * @see https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables#hfhuboffline
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { abortedError, RatatoskrError, registerSecret } from "@ratatoskr/core";
import { validateBaseURL } from "./base-url.ts";
import { httpError, networkError } from "./http-error.ts";
import { readErrorBody } from "./read-error-body.ts";
import { raceAbort } from "./signals.ts";

/** Default Hub address (when neither the setting nor `HF_ENDPOINT` gives one). */
export const DEFAULT_HUB_URL = "https://huggingface.co";

/** Where a repository's files go under the cache directory. Names are validated before a layout sees them. */
export interface HubCacheLayout {
  /** The folder holding the files of `repository` at `revision`. */
  snapshot(cacheDirectory: string, repository: string, revision: string): string;
  /**
   * The folder remembering optional files the Hub does not have (an empty
   * file per path), so they are not asked for again; omit to not remember.
   */
  absent?(cacheDirectory: string, repository: string, revision: string): string;
}

/**
 * huggingface_hub's own layout: `models--{org}--{name}/snapshots/{revision}/{path}`,
 * and `models--{org}--{name}/.no_exist/{revision}/{path}` for files the Hub does not have.
 */
export const HUGGING_FACE_CACHE_LAYOUT: HubCacheLayout = {
  snapshot: (cacheDirectory, repository, revision) =>
    join(cacheDirectory, `models--${repository.replace("/", "--")}`, "snapshots", revision),
  absent: (cacheDirectory, repository, revision) =>
    join(cacheDirectory, `models--${repository.replace("/", "--")}`, ".no_exist", revision),
};

/** Settings of {@link HubFileDownloader}. */
export interface HubFileDownloaderSettings {
  /** Cache root (already resolved); named in error messages. */
  cacheDirectory: string;
  /** Where files go under the root (default {@link HUGGING_FACE_CACHE_LAYOUT}). */
  layout?: HubCacheLayout;
  /** Never use the network: a file not in the cache is a `configuration` error. */
  offline: boolean;
  /**
   * Hub base URL (default `HF_ENDPOINT`, else {@link DEFAULT_HUB_URL}). An
   * http(s) URL without credentials, checked when the downloader is created
   * (`invalid_input` otherwise).
   */
  hubURL?: string;
  /** The name of the `hubURL` setting in the caller's own settings, for error messages (default `hubURL`). */
  hubURLSetting?: string;
  /**
   * Access token for gated or private repositories. Sent only to the Hub URL's
   * origin; registered for redaction, so no error shows it.
   */
  token?: string;
  /** `fetch` to use (tests pass one, or point `hubURL` at a loopback fake Hub). */
  fetch?: typeof globalThis.fetch;
  /** The `provider` of the errors thrown (default `huggingface-hub`). */
  provider?: string;
  /** Appended to the offline error: what else the user can do (for example configure a local directory). */
  offlineHint?: string;
}

/** One Hub file to fetch. */
export interface HubFileRequest {
  /** The Hub repository (`owner/name`). */
  repository: string;
  /** A branch, tag or commit (`main`). */
  revision: string;
  /** Path inside the repository (`/`-separated, relative). */
  path: string;
  /** A missing optional file (404) resolves to undefined instead of failing. */
  optional?: boolean;
}

const REPOSITORY = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const REVISION = /^[\w.-]+$/;
const MAX_REDIRECTS = 5;

/**
 * Shared by every downloader in the process: one download per target file,
 * whichever instance (or package) asks for it.
 */
const inFlight = new Map<string, Promise<string | undefined>>();

/** Throws a `configuration` error unless `repository` (`org/name`) and `revision` are safe as cache folder names. */
export function assertHubNames(repository: string, revision: string, provider?: string): void {
  if (!REPOSITORY.test(repository) || repository.includes("..")) {
    throw new RatatoskrError({
      code: "configuration",
      message: `Invalid Hugging Face repository name "${repository}": expected "org/name"`,
      ...(provider ? { provider } : {}),
    });
  }
  if (!REVISION.test(revision) || revision.includes("..")) {
    throw new RatatoskrError({
      code: "configuration",
      message: `Invalid Hugging Face revision "${revision}"`,
      ...(provider ? { provider } : {}),
    });
  }
}

/**
 * Throws a `configuration` error unless `path` is a relative file path that
 * stays inside its folder: not empty or absolute, no `.`/`..`/empty segment,
 * no backslash, no NUL.
 */
export function assertHubFilePath(path: string, provider?: string): void {
  const refuse = (why: string) =>
    new RatatoskrError({
      code: "configuration",
      message: `Hub file name "${path}" refused: ${why}`,
      details: { path },
      ...(provider ? { provider } : {}),
    });
  if (typeof path !== "string" || path.length === 0) throw refuse("empty");
  if (path.includes("\0")) throw refuse("it contains a NUL byte");
  if (path.includes("\\")) throw refuse("backslashes are not allowed");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path))
    throw refuse("absolute paths leave the cache");
  if (path.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw refuse("empty, . and .. segments are not allowed");
  }
}

/** Fetches Hub files into a cache directory, once. */
export class HubFileDownloader {
  readonly #settings: HubFileDownloaderSettings;
  readonly #layout: HubCacheLayout;
  readonly #provider: string;
  readonly #hubURL: string;

  /** Throws `invalid_input` when the Hub URL (setting or `HF_ENDPOINT`) is not a usable http(s) URL. */
  constructor(settings: HubFileDownloaderSettings) {
    this.#settings = settings;
    this.#layout = settings.layout ?? HUGGING_FACE_CACHE_LAYOUT;
    this.#provider = settings.provider ?? "huggingface-hub";
    const environment = process.env.HF_ENDPOINT || undefined; // empty = unset
    const fromEnvironment = settings.hubURL === undefined && environment !== undefined;
    this.#hubURL = validateBaseURL(settings.hubURL ?? environment ?? DEFAULT_HUB_URL, {
      setting: fromEnvironment ? "HF_ENDPOINT" : (settings.hubURLSetting ?? "hubURL"),
      provider: this.#provider,
    });
    registerSecret(settings.token);
  }

  /** The folder of a repository revision in the cache; refuses names that would leave the cache. */
  snapshotDirectory(repository: string, revision: string): string {
    assertHubNames(repository, revision, this.#provider);
    return this.#layout.snapshot(this.#settings.cacheDirectory, repository, revision);
  }

  /**
   * The file's path in the cache, downloading it first if needed; undefined
   * for a missing optional file. `signal` ends this caller's wait only: the
   * download, shared with concurrent callers, goes on and fills the cache.
   */
  async file(file: HubFileRequest, signal?: AbortSignal): Promise<string | undefined> {
    const folder = this.snapshotDirectory(file.repository, file.revision);
    assertHubFilePath(file.path, this.#provider);
    const target = join(folder, file.path);
    if (await isFile(target)) return target;
    const absentFolder = this.#layout.absent?.(
      this.#settings.cacheDirectory,
      file.repository,
      file.revision,
    );
    const absent = absentFolder === undefined ? undefined : join(absentFolder, file.path);
    if (file.optional && absent !== undefined && (await isFile(absent))) return undefined;
    if (this.#settings.offline) {
      if (file.optional) return undefined;
      throw new RatatoskrError({
        code: "configuration",
        provider: this.#provider,
        message:
          `${file.repository}/${file.path} is not in the cache (${this.#settings.cacheDirectory}) and offline mode is on ` +
          `(HF_HUB_OFFLINE or the offline setting). Run once with network access${this.#settings.offlineHint ? `, ${this.#settings.offlineHint}` : "."}`,
        details: {
          repository: file.repository,
          revision: file.revision,
          path: file.path,
          offline: true,
        },
      });
    }
    if (signal?.aborted) throw abortedError(signal);
    let pending = inFlight.get(target);
    if (pending === undefined) {
      pending = this.#download(file, target)
        .then(async (path) => {
          if (path === undefined && absent !== undefined) {
            await mkdir(dirname(absent), { recursive: true });
            await writeFile(absent, "");
          }
          return path;
        })
        .finally(() => inFlight.delete(target));
      inFlight.set(target, pending);
    }
    return raceAbort(pending, signal);
  }

  async #download(file: HubFileRequest, target: string): Promise<string | undefined> {
    const provider = this.#provider;
    const base = this.#hubURL;
    const url = `${base}/${file.repository}/resolve/${encodeURIComponent(file.revision)}/${file.path
      .split("/")
      .map(encodeURIComponent)
      .join("/")}`;
    const { response, linked } = await fetchFollowingRedirects(
      this.#settings.fetch ?? globalThis.fetch,
      url,
      new URL(base).origin,
      this.#settings.token,
      provider,
    );
    const name = `${file.repository}/${file.path}`;
    if (response.status === 404 && file.optional) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      const body = await readErrorBody(response).catch(() => "");
      const failure = httpError({
        status: response.status,
        headers: response.headers,
        body,
        message:
          response.status === 404
            ? `${file.repository}@${file.revision} has no ${file.path} on the Hugging Face Hub`
            : `Downloading ${name} failed with HTTP ${response.status}`,
        provider,
        model: file.repository,
      });
      if (response.status === 401 || response.status === 403) {
        throw new RatatoskrError({
          code: "authentication",
          message: `${file.repository} on the Hugging Face Hub needs access (gated or private): accept its terms and set HF_TOKEN`,
          status: response.status,
          provider,
          model: file.repository,
          cause: failure,
        });
      }
      throw failure;
    }
    // content-length counts the bytes on the wire: with a content-encoding it is not the file's size.
    const wireLength = response.headers.get("content-encoding")
      ? null
      : response.headers.get("content-length");
    const expectedSize = Number(linked.size ?? wireLength ?? Number.NaN);
    const expectedSha256 = parseSha256(linked.etag);
    const temporary = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.incomplete`;
    let bodyFailed = false;
    try {
      if (!response.body) throw dataError(file, "empty response body", provider);
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
        throw dataError(
          file,
          `size mismatch: expected ${expectedSize} bytes, got ${size}`,
          provider,
        );
      }
      const actual = hash.digest("hex");
      if (expectedSha256 !== undefined && actual !== expectedSha256) {
        throw dataError(
          file,
          `SHA-256 mismatch: expected ${expectedSha256}, got ${actual}`,
          provider,
        );
      }
      await rename(temporary, target);
      return target;
    } catch (error) {
      // A failed clean-up must not hide why the download failed.
      await rm(temporary, { force: true }).catch(() => {});
      await response.body?.cancel().catch(() => {}); // unread when the directory could not be made
      if (RatatoskrError.isInstance(error)) throw error;
      if (!bodyFailed) {
        throw new RatatoskrError({
          code: "configuration",
          provider,
          model: file.repository,
          message: `Could not write ${name} into the cache (${this.#settings.cacheDirectory}): ${error instanceof Error ? error.message : String(error)}`,
          cause: error,
        });
      }
      throw hubNetworkError(provider, name, error);
    }
  }
}

/** Size and SHA-256 the Hub announces for a file (on the redirect, for LFS files). */
interface LinkedFile {
  size?: string | undefined;
  etag?: string | undefined;
}

/**
 * GET `url`, following redirects by hand so the token goes only to the Hub's
 * own origin (large files redirect to a CDN, which must not receive it).
 */
async function fetchFollowingRedirects(
  fetchImpl: typeof globalThis.fetch,
  url: string,
  hubOrigin: string,
  token: string | undefined,
  provider: string,
): Promise<{ response: Response; linked: LinkedFile }> {
  const linked: LinkedFile = {};
  let hubEtag: string | undefined;
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const sameOrigin = new URL(current).origin === hubOrigin;
    let response: Response;
    try {
      response = await fetchImpl(current, {
        headers: token && sameOrigin ? { authorization: `Bearer ${token}` } : {},
        redirect: "manual",
      });
    } catch (error) {
      throw hubNetworkError(provider, current, error);
    }
    // The Hub puts an LFS file's size and SHA-256 on the redirect, not on the CDN's answer;
    // a plain etag counts only when the Hub itself answers the first request.
    linked.size ??= response.headers.get("x-linked-size") ?? undefined;
    linked.etag ??= response.headers.get("x-linked-etag") ?? undefined;
    if (redirects === 0) hubEtag = response.headers.get("etag") ?? undefined;
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400) {
      linked.etag ??= hubEtag;
      return { response, linked };
    }
    await response.body?.cancel();
    if (location === null) {
      throw new RatatoskrError({
        code: "data",
        message: `The Hugging Face Hub answered ${url} with a redirect (HTTP ${response.status}) without a location`,
        provider,
        isRetryable: true,
      });
    }
    if (redirects >= MAX_REDIRECTS) {
      throw new RatatoskrError({
        code: "network",
        message: `Too many redirects downloading ${url}`,
        provider,
      });
    }
    current = new URL(location, current).toString();
  }
}

/** A retryable `network` error that names the Hub (`provider` is the error's provider field). */
function hubNetworkError(provider: string, url: string, cause: unknown): RatatoskrError {
  return new RatatoskrError({
    code: "network",
    message: networkError("the Hugging Face Hub", url, cause).message,
    provider,
    cause,
    isRetryable: true,
  });
}

function dataError(file: HubFileRequest, what: string, provider: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    provider,
    model: file.repository,
    message: `Download of ${file.repository}/${file.path} is corrupt: ${what}; nothing was kept, retry`,
    isRetryable: true,
  });
}

function parseSha256(etag: string | undefined): string | undefined {
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
