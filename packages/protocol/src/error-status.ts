/**
 * {@link RatatoskrError} ↔ a gRPC status: the code from the error-trait
 * table (`errorTraits(error).grpcStatus`), the redacted message, metadata
 * (`ratatoskr-error-code`, `ratatoskr-retry-after-ms`,
 * `ratatoskr-request-id`) and a `ratatoskr.v1.ErrorDetail` for the status
 * details (`grpc-status-details-bin`). The other side rebuilds the same
 * typed error; from a server that sent neither metadata nor detail (the
 * original daemon) it maps the status code back by {@link GRPC_STATUS_ERROR_CODES}.
 */
import { create } from "@bufbuild/protobuf";
import {
  ERROR_CODES,
  type ErrorCode,
  errorTraits,
  GRPC_STATUS,
  type GrpcStatusName,
  type PartialOutput,
  RatatoskrError,
  type RatatoskrErrorOptions,
  type TimeoutKind,
} from "@ratatoskr/core";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";

/** Metadata key (response trailer) holding the error's {@link ErrorCode}. */
export const ERROR_CODE_METADATA_KEY = "ratatoskr-error-code";
/** Metadata key holding the milliseconds to wait before retrying, when the error says. */
export const RETRY_AFTER_METADATA_KEY = "ratatoskr-retry-after-ms";
/** Metadata key holding the request id, when known. */
export const REQUEST_ID_METADATA_KEY = "ratatoskr-request-id";

/** A failed RPC's status, transport-neutral: what a server sends and what a client received. */
export interface RpcErrorStatus {
  /** The gRPC status code (`GRPC_STATUS`; Connect's `Code` uses the same numbers). */
  code: number;
  /** The error's message (redacted). */
  message: string;
  /** Response metadata (trailers for gRPC). */
  metadata: Record<string, string>;
  /** The status detail with every field of the error. */
  detail: pb.ErrorDetail;
}

/** The status a client received; metadata and detail are absent from servers that send none. */
export interface ReceivedRpcStatus {
  code: number;
  message: string;
  metadata?: Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
  detail?: pb.ErrorDetail;
}

/**
 * The {@link ErrorCode} a bare gRPC status stands for, for statuses without
 * a `ratatoskr-error-code` (the original daemon's). Unlisted codes
 * (`UNKNOWN`, `INTERNAL`, `DATA_LOSS`, `ABORTED`, …) are `provider` errors.
 */
export const GRPC_STATUS_ERROR_CODES: Readonly<Partial<Record<GrpcStatusName, ErrorCode>>> = {
  CANCELLED: "aborted",
  INVALID_ARGUMENT: "invalid_input",
  DEADLINE_EXCEEDED: "timeout",
  NOT_FOUND: "model_not_found",
  PERMISSION_DENIED: "content_filtered",
  RESOURCE_EXHAUSTED: "rate_limited",
  FAILED_PRECONDITION: "configuration",
  OUT_OF_RANGE: "context_length_exceeded",
  UNIMPLEMENTED: "not_implemented",
  UNAVAILABLE: "network",
  UNAUTHENTICATED: "authentication",
};

/**
 * The status a server answers `error` with. Every string in it was redacted
 * when the error was built; `details` that are not JSON are left out.
 */
export function errorToStatus(error: RatatoskrError, requestId?: string): RpcErrorStatus {
  const detail = create(pb.ErrorDetailSchema, { code: error.code, isRetryable: error.isRetryable });
  if (error.provider !== undefined) detail.provider = error.provider;
  if (error.model !== undefined) detail.model = error.model;
  if (isUint32(error.status)) detail.httpStatus = error.status;
  if (error.body !== undefined) detail.body = error.body;
  if (isNonNegative(error.retryAfterMs)) detail.retryAfterMs = error.retryAfterMs;
  if (isUint32(error.limit)) detail.limit = error.limit;
  if (error.reason !== undefined) detail.reason = error.reason;
  if (error.timeoutKind !== undefined) detail.timeoutKind = error.timeoutKind;
  if (error.partial !== undefined) detail.partial = partialToProto(error.partial);
  const details = jsonOrUndefined(error.details);
  if (details !== undefined) detail.detailsJson = details;
  if (requestId !== undefined) detail.requestId = requestId;

  const metadata: Record<string, string> = { [ERROR_CODE_METADATA_KEY]: error.code };
  if (detail.retryAfterMs !== undefined) {
    metadata[RETRY_AFTER_METADATA_KEY] = String(Math.ceil(detail.retryAfterMs));
  }
  if (requestId !== undefined) metadata[REQUEST_ID_METADATA_KEY] = requestId;
  return {
    code: GRPC_STATUS[errorTraits(error).grpcStatus],
    message: error.message,
    metadata,
    detail,
  };
}

