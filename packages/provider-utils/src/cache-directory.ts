/**
 * Where Ratatoskr keeps downloaded and compiled files, and whether it may
 * download at all: one rule for every package that downloads
 * (`@ratatoskr/tokenizers`, `@ratatoskr/provider-local-onnx`).
 *
 * - The cache root is the package's `cacheDir` setting, else
 *   `RATATOSKR_CACHE_DIR`, else the user cache directory plus `ratatoskr`:
 *   `$XDG_CACHE_HOME` (only when set to an absolute path, as the XDG spec
 *   says) or `~/.cache` on Linux, `~/Library/Caches` on macOS,
 *   `%LOCALAPPDATA%` on Windows. An empty value counts as unset; a relative
 *   path is resolved against the working directory, so the result is always
 *   absolute.
 * - Offline mode is the `offline` setting, else `HF_HUB_OFFLINE` set to
 *   `1`, `true`, `yes` or `on` (any case, surrounding spaces ignored), as
 *   huggingface_hub reads it.
 *
 * @see https://specifications.freedesktop.org/basedir-spec/latest/
 * @see https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables#hfhuboffline
 */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

/** The environment variables read here (a subset of `process.env`). */
export type CacheEnvironment = Readonly<Record<string, string | undefined>>;

/** The user's cache directory for the running platform (no `ratatoskr` appended). */
export function userCacheDirectory(
  environment: CacheEnvironment = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === "win32") {
    return nonEmpty(environment.LOCALAPPDATA) ?? join(homedir(), "AppData", "Local");
  }
  if (platform === "darwin") return join(homedir(), "Library", "Caches");
  const xdg = nonEmpty(environment.XDG_CACHE_HOME);
  return xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
}

/**
 * The Ratatoskr cache root (absolute): `explicit` (a setting), else
 * `RATATOSKR_CACHE_DIR`, else {@link userCacheDirectory} + `ratatoskr`.
 */
export function resolveCacheDirectory(
  explicit?: string,
  environment: CacheEnvironment = process.env,
): string {
  const chosen = nonEmpty(explicit) ?? nonEmpty(environment.RATATOSKR_CACHE_DIR);
  if (chosen !== undefined) return resolve(chosen);
  return join(userCacheDirectory(environment), "ratatoskr");
}

/** Whether offline mode is on: `explicit` (a setting), else `HF_HUB_OFFLINE` (1/true/yes/on). */
export function resolveOffline(
  explicit?: boolean,
  environment: CacheEnvironment = process.env,
): boolean {
  if (explicit !== undefined) return explicit;
  return /^(1|true|yes|on)$/i.test((environment.HF_HUB_OFFLINE ?? "").trim());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
