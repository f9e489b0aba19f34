/**
 * Shared tsup preset: every package ships ESM (`dist/*.js`) and CommonJS
 * (`dist/*.cjs`, for `require`) with type declarations for each (`.d.ts`,
 * `.d.cts`) and source maps, for Node 20 and later, bundling only its own
 * code (dependencies stay external). `shims` gives the CommonJS build an
 * `import.meta.url`.
 */
import type { Options } from "tsup";

export function libraryPreset(overrides: Partial<Options> = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    shims: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    treeshake: true,
    splitting: false,
    ...overrides,
  };
}
