import { vitestPreset } from "../../tooling/config/vitest.preset.ts";

// Tokenizer files are large (up to 33 MB of JSON): first loads take seconds on a busy 2-core CI machine.
export default vitestPreset({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
