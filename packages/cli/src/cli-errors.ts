/**
 * How `rat` reports a failure: `error [code]: message` on stderr (a JSON
 * object with `--json`), the matching exit code, and the stack only with
 * `RATATOSKR_DEBUG=1`. Messages come from `RatatoskrError`, which redacts
 * keys.
 */
import { inspect } from "node:util";
import { RatatoskrError } from "@ratatoskr/core";
import { EXIT_CODES, exitCodeForErrorCode } from "./exit-codes.ts";

/** A bad flag or argument, found by the CLI itself (exit 2). */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override readonly name = "UsageError";
}

/** What a failure prints and returns. */
export interface ReportedError {
  /** A `RatatoskrError` code, `usage` or `unexpected`. */
  code: string;
  /** The error's message, as printed. */
  message: string;
  /** The process exit code for it. */
  exitCode: number;
  /** How long the server asked to wait before retrying (a `rate_limited` error), in ms. */
  retryAfterMs?: number;
}

/** Classify `error` for printing. */
export function describeFailure(error: unknown): ReportedError {
  if (error instanceof UsageError)
    return { code: "usage", message: error.message, exitCode: EXIT_CODES.usage };
  if (RatatoskrError.isInstance(error)) {
    const failure: ReportedError = {
      code: error.code,
      message: error.message,
      exitCode: exitCodeForErrorCode(error.code),
    };
    if (error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs)) {
      failure.retryAfterMs = error.retryAfterMs;
    }
    return failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "unexpected", message, exitCode: EXIT_CODES.unexpected };
}

/** Print `error` to `write` and return its exit code. */
export function reportFailure(
  error: unknown,
  write: (text: string) => void,
  options: { json: boolean; debug: boolean },
): number {
  const failure = describeFailure(error);
  if (options.json) write(`${JSON.stringify({ error: failure })}\n`);
  else {
    const wait =
      failure.retryAfterMs === undefined
        ? ""
        : ` (retry after ${Math.max(1, Math.ceil(failure.retryAfterMs / 1000))} s)`;
    write(`error [${failure.code}]: ${failure.message}${wait}\n`);
  }
  if (options.debug) write(`${inspect(error, { depth: 6 })}\n`);
  return failure.exitCode;
}
