/**
 * What a failed call answers: every `RatatoskrError` as the status of the
 * error-trait table (Ratatoskr code in metadata, `ErrorDetail` in the
 * details); anything else as a bare `INTERNAL` without its message or stack.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { RatatoskrError } from "@ratatoskr/core";
import { errorToConnectError } from "@ratatoskr/protocol";

/**
 * The standard `retry-after` metadata (whole seconds, at least 1) an error
 * with a wait carries, beside Ratatoskr's `ratatoskr-retry-after-ms`, for
 * gRPC clients that know nothing of Ratatoskr.
 */
export const RETRY_AFTER_SECONDS_METADATA_KEY = "retry-after";

/** The `ConnectError` a handler throws for `error`. */
export function toConnectError(error: unknown): ConnectError {
  if (RatatoskrError.isInstance(error)) {
    const connectError = errorToConnectError(error);
    if (error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs)) {
      connectError.metadata.set(
        RETRY_AFTER_SECONDS_METADATA_KEY,
        String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))),
      );
    }
    return connectError;
  }
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
