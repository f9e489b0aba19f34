#!/usr/bin/env node
/**
 * Makes sure the real servers a test suite drives are installed:
 * `node ensure-debian-packages.mjs redis-server haproxy`. Each argument is
 * `binary` or `binary=package` (the Debian package that ships the binary).
 * A binary already on PATH (or in /usr/sbin, /usr/bin) is left alone. The
 * missing ones, on a Debian/Ubuntu machine running as root, are installed
 * with `apt-get install -y --no-install-recommends`, waiting for the dpkg
 * lock when another package's test setup is installing at the same time.
 * Anywhere else it prints what to install and exits 0: the tests that need
 * the server then fail with the same instruction.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

const wanted = process.argv.slice(2).map((argument) => {
  const [binary, pkg = binary] = argument.split("=");
  return { binary, pkg };
});

const searchPath = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin"];
const onPath = (binary) => searchPath.some((dir) => dir !== "" && existsSync(join(dir, binary)));
const missing = wanted.filter(({ binary }) => !onPath(binary));
if (missing.length === 0) process.exit(0);

const packages = [...new Set(missing.map(({ pkg }) => pkg))];
const hint = `These tests need ${packages.join(", ")}: apt-get update && apt-get install -y --no-install-recommends ${packages.join(" ")} (Debian/Ubuntu).`;
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = process.platform === "linux" && existsSync("/usr/bin/apt-get");
if (!isRoot || !hasApt) {
  console.warn(hint);
  process.exit(0);
}

console.log(`Installing Debian's ${packages.join(", ")} for the tests.`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
const lockWait = ["-o", "DPkg::Lock::Timeout=900"];
const install = ["install", "-y", "--no-install-recommends", ...lockWait, ...packages];
// Try without an index refresh first (fast when the index is fresh), then update and retry.
if (spawnSync("apt-get", install, { stdio: "inherit", env }).status === 0) process.exit(0);
for (const args of [["update", ...lockWait], install]) {
  const result = spawnSync("apt-get", args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.warn(`apt-get ${args.join(" ")} failed (exit ${result.status}). ${hint}`);
    process.exit(0);
  }
}
