/**
 * Turbo caches `typecheck` and `test`, which read their workspace dependencies
 * from source. A cached result is honest only if the task's hash covers those
 * dependencies: here, if the task graph of a dry run reaches a task of every
 * workspace package the task's package depends on.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readWorkspaceManifests } from "./workspace-dependency-cycles.ts";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

interface DryRunTask {
  taskId: string;
  package: string;
  task: string;
  dependencies: string[];
}

function dryRunTasks(): Map<string, DryRunTask> {
  const turbo = fileURLToPath(new URL("../../../node_modules/.bin/turbo", import.meta.url));
  const output = execFileSync(turbo, ["run", "typecheck", "test", "--dry=json"], {
    cwd: repositoryRoot,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const { tasks } = JSON.parse(output) as { tasks: DryRunTask[] };
  return new Map(tasks.map((task) => [task.taskId, task]));
}

describe("turbo's cache keys for typecheck and test", () => {
  it("cover the sources of every workspace package the task's package depends on", () => {
    const tasks = dryRunTasks();
    const dependenciesOf = new Map(
      readWorkspaceManifests(repositoryRoot).map(({ name, manifest }) => [
        name,
        Object.keys({
          ...manifest.dependencies,
          ...manifest.devDependencies,
          ...manifest.optionalDependencies,
        }),
      ]),
    );
    const uncovered: string[] = [];
    let checked = 0;
    for (const task of tasks.values()) {
      if (task.task !== "typecheck" && task.task !== "test") continue;
      const reached = new Set<string>();
      const pending = [...task.dependencies];
      while (pending.length > 0) {
        const next = tasks.get(pending.pop()!);
        if (!next || reached.has(next.taskId)) continue;
        reached.add(next.taskId);
        pending.push(...next.dependencies);
      }
      const reachedPackages = new Set([...reached].map((taskId) => tasks.get(taskId)!.package));
      for (const dependency of dependenciesOf.get(task.package) ?? []) {
        if (!dependenciesOf.has(dependency)) continue;
        checked++;
        if (!reachedPackages.has(dependency)) uncovered.push(`${task.taskId} ↛ ${dependency}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(uncovered).toEqual([]);
  });
});
