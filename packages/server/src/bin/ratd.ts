#!/usr/bin/env node
/**
 * `ratd`: the Ratatoskr daemon. `ratd --help` lists the flags; SIGTERM or
 * SIGINT closes it gracefully (a second signal exits at once).
 */
import { RatatoskrError } from "@ratatoskr/core";
import { type RunningRatd, runRatd } from "./ratd-cli.ts";

const output = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

// The signal handlers are in place before `runRatd` prints "listening": a
// supervisor (or a test) that reads that line may signal at once. A signal
// that arrives while the daemon is still starting stops it once it has.
let running: RunningRatd | undefined;
let signalled: NodeJS.Signals | undefined;
const stop = (signal: NodeJS.Signals, daemon: RunningRatd) => {
  output.err(`ratd: ${signal}: closing (calls in flight may finish)`);
  daemon.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      output.err(`ratd: ${(error as Error).message}`);
      process.exit(1);
    },
  );
};
const onSignal = (signal: NodeJS.Signals) => {
  if (signalled !== undefined) process.exit(1);
  signalled = signal;
  if (running !== undefined) stop(signal, running);
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);

try {
  const result = await runRatd(process.argv.slice(2), process.env, output);
  if (typeof result === "number") {
    process.exitCode = result;
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    if (signalled !== undefined) process.exit(result);
  } else {
    running = result;
    if (signalled !== undefined) stop(signalled, result);
  }
} catch (error) {
  output.err(
    RatatoskrError.isInstance(error)
      ? `ratd: ${error.code}: ${error.message}`
      : `ratd: ${(error as Error).message}`,
  );
  process.exitCode = 1;
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
}
