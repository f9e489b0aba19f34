/**
 * Shared tsup preset: every package ships ESM with type declarations and
 * source maps, bundling only its own code (dependencies stay external).
 */
import type { Options } from "tsup";

export function libraryPreset(overrides: Partial<Options> = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node22",
    platform: "node",
    treeshake: true,
    splitting: false,
    ...overrides,
  };
}
