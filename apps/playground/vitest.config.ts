import { vitestPreset } from "../../tooling/config/vitest.preset.ts";

// The browser test starts Chromium and loads tokenizers: give it room on a 2-core machine.
export default vitestPreset({
  test: {
    testTimeout: 60_000,
    hookTimeout: 90_000,
    expect: { poll: { timeout: 15_000, interval: 50 } },
  },
});
