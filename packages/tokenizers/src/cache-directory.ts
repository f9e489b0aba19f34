/**
 * Where Ratatoskr keeps downloaded and compiled files: the `cacheDir`
 * setting, else `RATATOSKR_CACHE_DIR`, else the user cache directory
 * (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows) plus `ratatoskr`.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The cache directory to use for `explicit` (a setting), following the documented fallbacks. */
export function resolveCacheDirectory(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const fromEnvironment = process.env.RATATOSKR_CACHE_DIR;
  if (fromEnvironment) return resolve(fromEnvironment);
  return join(userCacheDirectory(), "ratatoskr");
}

function userCacheDirectory(): string {
  if (process.platform === "win32")
    return process.env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local");
  if (process.platform === "darwin") return join(homedir(), "Library", "Caches");
  return process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
}

/** Whether offline mode is on: the `offline` setting, else `HF_HUB_OFFLINE` set to 1/true/yes/on. */
export function resolveOffline(explicit?: boolean): boolean {
  if (explicit !== undefined) return explicit;
  const value = (process.env.HF_HUB_OFFLINE ?? "").trim().toLowerCase();
  return value === "1" || value === "true" || value === "yes" || value === "on";
}
