/**
 * deploy/Dockerfile and .dockerignore: the stages, the runtime user, the
 * entry point and port checked against @ratatoskr/server (its bin, its
 * default port, its build entry) and the repository's Node version. No
 * Docker here: structure only.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DEFAULT_PORT } from "@ratatoskr/server";
import { describe, expect, it } from "vitest";
import {
  DEPLOY_DIR,
  type DockerStage,
  type ParsedDockerfile,
  parseDockerfile,
  REPO_ROOT,
  resolveImage,
} from "./artefacts.ts";

const require = createRequire(import.meta.url);
const serverDir = dirname(require.resolve("@ratatoskr/server/package.json"));
const serverPackage = require("@ratatoskr/server/package.json") as {
  name: string;
  bin: Record<string, string>;
  engines: { node: string };
};
const rootPackage = require(join(REPO_ROOT, "package.json")) as {
  packageManager: string;
  engines: { node: string };
  devDependencies: Record<string, string>;
};

async function dockerfile(): Promise<ParsedDockerfile> {
  return parseDockerfile(await readFile(join(DEPLOY_DIR, "Dockerfile"), "utf8"));
}

const all = (stage: DockerStage, keyword: string) =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword);
const last = (stage: DockerStage, keyword: string) => all(stage, keyword).at(-1)?.args;

describe("parseDockerfile", () => {
  it("joins continuations, drops comments, groups by stage", () => {
    const parsed = parseDockerfile(
      "# c\nARG X=1\nFROM a:$X AS one\nRUN a \\\n  # inside\n  && b\nFROM one\nUSER 5\n",
    );
    expect(parsed.args.get("X")).toBe("1");
    expect(parsed.stages.map((stage) => [stage.from, stage.name])).toEqual([
      ["a:$X", "one"],
      ["one", undefined],
    ]);
    expect(parsed.stages[0]?.instructions).toEqual([{ keyword: "RUN", args: "a && b" }]);
    expect(resolveImage(parsed, parsed.stages[0]!)).toBe("a:1");
  });
});

describe("deploy/Dockerfile", () => {
  it("has a build stage and a slim runtime stage on the repository's Node major", async () => {
    const parsed = await dockerfile();
    expect(parsed.stages.map((stage) => stage.name)).toEqual(["build", "runtime"]);
    const nodeVersion = rootPackage.devDependencies.node!;
    const major = nodeVersion.replace(/^\D*/, "").split(".")[0];
    for (const stage of parsed.stages) {
      const image = resolveImage(parsed, stage);
      expect(image).toMatch(new RegExp(`^node:${major}[.\\d]*-\\w+-slim$`));
      expect(image).toContain(nodeVersion.replace(/^\D*/, ""));
    }
    // The repository's engines and the server's both allow it.
    expect(Number(major)).toBeGreaterThanOrEqual(Number(/\d+/.exec(rootPackage.engines.node)?.[0]));
    expect(Number(major)).toBeGreaterThanOrEqual(
      Number(/\d+/.exec(serverPackage.engines.node)?.[0]),
    );
  });

  it("builds with the repository's pnpm, from the lockfile, and deploys only the server's production dependencies", async () => {
    const build = (await dockerfile()).stages[0]!;
    const runs = all(build, "RUN").map((instruction) => instruction.args);
    const pnpmVersion = rootPackage.packageManager.split("@")[1];
    expect(runs).toContain(`npm install -g pnpm@${pnpmVersion}`);
    expect(runs).toContain("pnpm install --frozen-lockfile");
    const deploy = runs.find((run) => run.includes(" deploy "));
    expect(deploy).toContain(`--filter ${serverPackage.name} deploy --prod`);
    expect(deploy).toMatch(/deploy --prod --legacy \/app\b/);
    // Each provider package it bundles exists in the workspace.
    const providers =
      last(build, "ARG")
        ?.match(/RATD_PROVIDERS="([^"]+)"/)?.[1]
        ?.split(" ") ?? [];
    expect(providers.length).toBeGreaterThan(0);
    for (const provider of providers) {
      expect(existsSync(join(REPO_ROOT, "packages", provider, "package.json")), provider).toBe(
        true,
      );
    }
  });

  it("runs ratd's bin as a numeric non-root user, on ratd's default port", async () => {
    const runtime = (await dockerfile()).stages[1]!;
    const copies = all(runtime, "COPY").map((instruction) => instruction.args);
    expect(copies).toContain("--from=build /app /app");
    const user = last(runtime, "USER") ?? "";
    expect(user).toMatch(/^\d+:\d+$/);
    expect(Number(user.split(":")[0])).toBeGreaterThan(0);
    expect(last(runtime, "EXPOSE")).toBe(String(DEFAULT_PORT));
    const entrypoint = JSON.parse(last(runtime, "ENTRYPOINT") ?? "[]") as string[];
    expect(entrypoint[0]).toBe("node");
    // /app is the deployed @ratatoskr/server: its bin, built from a source that exists.
    const binInPackage = serverPackage.bin.ratd!.replace(/^\.\//, "");
    expect(entrypoint[1]).toBe(`/app/${binInPackage}`);
    const tsup = await readFile(join(serverDir, "tsup.config.ts"), "utf8");
    const entry = /"bin\/ratd":\s*"([^"]+)"/.exec(tsup)?.[1];
    expect(binInPackage).toBe("dist/bin/ratd.js");
    expect(existsSync(join(serverDir, entry ?? "missing"))).toBe(true);
    expect(JSON.parse(last(runtime, "CMD") ?? "[]")).toEqual([
      "--config",
      "/etc/ratatoskr/config.toml",
    ]);
    expect(last(runtime, "ENV")).toContain("HOME=/var/lib/ratatoskr");
  });

  it("has a .dockerignore that keeps node_modules, build output and secrets out of the context", async () => {
    const ignore = (await readFile(join(REPO_ROOT, ".dockerignore"), "utf8")).split("\n");
    for (const pattern of ["**/node_modules", "**/dist", ".git", "**/secrets.toml"]) {
      expect(ignore).toContain(pattern);
    }
    // The workspace must stay whole for `pnpm install --frozen-lockfile`.
    for (const kept of ["packages", "tooling", "apps", "examples", "pnpm-lock.yaml"]) {
      expect(ignore).not.toContain(kept);
    }
  });
});
