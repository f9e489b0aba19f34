/**
 * The `rat` executable: `runCli` on this process's arguments, streams and
 * environment. The first Ctrl-C cancels the call in flight (exit 130); a
 * second one exits at once.
 */
import { defaultDeps, runCli } from "../index.ts";

const controller = new AbortController();
process.on("SIGINT", () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});

// A reader that went away (`rat chat … | head -1`) ends the run quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  process.exit(error.code === "EPIPE" ? 0 : 1);
});

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    signal: controller.signal,
  },
  defaultDeps,
);
// Exit once stdout has taken everything written (a pipe may lag behind).
process.stdout.write("", () => process.exit(code));
