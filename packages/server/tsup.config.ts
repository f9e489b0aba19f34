import { defineConfig } from "tsup";
import { libraryPreset } from "../../tooling/config/tsup.preset.ts";

export default defineConfig([
  libraryPreset(),
  // The `ratd` bin: ESM only (top-level await), next to the library build.
  libraryPreset({
    entry: { "bin/ratd": "src/bin/ratd.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
  }),
]);
