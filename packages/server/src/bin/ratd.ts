#!/usr/bin/env node
/**
 * `ratd`: the Ratatoskr daemon. `ratd --help` lists the flags; SIGTERM or
 * SIGINT closes it gracefully (a second signal exits at once).
 */
import { RatatoskrError } from "@ratatoskr/core";
import { runRatd } from "./ratd-cli.ts";

const output = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

try {
  const result = await runRatd(process.argv.slice(2), process.env, output);
  if (typeof result === "number") {
    process.exitCode = result;
  } else {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      stopping = true;
      output.err(`ratd: ${signal}: closing (calls in flight may finish)`);
      result.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          output.err(`ratd: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  }
} catch (error) {
  output.err(
    RatatoskrError.isInstance(error)
      ? `ratd: ${error.code}: ${error.message}`
      : `ratd: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
