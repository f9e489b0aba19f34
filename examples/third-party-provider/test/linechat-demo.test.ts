/**
 * The demo (`pnpm --filter ratatoskr-provider-linechat demo`) keeps working:
 * run it in a fresh Node process, as the README tells a reader to.
 */
import { fileURLToPath } from "node:url";
import { runNodeScript } from "@ratatoskr/testing";
import { expect, it } from "vitest";

const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));

it("the demo chats, streams a tool call with a warning, and embeds", async () => {
  const result = await runNodeScript('await import("./src/demo.ts");', {
    cwd: PACKAGE_ROOT,
    // A bound against a hang on a loaded machine, not a measurement.
    timeoutMs: 120_000,
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(result.stdout).toContain("line-* chat models are LineChat's");
  expect(result.stdout).toContain('chat → "You said: Hello, LineChat!"');
  expect(result.stdout).toContain('tool call get_weather({"city":"Bergen"})');
  expect(result.stdout).toContain("temperature 2 clamped to 1.5");
  expect(result.stdout).toContain("embedBatch → 3 vectors of 8 numbers");
});
