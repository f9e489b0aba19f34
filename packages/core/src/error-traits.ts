/**
 * What each {@link ErrorCode} means to every layer, in one table: whether a
 * retry of the same request may succeed, whether a failure before anything
 * was delivered may move on to a fallback target, whether it counts against
 * the provider's health (cool-downs), and the HTTP and gRPC status a served
 * gateway answers with. The retry layer, the fallback logic, cool-downs and
 * service mode all read this table; none keeps a list of its own.
 */
import type { ErrorCode } from "./errors.ts";

/** gRPC status codes (`google.rpc.Code`), by name. */
export const GRPC_STATUS = {
  /** Not an error: success. */
  OK: 0,
  /** The operation was cancelled, typically by the caller. */
  CANCELLED: 1,
  /** An unknown error. */
  UNKNOWN: 2,
  /** The client gave an invalid argument. */
  INVALID_ARGUMENT: 3,
  /** The deadline expired before the operation completed. */
  DEADLINE_EXCEEDED: 4,
  /** A requested entity was not found. */
  NOT_FOUND: 5,
  /** The entity to create already exists. */
  ALREADY_EXISTS: 6,
  /** The caller may not run the operation. */
  PERMISSION_DENIED: 7,
  /** A resource is exhausted (a quota, a rate limit). */
  RESOURCE_EXHAUSTED: 8,
  /** The system is not in the state the operation requires. */
  FAILED_PRECONDITION: 9,
  /** The operation was aborted (a concurrency conflict). */
  ABORTED: 10,
  /** The operation went past the valid range. */
  OUT_OF_RANGE: 11,
  /** The operation is not implemented or not supported. */
  UNIMPLEMENTED: 12,
  /** An internal error. */
  INTERNAL: 13,
  /** The service is unavailable for now (transient; retry). */
  UNAVAILABLE: 14,
  /** Unrecoverable data loss or corruption. */
  DATA_LOSS: 15,
  /** The request has no valid credentials. */
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status name. */
export type GrpcStatusName = keyof typeof GRPC_STATUS;

/** The traits of one error code. */
export interface ErrorTraits {
  /** Whether retrying the same request may succeed, whatever the error says (connection errors, 429, attempt and idle timeouts). */
  readonly retryable: boolean;
  /**
   * Whether the error itself decides when `retryable` is false: it is
   * retried when marked `isRetryable` or when it carries a retryable HTTP
   * status (408, 409, 429, 5xx). False: never retried, whatever it says
   * (bad input, authentication, an abort, the caller's own deadline).
   */
  readonly retryableWhenMarked: boolean;
  /** Whether a failure before anything was delivered may move on to the next target. */
  readonly fallback: boolean;
  /** Whether it counts as a failure of the provider towards a cool-down. */
  readonly cooldown: boolean;
  /** The HTTP status a served gateway answers with. */
  readonly httpStatus: number;
  /** The gRPC status a served gateway answers with. */
  readonly grpcStatus: GrpcStatusName;
}

const traits = (
  retryable: boolean | "when-marked",
  fallback: boolean,
  cooldown: boolean,
  httpStatus: number,
  grpcStatus: GrpcStatusName,
): ErrorTraits =>
  Object.freeze({
    retryable: retryable === true,
    retryableWhenMarked: retryable !== false,
    fallback,
    cooldown,
    httpStatus,
    grpcStatus,
  });

/** The table: one row per {@link ErrorCode}. */
export const ERROR_TRAITS: Readonly<Record<ErrorCode, ErrorTraits>> = Object.freeze({
  //                 retry          fallback cooldown HTTP gRPC
  network: traits(true, true, true, 502, "UNAVAILABLE"),
  http: traits("when-marked", true, true, 502, "UNKNOWN"),
  provider: traits("when-marked", true, true, 502, "UNAVAILABLE"),
  rate_limited: traits(true, true, true, 429, "RESOURCE_EXHAUSTED"),
  authentication: traits(false, true, true, 401, "UNAUTHENTICATED"),
  model_not_found: traits(false, true, false, 404, "NOT_FOUND"),
  model_not_available: traits(false, true, false, 404, "NOT_FOUND"),
  stream: traits("when-marked", true, true, 502, "UNAVAILABLE"),
  json: traits("when-marked", true, true, 502, "INTERNAL"),
  invalid_input: traits(false, false, false, 400, "INVALID_ARGUMENT"),
  no_provider: traits(false, true, false, 404, "NOT_FOUND"),
  configuration: traits(false, true, false, 500, "FAILED_PRECONDITION"),
  not_implemented: traits(false, true, false, 501, "UNIMPLEMENTED"),
  unsupported: traits(false, true, false, 400, "FAILED_PRECONDITION"),
  unsupported_parameter: traits(false, true, false, 400, "INVALID_ARGUMENT"),
  data: traits("when-marked", true, true, 502, "INTERNAL"),
  empty_response: traits("when-marked", true, true, 502, "UNAVAILABLE"),
  content_filtered: traits(false, false, false, 400, "FAILED_PRECONDITION"),
  context_length_exceeded: traits(false, true, false, 400, "OUT_OF_RANGE"),
  timeout: traits(true, true, true, 504, "DEADLINE_EXCEEDED"),
  aborted: traits(false, false, false, 499, "CANCELLED"),
});

/** The call's own total deadline: neither retried, nor a fallback, nor the provider's fault. */
const TOTAL_TIMEOUT = traits(false, false, false, 504, "DEADLINE_EXCEEDED");

/**
 * The traits of an error: its code's row, except a `total` timeout (the
 * caller's own deadline ran out: no retry, no fallback, no cool-down).
 */
export function errorTraits(error: {
  readonly code: ErrorCode;
  readonly timeoutKind?: string | undefined;
}): ErrorTraits {
  if (error.code === "timeout" && error.timeoutKind === "total") return TOTAL_TIMEOUT;
  return ERROR_TRAITS[error.code];
}
