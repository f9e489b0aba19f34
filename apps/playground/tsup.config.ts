import { defineConfig } from "tsup";
import { libraryPreset } from "../../tooling/config/tsup.preset.ts";

// The server (an app: ESM only). `src/build-client.ts` then bundles the browser app into dist/public;
// esbuild (a devDependency) is only imported when running from source without that bundle.
export default defineConfig(
  libraryPreset({ entry: ["src/main.ts"], format: ["esm"], dts: false, external: ["esbuild"] }),
);
