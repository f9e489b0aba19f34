/**
 * The entry points of the API reference: every subpath export of every
 * published package (the non-private packages under `packages/`, as
 * `tooling/packaging` packs them), read from the manifests' `@ratatoskr/source`
 * export condition, except the `./internal` subpaths, which exist for the
 * workspace's own packages and tests and are not public API.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** Where the API reference is written (gitignored). */
export const OUTPUT_DIRECTORY = join(REPOSITORY_ROOT, "docs", "api");

/** One public import specifier and the source file behind it. */
export interface ApiEntryPoint {
  /** The package's name, such as `@ratatoskr/testing`. */
  packageName: string;
  /** The import specifier, such as `@ratatoskr/testing/conformance`. */
  specifier: string;
  /** The absolute path of the source file the specifier resolves to. */
  sourceFile: string;
}

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, unknown>;
}

/** Whether a subpath export is for the workspace only (`./internal`, `./internal/…`). */
function isInternalSubpath(subpath: string): boolean {
  return subpath === "./internal" || subpath.startsWith("./internal/");
}

/** The names of the published packages, in directory order. */
export function publishedPackageNames(): string[] {
  return publishedManifests().map(({ manifest }) => manifest.name);
}

function publishedManifests(): Array<{ directory: string; manifest: Manifest }> {
  const root = join(REPOSITORY_ROOT, "packages");
  return readdirSync(root)
    .sort()
    .map((entry) => join(root, entry))
    .filter((directory) => existsSync(join(directory, "package.json")))
    .map((directory) => ({
      directory,
      manifest: JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as Manifest,
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Every public entry point of every published package. */
export function apiEntryPoints(): ApiEntryPoint[] {
  return publishedManifests().flatMap(({ directory, manifest }) =>
    Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) => {
      if (isInternalSubpath(subpath) || typeof target !== "object" || target === null) return [];
      const source = (target as Record<string, unknown>)["@ratatoskr/source"];
      if (typeof source !== "string") return [];
      return [
        {
          packageName: manifest.name,
          specifier: subpath === "." ? manifest.name : `${manifest.name}${subpath.slice(1)}`,
          sourceFile: join(directory, source),
        },
      ];
    }),
  );
}
