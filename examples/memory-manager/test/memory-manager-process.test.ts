/**
 * The `start` script as a user runs it, in a child process (no network,
 * no key): the demo prints the duplicate, the contradiction and the fit.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));

it("start prints the memory report and exits 0", async () => {
  const script: string = JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, "utf8")).scripts
    .start;
  const [command, ...args] = script.split(" ");
  expect(command).toBe("node");
  const child = spawn(process.execPath, args, {
    cwd: PACKAGE_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, HF_TOKEN: "" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(stderr).toBe("");
  expect(code).toBe(0);
  expect(stdout).toContain("Alice is not allergic to peanuts.");
  const budget = stdout.match(/(\d+) prompt tokens \+ (\d+) reserved = (\d+) of (\d+)/);
  expect(budget).not.toBeNull();
  expect(Number(budget![3])).toBeLessThanOrEqual(Number(budget![4]));
});
