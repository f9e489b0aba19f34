/**
 * The `start` script as a user runs it: a child process, its stdout read as
 * it arrives. No timing assertions: the tests wait for output and exit events.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The package's `start` script (`node <flags> src/cli.ts`), spawned with this Node. */
function startChat(args: string[]): ChildProcess {
  const script: string = JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, "utf8")).scripts
    .start;
  const [command, ...scriptArgs] = script.split(" ");
  expect(command).toBe("node");
  return spawn(process.execPath, [...scriptArgs, ...args], {
    cwd: PACKAGE_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function capture(child: ChildProcess) {
  const output = { stdout: "", stderr: "" };
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (output.stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (output.stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { output, exited };
}

it("start runs the tool loop and exits 0", async () => {
  const child = startChat(["What is (17 + 25) * 3?"]);
  child.stdin!.end();
  const { output, exited } = capture(child);
  expect(await exited).toEqual({ code: 0, signal: null });
  expect(output.stderr).toBe("");
  expect(output.stdout).toContain("From the tools: (17 + 25) * 3 = 126.");
});

it("start reads the prompt from piped stdin when none is given", async () => {
  const child = startChat([]);
  child.stdin!.end("Read recipe.txt please\n");
  const { output, exited } = capture(child);
  expect(await exited).toEqual({ code: 0, signal: null });
  expect(output.stderr).toBe("");
  expect(output.stdout).toContain('→ read_file({"path":"recipe.txt"})');
  expect(output.stdout).toContain("read_file says: Sourdough starter");
});

it("Ctrl+C mid-answer aborts the stream and exits 130, with no stack trace and no cut-off line", async () => {
  // The scripted server sends one word of its answer, then stalls.
  const child = startChat(["--stall-after-first-content", "hello"]);
  child.stdin!.end();
  const { output, exited } = capture(child);
  await new Promise<void>((resolve) => {
    const check = () => {
      if (output.stdout.includes("You ")) {
        child.stdout!.off("data", check);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    check();
  });
  child.kill("SIGINT");
  expect(await exited).toEqual({ code: 130, signal: null });
  expect(output.stderr).toBe("");
  expect(output.stdout).toMatch(/You \n\[interrupted\]\n$/);
});
