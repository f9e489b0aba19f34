/**
 * The workspace packages a package needs at run time: itself and its
 * workspace `dependencies` and `optionalDependencies`, transitively, but
 * not its devDependencies (which turbo's `^build` would follow too). Used by
 * `playground.mjs` to build only what the playground runs on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The folders pnpm-workspace.yaml lists. */
const WORKSPACE_GROUPS = ["packages", "apps", "tooling", "examples"];

/** Every workspace package's manifest under `root`, by package name. */
export function workspaceManifests(root) {
  const manifests = new Map();
  for (const group of WORKSPACE_GROUPS) {
    let entries;
    try {
      entries = readdirSync(join(root, group), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(root, group, entry.name, "package.json"), "utf8"));
      } catch {
        continue; // Not a package folder.
      }
      manifests.set(manifest.name, manifest);
    }
  }
  return manifests;
}

/** `name` and the workspace packages it needs at run time, transitively, sorted. */
export function runtimeClosure(root, name) {
  const manifests = workspaceManifests(root);
  const needed = new Set();
  const visit = (current) => {
    if (needed.has(current) || !manifests.has(current)) return;
    needed.add(current);
    const manifest = manifests.get(current);
    for (const field of ["dependencies", "optionalDependencies"])
      for (const dependency of Object.keys(manifest[field] ?? {})) visit(dependency);
  };
  visit(name);
  return [...needed].sort();
}

/**
 * `turbo` arguments that build exactly `packages`: `--only` keeps turbo from
 * adding the builds their devDependencies would pull in, while the order
 * among the listed packages stays their dependency order.
 */
export function turboBuildArguments(packages) {
  return ["run", "build", "--only", ...packages.map((name) => `--filter=${name}`)];
}
