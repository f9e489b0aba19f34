/**
 * The entry point (`pnpm --filter ratatoskr-example-cli-chat start`): runs
 * {@link main} on the process. The first Ctrl+C aborts the stream in flight
 * through its AbortSignal and exits 130 once the chat has shut down; a
 * second Ctrl+C exits 130 at once.
 */
import { EXIT_INTERRUPTED, main } from "./main.ts";

const interrupt = new AbortController();
const requestInterrupt = () => {
  if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED); // the second Ctrl+C forces
  interrupt.abort();
};
process.on("SIGINT", requestInterrupt);

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  interrupt: interrupt.signal,
  requestInterrupt,
});
// stdin (a REPL's terminal) may keep the loop alive; the chat is over.
process.stdin.unref?.();
