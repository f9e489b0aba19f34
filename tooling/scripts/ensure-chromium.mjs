#!/usr/bin/env node
/**
 * Makes sure the playground's browser test has a Chromium to drive
 * (playwright-core cannot download browsers on these machines). When
 * CHROMIUM_PATH or /usr/bin/chromium exists, nothing happens. Otherwise, on a
 * Debian/Ubuntu machine running as root, Debian's `chromium` package is
 * installed with apt-get (non-interactive). Anywhere else it prints what to
 * install and exits 0: the browser test then fails with the same
 * instruction, and every other test still runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const hint =
  "The playground's browser test needs Chromium: apt-get update && apt-get install -y --no-install-recommends chromium (Debian/Ubuntu), or set CHROMIUM_PATH.";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = process.platform === "linux" && existsSync("/usr/bin/apt-get");
if (!isRoot || !hasApt || process.env.CHROMIUM_PATH !== undefined) {
  console.warn(hint);
  process.exit(0);
}

console.log(
  `Chromium not found at ${path}; installing Debian's chromium package for the browser test.`,
);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
  const result = spawnSync("apt-get", args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.warn(`apt-get ${args.join(" ")} failed (exit ${result.status}). ${hint}`);
    process.exit(0);
  }
}
