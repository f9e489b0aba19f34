import { vitestPreset } from "../config/vitest.preset.ts";

// Packing, an npm install from the registry and two tsc runs: minutes on a
// busy 2-core machine. These bounds only stop a hung step; nothing asserts time.
export default vitestPreset({ test: { testTimeout: 600_000, hookTimeout: 900_000 } });
