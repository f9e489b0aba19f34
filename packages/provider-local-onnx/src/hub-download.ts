/**
 * Hugging Face Hub files in the local ONNX provider's cache: a thin wrapper
 * over `@ratatoskr/provider-utils`' {@link HubFileDownloader}, which does the
 * download (redirects followed by hand, the token only to the Hub's origin,
 * size and SHA-256 checked, temporary file then rename, single-flight per
 * file, offline mode).
 *
 * Cache layout: `{cacheDir}/models--{org}--{name}/snapshots/{revision}/{path}`, and
 * `models--{org}--{name}/.no_exist/{revision}/{path}` for optional files the Hub does not have.
 *
 * @see https://huggingface.co/docs/huggingface_hub/guides/manage-cache
 */
import { join } from "node:path";
import {
  DEFAULT_HUB_URL,
  HubFileDownloader,
  resolveCacheDirectory,
  resolveOffline,
} from "@ratatoskr/provider-utils/hub";
import { assertSafeRelativePath } from "./safe-paths.ts";

export { DEFAULT_HUB_URL };

/**
 * The model cache without a `cacheDir` setting: `RATATOSKR_CACHE_DIR` (the
 * models go straight under it), else the user cache directory +
 * `ratatoskr/models`. Both follow provider-utils' one rule
 * (`resolveCacheDirectory`: empty values are unset, `XDG_CACHE_HOME` only
 * when absolute, the result is absolute).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = resolveCacheDirectory(undefined, env);
  return env.RATATOSKR_CACHE_DIR?.trim() ? root : join(root, "models");
}

/** Whether `HF_HUB_OFFLINE` asks for offline mode (provider-utils' `resolveOffline`: 1/true/yes/on, any case). */
export function offlineFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return resolveOffline(undefined, env);
}

/** Options of {@link HubDownloader}. */
export interface HubDownloaderOptions {
  /** The Hub cache directory (huggingface_hub's layout). */
  cacheDir: string;
  /** An http(s) URL without credentials; anything else is an `invalid_input` error here. */
  hubUrl: string;
  /** Use only files already in the cache; never download. */
  offline: boolean;
  /** The `fetch` that downloads (an injected one in tests). */
  fetch: typeof globalThis.fetch;
  /** Sent as `authorization: Bearer …` to the Hub host only (never to a redirect target). */
  token?: string;
}

/** One Hub file to fetch. */
export interface HubFile {
  /** The repository (`org/name`). */
  repo: string;
  /** A branch, tag or commit. */
  revision: string;
  /** The file's path in the repository. */
  path: string;
  /** A missing optional file (404) resolves to undefined instead of failing. */
  optional?: boolean;
}

/** Fetches Hub files into the cache (huggingface_hub's layout). */
export class HubDownloader {
  readonly #downloader: HubFileDownloader;
  /** Calls of {@link file} in flight, by repo (what `modelStatus` reports as downloading). */
  readonly #inFlight = new Map<string, number>();
  /** Whether the cache lives offline (no downloads). */
  readonly offline: boolean;

  constructor(options: HubDownloaderOptions) {
    this.offline = options.offline;
    this.#downloader = new HubFileDownloader({
      cacheDirectory: options.cacheDir,
      hubURL: options.hubUrl,
      hubURLSetting: "hubUrl",
      offline: options.offline,
      fetch: options.fetch,
      provider: "local",
      offlineHint: "or copy the model into a directory and configure it with { name, path }.",
      ...(options.token ? { token: options.token } : {}),
    });
  }

  /** The snapshot directory of a repo revision in the cache; refuses names that would leave the cache. */
  snapshotDir(repo: string, revision: string): string {
    return this.#downloader.snapshotDirectory(repo, revision);
  }

  /**
   * The file's path in the cache, downloading it first if needed; undefined for a missing optional file.
   * `signal` ends this call's wait; a download shared with other calls goes on.
   */
  async file(file: HubFile, signal?: AbortSignal): Promise<string | undefined> {
    assertSafeRelativePath(file.path, `Hub file of ${file.repo}`);
    const inFlight = this.#inFlight;
    inFlight.set(file.repo, (inFlight.get(file.repo) ?? 0) + 1);
    try {
      return await this.#downloader.file(
        {
          repository: file.repo,
          revision: file.revision,
          path: file.path,
          ...(file.optional === undefined ? {} : { optional: file.optional }),
        },
        signal,
      );
    } finally {
      const left = (inFlight.get(file.repo) ?? 1) - 1;
      if (left === 0) inFlight.delete(file.repo);
      else inFlight.set(file.repo, left);
    }
  }

  /** Whether files of `repo` are being fetched (or looked up in the cache) now. */
  fetching(repo: string): boolean {
    return this.#inFlight.has(repo);
  }
}
