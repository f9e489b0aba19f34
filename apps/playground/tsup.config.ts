import { defineConfig } from "tsup";
import { libraryPreset } from "../../tooling/config/tsup.preset.ts";

// The server; `src/build-client.ts` bundles the browser app into dist/public after it.
export default defineConfig(libraryPreset({ entry: ["src/main.ts"], dts: false }));
