/**
 * @ratatoskr/cli: `rat`, the Ratatoskr command line, as a function
 * (`runCli`) the `rat` bin wires to the process.
 *
 * @packageDocumentation
 */
export { describeFailure, type ReportedError, reportFailure, UsageError } from "./cli-errors.ts";
export type {
  CliDeps,
  CliGateway,
  CliIo,
  CliWriter,
  CreateLocalOptions,
  LocalGateway,
  RemoteGateway,
  RunningServer,
  ServeOptions,
} from "./cli-types.ts";
export { EXIT_CODE_HELP, EXIT_CODES, type ExitCode, exitCodeForErrorCode } from "./exit-codes.ts";
export { createLocalGateway, type LocalHealth, MOCK_MODELS } from "./local.ts";
export { describeProgress, PROGRESS_INTERVAL_MS, watchModelProgress } from "./progress.ts";
export { connectRemote, startServer } from "./remote.ts";
export { ENVIRONMENT_HELP, runCli } from "./run-cli.ts";

import type { CliDeps } from "./cli-types.ts";
import { createLocalGateway } from "./local.ts";
import { connectRemote } from "./remote.ts";

/** The real gateway factories: `@ratatoskr/client` for `--url`, the builder for `--local`. */
export const defaultDeps: CliDeps = {
  connectRemote: (url, token) => connectRemote(url, token),
  createLocal: (env, options) => createLocalGateway(env, options),
};
