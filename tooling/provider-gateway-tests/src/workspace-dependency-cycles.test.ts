import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  findWorkspaceCycles,
  readWorkspaceManifests,
  type WorkspaceManifest,
  workspacePackageGlobs,
} from "./workspace-dependency-cycles.ts";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

function manifest(name: string, fields: WorkspaceManifest["manifest"]): WorkspaceManifest {
  return { name, directory: `/virtual/${name}`, manifest: fields };
}

describe("findWorkspaceCycles", () => {
  it("names a cycle closed through any dependency field, peer and dev included", () => {
    const cycles = findWorkspaceCycles([
      manifest("gateway", { dependencies: { catalog: "workspace:*" } }),
      manifest("catalog", { peerDependencies: { provider: "workspace:*" } }),
      manifest("provider", {
        devDependencies: { gateway: "workspace:*" },
        dependencies: { core: "^1" },
      }),
      manifest("core", {}),
    ]);
    expect(cycles).toEqual([
      {
        path: ["catalog", "provider", "gateway", "catalog"],
        members: ["catalog", "gateway", "provider"],
      },
    ]);
  });

  it("counts optional dependencies and a package depending on itself", () => {
    const cycles = findWorkspaceCycles([
      manifest("a", { optionalDependencies: { b: "workspace:*" } }),
      manifest("b", { dependencies: { a: "workspace:*" } }),
      manifest("self", { devDependencies: { self: "workspace:*" } }),
    ]);
    expect(cycles).toEqual([
      { path: ["a", "b", "a"], members: ["a", "b"] },
      { path: ["self", "self"], members: ["self"] },
    ]);
  });

  it("finds none in a graph with shared dependencies but no way back", () => {
    const cycles = findWorkspaceCycles([
      manifest("app", { dependencies: { gateway: "*", provider: "*" } }),
      manifest("gateway", { dependencies: { core: "*" } }),
      manifest("provider", { dependencies: { core: "*" }, devDependencies: { testing: "*" } }),
      manifest("testing", { dependencies: { core: "*" } }),
      manifest("core", { dependencies: { "not-in-the-workspace": "*" } }),
    ]);
    expect(cycles).toEqual([]);
  });
});

describe("workspacePackageGlobs", () => {
  it("reads the top-level packages list only", () => {
    const file = 'packages:\n  - packages/*\n  - "apps/*"\n\nallowBuilds:\n  - not-a-package\n';
    expect(workspacePackageGlobs(file)).toEqual(["packages/*", "apps/*"]);
  });
});

describe("this workspace", () => {
  it("reads every package of the workspace", () => {
    const names = readWorkspaceManifests(repositoryRoot).map((entry) => entry.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "@ratatoskr/core",
        "@ratatoskr/gateway",
        "@ratatoskr/catalog",
        "@ratatoskr/provider-openai-compat",
        "@ratatoskr/provider-gateway-tests",
      ]),
    );
  });

  it("has no dependency cycle among its packages (any dependency field)", () => {
    const cycles = findWorkspaceCycles(readWorkspaceManifests(repositoryRoot)).map(
      ({ path, members }) =>
        `${path.join(" → ")} (every package on a cycle: ${members.join(", ")})`,
    );
    expect(cycles).toEqual([]);
  });
});
