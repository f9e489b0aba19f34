import { vitestPreset } from "../config/vitest.preset.ts";

export default vitestPreset({ test: { testTimeout: 60_000 } });
