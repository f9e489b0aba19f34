/**
 * What a failed call answers: every `RatatoskrError` as the status of the
 * error-trait table (Ratatoskr code in metadata, `ErrorDetail` in the
 * details); anything else as a bare `INTERNAL` without its message or stack.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { RatatoskrError } from "@ratatoskr/core";
import { errorToConnectError } from "@ratatoskr/protocol";

/** The `ConnectError` a handler throws for `error`. */
export function toConnectError(error: unknown): ConnectError {
  if (RatatoskrError.isInstance(error)) return errorToConnectError(error);
  if (error instanceof ConnectError) return error;
  return new ConnectError("internal error", Code.Internal);
}

/** The error of an RPC the served gateway has no method for. */
export function notImplemented(method: string): RatatoskrError {
  return new RatatoskrError({
    code: "not_implemented",
    message: `this gateway does not implement ${method}`,
    details: { method },
  });
}