/**
 * The typed error a client rebuilds from a status: every field the detail
 * carries; else the code from the metadata, else from the status code
 * ({@link GRPC_STATUS_ERROR_CODES}). An error code this version does not know
 * maps by status code and is kept in `details.serverErrorCode`.
 */
export function errorFromStatus(status: ReceivedRpcStatus, cause?: unknown): RatatoskrError {
  const detail = status.detail;
  const sent = detail?.code || readMetadata(status.metadata, ERROR_CODE_METADATA_KEY);
  const known = sent !== undefined && (ERROR_CODES as readonly string[]).includes(sent);
  const code = known ? (sent as ErrorCode) : codeOfStatus(status.code);
  const options: RatatoskrErrorOptions = {
    code,
    message: status.message,
    ...(cause === undefined ? {} : { cause }),
  };
  if (detail === undefined) {
    const retryAfter = Number(readMetadata(status.metadata, RETRY_AFTER_METADATA_KEY));
    if (isNonNegative(retryAfter)) options.retryAfterMs = retryAfter;
  } else {
    Object.assign(options, detailOptions(detail));
  }
  const requestId = detail?.requestId ?? readMetadata(status.metadata, REQUEST_ID_METADATA_KEY);
  const details: Record<string, unknown> = { ...(options.details ?? {}) };
  if (requestId !== undefined) details.requestId = requestId;
  if (sent !== undefined && !known) details.serverErrorCode = sent;
  if (Object.keys(details).length > 0) options.details = details;
  return new RatatoskrError(options);
}

function detailOptions(detail: pb.ErrorDetail): Partial<RatatoskrErrorOptions> {
  const options: Partial<RatatoskrErrorOptions> = { isRetryable: detail.isRetryable };
  if (detail.provider !== undefined) options.provider = detail.provider;
  if (detail.model !== undefined) options.model = detail.model;
  if (detail.httpStatus !== undefined) options.status = detail.httpStatus;
  if (detail.body !== undefined) options.body = detail.body;
  if (detail.retryAfterMs !== undefined) options.retryAfterMs = detail.retryAfterMs;
  if (detail.limit !== undefined) options.limit = detail.limit;
  if (detail.reason !== undefined) options.reason = detail.reason;
  if (isTimeoutKind(detail.timeoutKind)) options.timeoutKind = detail.timeoutKind;
  if (detail.partial !== undefined) options.partial = partialFromProto(detail.partial);
  const details = parseObject(detail.detailsJson);
  if (details !== undefined) options.details = details;
  return options;
}

function codeOfStatus(status: number): ErrorCode {
  const name = (Object.keys(GRPC_STATUS) as GrpcStatusName[]).find(
    (key) => GRPC_STATUS[key] === status,
  );
  return (name === undefined ? undefined : GRPC_STATUS_ERROR_CODES[name]) ?? "provider";
}

function partialToProto(partial: PartialOutput): pb.PartialOutput {
  const proto = create(pb.PartialOutputSchema, {
    content: partial.content,
    toolCalls: (partial.toolCalls ?? []).map((call) => create(pb.PartialToolCallSchema, call)),
  });
  if (partial.reasoning !== undefined) proto.reasoning = partial.reasoning;
  return proto;
}

function partialFromProto(proto: pb.PartialOutput): PartialOutput {
  const partial: PartialOutput = { content: proto.content };
  if (proto.reasoning !== undefined) partial.reasoning = proto.reasoning;
  if (proto.toolCalls.length > 0) {
    partial.toolCalls = proto.toolCalls.map((call) => ({
      id: call.id,
      name: call.name,
      arguments: call.arguments,
      complete: call.complete,
    }));
  }
  return partial;
}

function readMetadata(metadata: ReceivedRpcStatus["metadata"], key: string): string | undefined {
  if (metadata === undefined) return undefined;
  if (metadata instanceof Headers) return metadata.get(key) ?? undefined;
  const value = metadata[key];
  return typeof value === "string" ? value : value?.[0];
}

function jsonOrUndefined(value: Record<string, unknown> | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isUint32(value: number | undefined): value is number {
  return value !== undefined && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

function isNonNegative(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value >= 0;
}

function isTimeoutKind(value: string | undefined): value is TimeoutKind {
  return value === "attempt" || value === "idle" || value === "total";
}
