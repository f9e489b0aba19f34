/**
 * The entry point (`pnpm --filter ratatoskr-example-memory-manager start`):
 * runs {@link main} on the process.
 */
import { main } from "./main.ts";

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
