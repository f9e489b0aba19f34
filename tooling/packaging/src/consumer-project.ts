/**
 * Pack the published packages with pnpm (which rewrites `workspace:*` to
 * versions) and install the tarballs into fresh npm projects, as a consumer
 * would, with the system Node and npm.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CommandOutput, run, type SystemToolchain } from "./system-toolchain.ts";

/** The repository root. */
export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** The consumer files (`smoke.mjs`, `smoke.cjs`, `typed.ts`, …) copied into each project. */
export const CONSUMER_FILES = fileURLToPath(new URL("../consumer", import.meta.url));

/** A workspace package that is published. */
export interface PublishedPackage {
  name: string;
  directory: string;
  manifest: Record<string, unknown>;
}

/** A packed tarball and the files pnpm put in it. */
export interface PackedPackage {
  name: string;
  tarball: string;
  files: string[];
}

/** Every non-private package under `packages/`. */
export function publishedPackages(): PublishedPackage[] {
  const root = join(REPOSITORY_ROOT, "packages");
  return readdirSync(root)
    .map((entry) => join(root, entry))
    .filter((directory) => existsSync(join(directory, "package.json")))
    .map((directory) => {
      const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8"));
      return { name: manifest.name as string, directory, manifest };
    })
    .filter((entry) => entry.manifest.private !== true);
}

function pnpmSpecifier(): string {
  const root = JSON.parse(readFileSync(join(REPOSITORY_ROOT, "package.json"), "utf8"));
  return root.packageManager as string;
}

/** Pack every published package into `destination`; they must be built (`pnpm build`). */
export async function packAll(
  toolchain: SystemToolchain,
  destination: string,
): Promise<PackedPackage[]> {
  const packages = publishedPackages();
  const unbuilt = packages.filter((entry) => !existsSync(join(entry.directory, "dist")));
  if (unbuilt.length > 0) {
    throw new Error(
      `not built: ${unbuilt.map((entry) => entry.name).join(", ")}; run \`npx -y pnpm@12.4.2 build\` first (turbo builds them before this test)`,
    );
  }
  const filters = packages.flatMap((entry) => ["--filter", entry.name]);
  const { stdout } = await run(
    "npx",
    ["-y", pnpmSpecifier(), "-r", ...filters, "pack", "--pack-destination", destination, "--json"],
    { cwd: REPOSITORY_ROOT, env: toolchain.env },
  );
  const packed = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{
    name: string;
    filename: string;
    files: Array<{ path: string }>;
  }>;
  return packed.map((entry) => ({
    name: entry.name,
    tarball: entry.filename,
    files: entry.files.map((file) => file.path),
  }));
}

/** A fresh npm project in a temporary directory. */
export interface ConsumerProject {
  directory: string;
  /** npm's output of the install. */
  installLog: string;
  /** Run a file of the project with the system Node. */
  node(...args: string[]): Promise<CommandOutput>;
  /** Type-check the project with the workspace's TypeScript, run on the system Node. */
  typecheck(tsconfig: Record<string, unknown>): Promise<CommandOutput>;
  remove(): Promise<void>;
}

/**
 * Create a project with the consumer files and `npm install` the tarballs
 * (plus `extra` registry packages) in one go. onnxruntime-node's postinstall
 * (a CUDA download) is skipped.
 */
export async function createConsumerProject(
  toolchain: SystemToolchain,
  name: string,
  tarballs: readonly string[],
  extra: readonly string[] = [],
): Promise<ConsumerProject> {
  const directory = await mkdtemp(join(tmpdir(), `ratatoskr-${name}-`));
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, "package.json"),
    `${JSON.stringify({ name, private: true, type: "module" }, null, 2)}\n`,
  );
  await cp(CONSUMER_FILES, directory, { recursive: true });
  const env = { ...toolchain.env, ONNXRUNTIME_NODE_INSTALL: "skip" };
  const install = await run("npm", ["install", "--no-audit", "--no-fund", ...tarballs, ...extra], {
    cwd: directory,
    env,
  });
  return {
    directory,
    installLog: `${install.stdout}\n${install.stderr}`,
    node: (...args) => run(toolchain.node, args, { cwd: directory, env }),
    async typecheck(tsconfig) {
      const file = join(directory, "tsconfig.check.json");
      await writeFile(file, JSON.stringify(tsconfig, null, 2));
      const tsc = join(REPOSITORY_ROOT, "node_modules", "typescript", "bin", "tsc");
      return run(toolchain.node, [tsc, "-p", file], { cwd: directory, env });
    },
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
