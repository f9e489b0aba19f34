/**
 * Finds dependency cycles among the workspace's packages, read from their
 * manifests: `dependencies`, `devDependencies`, `peerDependencies` and
 * `optionalDependencies` all count, because pnpm links every one of them and
 * orders recursive runs by them.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The manifest fields whose workspace entries form the dependency graph. */
export const DEPENDENCY_FIELDS = [
  "dependencies",
  "devDependencies",
  "peerDependencies",
  "optionalDependencies",
] as const;

/** One workspace package: its name, its folder and its manifest. */
export interface WorkspaceManifest {
  name: string;
  directory: string;
  manifest: Partial<Record<(typeof DEPENDENCY_FIELDS)[number], Record<string, string>>>;
}

/**
 * Every package of the workspace rooted at `root`, from the `packages:` globs of
 * its pnpm-workspace.yaml (each of the form `folder/*`).
 */
export function readWorkspaceManifests(root: string): WorkspaceManifest[] {
  const workspaceFile = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const globs = workspacePackageGlobs(workspaceFile);
  const manifests: WorkspaceManifest[] = [];
  for (const glob of globs) {
    if (!glob.endsWith("/*")) {
      throw new Error(
        `pnpm-workspace.yaml: unsupported package glob "${glob}" (expected "folder/*")`,
      );
    }
    const parent = join(root, glob.slice(0, -2));
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const manifestPath = join(parent, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
      manifests.push({ name: manifest.name, directory: join(parent, entry.name), manifest });
    }
  }
  return manifests;
}

/** The entries of the top-level `packages:` list of a pnpm-workspace.yaml. */
export function workspacePackageGlobs(workspaceFile: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const line of workspaceFile.split("\n")) {
    if (/^packages:\s*$/.test(line)) {
      inPackages = true;
      continue;
    }
    if (!inPackages) continue;
    const item = /^\s+-\s+["']?([^"'#\s]+)["']?/.exec(line);
    if (item) globs.push(item[1]!);
    else if (/^\S/.test(line)) inPackages = false;
  }
  return globs;
}

/** One dependency cycle: a closed path and every package of its group. */
export interface WorkspaceCycle {
  /** A shortest closed path from the group's first name back to it (`a, b, a`). */
  path: string[];
  /** Every package that lies on some cycle with the others, sorted. */
  members: string[];
}

/**
 * The dependency cycles among `manifests`: one per strongly connected group of
 * packages, sorted by first member. Empty when the graph is acyclic.
 */
export function findWorkspaceCycles(manifests: readonly WorkspaceManifest[]): WorkspaceCycle[] {
  const names = new Set(manifests.map((entry) => entry.name));
  const edges = new Map<string, string[]>();
  for (const { name, manifest } of manifests) {
    const targets = new Set<string>();
    for (const field of DEPENDENCY_FIELDS) {
      for (const dependency of Object.keys(manifest[field] ?? {})) {
        if (names.has(dependency)) targets.add(dependency);
      }
    }
    edges.set(name, [...targets].sort());
  }
  return stronglyConnectedGroups(edges)
    .filter((group) => group.length > 1 || edges.get(group[0]!)!.includes(group[0]!))
    .map((group) => ({ path: closedPath(group, edges), members: group }))
    .sort((left, right) => left.members[0]!.localeCompare(right.members[0]!));
}

/** Tarjan's algorithm: the strongly connected groups of a directed graph. */
function stronglyConnectedGroups(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    lowLink.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      groups.push(group.sort());
    }
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/**
 * One closed path through a strongly connected group, from its first name
 * (in sort order) back to it, found breadth-first so it is a shortest one.
 */
function closedPath(
  group: readonly string[],
  edges: ReadonlyMap<string, readonly string[]>,
): string[] {
  const members = new Set(group);
  const start = group[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of edges.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let step = node; step !== start; step = previous.get(step)!) path.splice(1, 0, step);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
