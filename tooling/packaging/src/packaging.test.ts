/**
 * The published packages as a consumer gets them: packed with pnpm,
 * installed with the system npm into fresh projects, used with the system
 * Node (v20 in CI): ESM and CommonJS, a mock call through the gateway, the
 * provider SDKs against a loopback server, and the declarations with
 * `skipLibCheck: false`, with every provider installed and with none.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsumerProject,
  createConsumerProject,
  type PackedPackage,
  packAll,
  publishedPackages,
} from "./consumer-project.ts";
import { type SystemToolchain, systemToolchain } from "./system-toolchain.ts";

/** Type definitions for the consumer's Node (20: the oldest the packages declare). */
const NODE_TYPES = "@types/node@20";

const COMPILER_OPTIONS = {
  target: "ES2022",
  strict: true,
  skipLibCheck: false,
  noEmit: true,
  types: ["node"],
};

let toolchain: SystemToolchain;
let packDirectory: string;
let packed: PackedPackage[];
let everything: ConsumerProject;
let gatewayOnly: ConsumerProject;

beforeAll(async () => {
  toolchain = await systemToolchain();
  packDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-packs-"));
  packed = await packAll(toolchain, packDirectory);
  const tarballOf = (name: string) => packed.find((entry) => entry.name === name)!.tarball;
  everything = await createConsumerProject(
    toolchain,
    "consumer",
    packed.map((entry) => entry.tarball),
    [NODE_TYPES],
  );
  gatewayOnly = await createConsumerProject(
    toolchain,
    "gateway-only",
    [
      "@ratatoskr/core",
      "@ratatoskr/provider-utils",
      "@ratatoskr/catalog",
      "@ratatoskr/models",
      "@ratatoskr/gateway",
    ].map(tarballOf),
    [NODE_TYPES],
  );
});

afterAll(async () => {
  await everything?.remove();
  await gatewayOnly?.remove();
  if (packDirectory) await rm(packDirectory, { recursive: true, force: true });
});

describe("the packed packages", () => {
  it("are every published package, provider-utils included", () => {
    expect(packed.map((entry) => entry.name).sort()).toEqual(
      publishedPackages()
        .map((entry) => entry.name)
        .sort(),
    );
    expect(packed.map((entry) => entry.name)).toContain("@ratatoskr/provider-utils");
  });

  it("hold the build, the README and the changelog: no source, test or fixture", () => {
    for (const { name, files } of packed) {
      const unexpected = files.filter(
        (file) =>
          !/^(package\.json|README\.md|CHANGELOG\.md|dist\/(bin\/)?[\w.-]+\.(c?js|d\.c?ts|c?js\.map))$/.test(
            file,
          ),
      );
      expect(unexpected, name).toEqual([]);
      expect(files, name).toEqual(
        expect.arrayContaining([
          "dist/index.js",
          "dist/index.cjs",
          "dist/index.d.ts",
          "dist/index.d.cts",
        ]),
      );
    }
  });

  it("declare Node >= 20 and name versions, not workspace ranges", () => {
    for (const { name } of packed) {
      const installed = join(everything.directory, "node_modules", name, "package.json");
      const manifest = JSON.parse(readFileSync(installed, "utf8"));
      expect(manifest.engines, name).toEqual({ node: ">=20" });
      expect(JSON.stringify(manifest), name).not.toContain("workspace:");
    }
  });

  it("install on the system Node without an engine warning", () => {
    expect(toolchain.nodeVersion).toMatch(/^v\d+\./);
    expect(everything.installLog).not.toMatch(/EBADENGINE|Unsupported engine/);
    expect(gatewayOnly.installLog).not.toMatch(/EBADENGINE|Unsupported engine/);
  });
});

describe("a consumer on the system Node", () => {
  it("imports every package as ESM and makes a mock call and real SDK calls against loopback", async () => {
    const { stdout } = await everything.node("smoke.mjs");
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!);
    expect(report).toMatchObject({ ok: true, format: "esm", node: toolchain.nodeVersion });
    expect(report.gateway).toMatch(/\/@ratatoskr\/gateway\/dist\/index\.js$/);
  });

  it("requires every package as CommonJS and makes the same calls", async () => {
    const { stdout } = await everything.node("smoke.cjs");
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!);
    expect(report).toMatchObject({ ok: true, format: "cjs", node: toolchain.nodeVersion });
    expect(report.gateway).toMatch(/\/@ratatoskr\/gateway\/dist\/index\.cjs$/);
  });

  it("type-checks against the declarations (import and require) with skipLibCheck off; shorthands take each provider's settings", async () => {
    // Bundler resolution: @huggingface/tokenizers 0.2's own declarations use
    // extensionless relative imports, which NodeNext rejects (see the README).
    await everything.typecheck({
      compilerOptions: { ...COMPILER_OPTIONS, module: "Preserve", moduleResolution: "Bundler" },
      files: ["typed.ts", "typed-require.cts"],
    });
  });

  it("type-checks with only the gateway installed (NodeNext, skipLibCheck off): missing providers' settings degrade to a record", async () => {
    await gatewayOnly.typecheck({
      compilerOptions: { ...COMPILER_OPTIONS, module: "NodeNext", moduleResolution: "NodeNext" },
      files: ["gateway-only.ts"],
    });
  });
});
