/**
 * `pnpm playground`: build the playground and only the packages it runs on
 * (turbo, one line per package: cache hit or building), then run the
 * server in this same process, so Ctrl+C reaches it directly: it stops
 * cleanly and exits 0, with no package-manager noise. A Ctrl+C during the
 * build ends it quietly too.
 *
 * "Only the packages it runs on": turbo's `^build` follows devDependencies
 * too, which would build the daemon, Redis and telemetry packages the
 * playground's tests use. So this script walks the workspace's runtime
 * `dependencies` (and `optionalDependencies`) from the playground and asks
 * turbo for exactly those builds (`--only`: in dependency order among
 * themselves, nothing else).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runtimeClosure, turboBuildArguments } from "./runtime-closure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const app = join(root, "apps", "playground");

// While turbo runs, a Ctrl+C is turbo's to handle; this process only notes it.
let interrupted = false;
const onInterrupt = () => {
  interrupted = true;
};
process.on("SIGINT", onInterrupt);

console.log(
  "Building the playground and the packages it uses (turbo; a first build takes a minute or two, later ones come from its cache)…",
);
const turbo = spawnSync(
  "turbo",
  [
    ...turboBuildArguments(runtimeClosure(root, "@ratatoskr/playground")),
    "--output-logs=hash-only",
  ],
  {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
    // The workspace's turbo, also when this script runs without pnpm.
    env: {
      ...process.env,
      PATH: [join(root, "node_modules", ".bin"), process.env.PATH].join(
        process.platform === "win32" ? ";" : ":",
      ),
    },
  },
);
process.off("SIGINT", onInterrupt);
if (interrupted || turbo.signal === "SIGINT") {
  console.log("\nBuild interrupted.");
  process.exit(0);
}
if (turbo.error !== undefined) {
  console.error(`playground: could not run turbo: ${turbo.error.message}`);
  process.exit(1);
}
if (turbo.status !== 0) process.exit(turbo.status ?? 1);

// The app looks for ratatoskr.playground.json where the command was typed and in apps/playground.
process.chdir(app);
await import(pathToFileURL(join(app, "dist", "main.js")).href);
