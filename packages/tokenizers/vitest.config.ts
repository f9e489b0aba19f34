import { vitestPreset } from "../../tooling/config/vitest.preset.ts";

// Tokenizer files are large (up to 33 MB of JSON): first loads take seconds; the preset's hang guards leave room.
export default vitestPreset();
