import { defineConfig } from "tsup";
import { libraryPreset } from "../../tooling/config/tsup.preset.ts";

export default defineConfig(
  libraryPreset({
    entry: {
      index: "src/index.ts",
      conformance: "src/conformance.ts",
      servers: "src/servers/index.ts",
    },
  }),
);
