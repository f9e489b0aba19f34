import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveCacheDirectory, resolveOffline, userCacheDirectory } from "./cache-directory.ts";

describe("resolveCacheDirectory", () => {
  it("takes the setting, then RATATOSKR_CACHE_DIR, then the user cache dir + ratatoskr", () => {
    expect(resolveCacheDirectory("/explicit", { RATATOSKR_CACHE_DIR: "/env" })).toBe("/explicit");
    expect(resolveCacheDirectory(undefined, { RATATOSKR_CACHE_DIR: "/env" })).toBe("/env");
    expect(resolveCacheDirectory(undefined, {})).toBe(join(userCacheDirectory({}), "ratatoskr"));
  });

  it("treats empty values as unset and resolves relative paths to absolute ones", () => {
    expect(resolveCacheDirectory("", { RATATOSKR_CACHE_DIR: " " })).toBe(
      join(userCacheDirectory({}), "ratatoskr"),
    );
    expect(resolveCacheDirectory(undefined, { RATATOSKR_CACHE_DIR: "relative/cache" })).toBe(
      resolve("relative/cache"),
    );
  });
});

describe("userCacheDirectory", () => {
  it("uses XDG_CACHE_HOME on Linux only when it is an absolute path", () => {
    expect(userCacheDirectory({ XDG_CACHE_HOME: "/xdg" }, "linux")).toBe("/xdg");
    expect(userCacheDirectory({ XDG_CACHE_HOME: "" }, "linux")).toBe(join(homedir(), ".cache"));
    expect(userCacheDirectory({ XDG_CACHE_HOME: "relative" }, "linux")).toBe(
      join(homedir(), ".cache"),
    );
  });

  it("uses Library/Caches on macOS and LOCALAPPDATA on Windows", () => {
    expect(userCacheDirectory({ XDG_CACHE_HOME: "/xdg" }, "darwin")).toBe(
      join(homedir(), "Library", "Caches"),
    );
    expect(userCacheDirectory({ LOCALAPPDATA: "C:\\Local" }, "win32")).toBe("C:\\Local");
    expect(userCacheDirectory({}, "win32")).toBe(join(homedir(), "AppData", "Local"));
  });
});

describe("resolveOffline", () => {
  it("takes the setting over HF_HUB_OFFLINE", () => {
    expect(resolveOffline(false, { HF_HUB_OFFLINE: "1" })).toBe(false);
    expect(resolveOffline(true, {})).toBe(true);
  });

  it.each(["1", "true", "TRUE", "yes", "On", " 1 ", "true\n"])("reads %j as on", (value) => {
    expect(resolveOffline(undefined, { HF_HUB_OFFLINE: value })).toBe(true);
  });

  it.each(["", "0", "false", "no", "off", "2"])("reads %j as off", (value) => {
    expect(resolveOffline(undefined, { HF_HUB_OFFLINE: value })).toBe(false);
  });
});
