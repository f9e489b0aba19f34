import { defineConfig } from "tsup";
import { libraryPreset } from "../../tooling/config/tsup.preset.ts";

export default defineConfig([
  libraryPreset(),
  // The `rat` executable: ESM only, with a shebang, no declarations.
  libraryPreset({
    entry: { "bin/rat": "src/bin/rat.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    banner: { js: "#!/usr/bin/env node" },
  }),
]);
