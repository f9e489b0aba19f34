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
import { homedir } from "node:os";
import { join } from "node:path";
import { DEFAULT_HUB_URL, HubFileDownloader } from "@ratatoskr/provider-utils";
import { assertSafeRelativePath } from "./safe-paths.ts";

export { DEFAULT_HUB_URL };

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
  /** An http(s) URL without credentials; anything else is an `invalid_input` error here. */
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

/** Fetches Hub files into the cache (huggingface_hub's layout). */
export class HubDownloader {
  readonly #downloader: HubFileDownloader;

  constructor(options: HubDownloaderOptions) {
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
    return this.#downloader.file(
      {
        repository: file.repo,
        revision: file.revision,
        path: file.path,
        ...(file.optional === undefined ? {} : { optional: file.optional }),
      },
      signal,
    );
  }
}
