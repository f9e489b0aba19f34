import { vitestPreset } from "../../tooling/config/vitest.preset.ts";

export default vitestPreset();
