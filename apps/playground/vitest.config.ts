import { vitestPreset } from "../../tooling/config/vitest.preset.ts";

// The browser test starts Chromium and loads tokenizers: the preset's hang guards leave it room on a busy 2-core machine.
export default vitestPreset();
