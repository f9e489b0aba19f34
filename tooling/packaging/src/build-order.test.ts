import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { publishedPackages } from "./consumer-project.ts";

describe("the packaging test's own dependencies", () => {
  it("name every published package, so turbo builds each one before the packaging test packs it", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const declared = Object.keys(manifest.devDependencies ?? {});
    const missing = publishedPackages()
      .map((entry) => entry.name)
      .filter((name) => !declared.includes(name));
    expect(missing).toEqual([]);
  });
});

describe("the playground's build (tooling/scripts/playground.mjs)", () => {
  const root = fileURLToPath(new URL("../../..", import.meta.url));

  it("builds the packages the playground runs on, in dependency order, and none of its dev-only ones", async () => {
    const { runtimeClosure, turboBuildArguments } = (await import(
      pathToFileURL(join(root, "tooling", "scripts", "runtime-closure.mjs")).href
    )) as {
      runtimeClosure(root: string, name: string): string[];
      turboBuildArguments(packages: string[]): string[];
    };
    const packages = runtimeClosure(root, "@ratatoskr/playground");
    // What the playground runs: the gateway, the providers, the remote client and its protocol.
    for (const needed of ["@ratatoskr/client", "@ratatoskr/protocol", "@ratatoskr/gateway"])
      expect(packages).toContain(needed);
    // What only its tests use: the daemon and what the daemon needs.
    for (const devOnly of ["@ratatoskr/server", "@ratatoskr/redis", "@ratatoskr/telemetry"])
      expect(packages).not.toContain(devOnly);

    // turbo's own plan for those arguments (a dry run: nothing is built).
    const dry = spawnSync(
      process.execPath,
      [
        join(root, "node_modules", "turbo", "bin", "turbo"),
        ...turboBuildArguments(packages),
        "--dry=json",
      ],
      { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    expect(dry.status, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as {
      tasks: { taskId: string; dependencies: string[] }[];
    };
    const planned = plan.tasks.map((task) => task.taskId).sort();
    expect(planned).toEqual(packages.map((name) => `${name}#build`));
    // The client still builds after the protocol it imports.
    const client = plan.tasks.find((task) => task.taskId === "@ratatoskr/client#build")!;
    expect(client.dependencies).toContain("@ratatoskr/protocol#build");
  });
});
