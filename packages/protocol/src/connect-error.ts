/**
 * {@link RatatoskrError} ↔ Connect's `ConnectError`, for servers and clients
 * built on Connect-ES (which serve gRPC, gRPC-Web and Connect alike): the
 * status of {@link errorToStatus}, its metadata, and the
 * `ratatoskr.v1.ErrorDetail` as an error detail.
 */
import { type Code, ConnectError } from "@connectrpc/connect";
import type { RatatoskrError } from "@ratatoskr/core";
import { errorFromStatus, errorToStatus } from "./error-status.ts";
import { ErrorDetailSchema } from "./gen/ratatoskr/v1/ratatoskr_pb.ts";

/** The `ConnectError` a Connect server throws for `error`. */
export function errorToConnectError(error: RatatoskrError, requestId?: string): ConnectError {
  const status = errorToStatus(error, requestId);
  return new ConnectError(status.message, status.code as Code, status.metadata, [
    { desc: ErrorDetailSchema, value: status.detail },
  ]);
}

/**
 * The typed error a Connect client rebuilds from what a call threw (any
 * value: a `ConnectError`, or another error that `ConnectError.from` wraps,
 * an abort becoming `aborted`). The `ConnectError` is kept as a redacted
 * `cause`.
 */
export function errorFromConnectError(error: unknown): RatatoskrError {
  const connectError = ConnectError.from(error);
  const [detail] = connectError.findDetails(ErrorDetailSchema);
  return errorFromStatus(
    {
      code: connectError.code,
      message: connectError.rawMessage,
      metadata: connectError.metadata,
      ...(detail === undefined ? {} : { detail }),
    },
    connectError,
  );
}
