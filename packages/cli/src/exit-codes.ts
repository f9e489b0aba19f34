/**
 * `rat`'s exit codes: one per class of failure, so scripts can tell a bad
 * flag from a missing key from a network outage.
 */
import type { ErrorCode } from "@ratatoskr/core";

/** The exit codes of `rat`, by name. */
export const EXIT_CODES = {
  /** Success. */
  ok: 0,
  /** Any other error (a provider or configuration error, a bug). */
  unexpected: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** The gateway rejected the input (`invalid_input` and its kin). */
  invalidInput: 3,
  /** A key or token was refused (`authentication`). */
  authentication: 4,
  /** Nothing serves the model or capability (`no_provider`, `model_not_found`, `not_implemented`, …). */
  noProvider: 5,
  /** The network, the daemon or the provider is unreachable, or the call timed out. */
  unavailable: 6,
  /** Rate limited (`rate_limited`). */
  rateLimited: 7,
  /** Interrupted (Ctrl-C / SIGINT). */
  interrupted: 130,
} as const;

/** One of {@link EXIT_CODES}' values. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

const BY_ERROR_CODE: Partial<Record<ErrorCode, ExitCode>> = {
  invalid_input: EXIT_CODES.invalidInput,
  unsupported_parameter: EXIT_CODES.invalidInput,
  context_length_exceeded: EXIT_CODES.invalidInput,
  authentication: EXIT_CODES.authentication,
  no_provider: EXIT_CODES.noProvider,
  model_not_found: EXIT_CODES.noProvider,
  model_not_available: EXIT_CODES.noProvider,
  not_implemented: EXIT_CODES.noProvider,
  unsupported: EXIT_CODES.noProvider,
  network: EXIT_CODES.unavailable,
  timeout: EXIT_CODES.unavailable,
  rate_limited: EXIT_CODES.rateLimited,
  aborted: EXIT_CODES.interrupted,
};

/** The exit code for a `RatatoskrError` code (1 for codes without their own). */
export function exitCodeForErrorCode(code: ErrorCode): ExitCode {
  return BY_ERROR_CODE[code] ?? EXIT_CODES.unexpected;
}

/** The exit-code table as `rat --help` and the README print it. */
export const EXIT_CODE_HELP = `Exit codes:
  0    ok
  1    unexpected error (provider, configuration, bug)
  2    usage error (bad flags or arguments)
  3    invalid_input (also unsupported_parameter, context_length_exceeded)
  4    authentication
  5    no_provider, model_not_found, model_not_available, not_implemented, unsupported
  6    network, unavailable, timeout
  7    rate_limited
  130  interrupted (Ctrl-C)`;
