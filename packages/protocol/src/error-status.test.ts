import { inspect } from "node:util";
import { toBinary } from "@bufbuild/protobuf";
import {
  ERROR_CODES,
  ERROR_TRAITS,
  GRPC_STATUS,
  type GrpcStatusName,
  RatatoskrError,
  registerSecret,
} from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import {
  ERROR_CODE_METADATA_KEY,
  errorFromStatus,
  errorToStatus,
  GRPC_STATUS_ERROR_CODES,
  REQUEST_ID_METADATA_KEY,
  RETRY_AFTER_METADATA_KEY,
} from "./error-status.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";

const CANARY = "canary-not-a-real-credential-protocol-0001";
registerSecret(CANARY);

function fullError(code: (typeof ERROR_CODES)[number]): RatatoskrError {
  return new RatatoskrError({
    code,
    message: `it failed (${code})`,
    provider: "openrouter",
    model: "anthropic/claude-sonnet-4",
    status: 503,
    body: '{"error":"overloaded"}',
    retryAfterMs: 2500,
    isRetryable: code === "network",
    limit: 200_000,
    reason: "policy",
    timeoutKind: "idle",
    partial: {
      content: "partial text",
      reasoning: "partial thought",
      toolCalls: [{ id: "c1", name: "lookup", arguments: '{"q":', complete: false }],
    },
    details: { providersTried: ["openrouter", "anthropic"] },
  });
}

describe("errors through a status and back", () => {
  it.each(ERROR_CODES)(
    "%s: the table's gRPC status, the code in metadata, every field rebuilt",
    (code) => {
      const error = fullError(code);
      const status = errorToStatus(error, "req-7");
      expect(status.code).toBe(GRPC_STATUS[ERROR_TRAITS[code].grpcStatus]);
      expect(status.metadata).toEqual({
        [ERROR_CODE_METADATA_KEY]: code,
        [RETRY_AFTER_METADATA_KEY]: "2500",
        [REQUEST_ID_METADATA_KEY]: "req-7",
      });
      const rebuilt = errorFromStatus({
        code: status.code,
        message: status.message,
        metadata: new Headers(status.metadata),
        detail: throughWire(pb.ErrorDetailSchema, status.detail),
      });
      expect(RatatoskrError.isInstance(rebuilt, code)).toBe(true);
      expect(rebuilt.toJSON()).toEqual({
        ...error.toJSON(),
        details: { ...error.details, requestId: "req-7" },
      });
    },
  );

  it("a total timeout is the caller's own deadline: DEADLINE_EXCEEDED, not retryable", () => {
    const error = new RatatoskrError({
      code: "timeout",
      timeoutKind: "total",
      message: "deadline",
    });
    const status = errorToStatus(error);
    expect(status.code).toBe(GRPC_STATUS.DEADLINE_EXCEEDED);
    expect(errorFromStatus(status)).toMatchObject({
      code: "timeout",
      timeoutKind: "total",
      isRetryable: true,
    });
  });

  it("without a detail, the metadata's code and retry-after; without either, the status code's meaning", () => {
    expect(
      errorFromStatus({
        code: GRPC_STATUS.RESOURCE_EXHAUSTED,
        message: "slow down",
        metadata: { [ERROR_CODE_METADATA_KEY]: "rate_limited", [RETRY_AFTER_METADATA_KEY]: "900" },
      }),
    ).toMatchObject({ code: "rate_limited", retryAfterMs: 900, isRetryable: true });
    for (const [name, number] of Object.entries(GRPC_STATUS)) {
      const rebuilt = errorFromStatus({ code: number, message: `status ${name}` });
      expect(rebuilt.code, name).toBe(
        GRPC_STATUS_ERROR_CODES[name as GrpcStatusName] ?? "provider",
      );
    }
    // The original daemon's content filter answer, and its catch-all.
    expect(errorFromStatus({ code: GRPC_STATUS.PERMISSION_DENIED, message: "filtered" }).code).toBe(
      "content_filtered",
    );
    expect(errorFromStatus({ code: GRPC_STATUS.INTERNAL, message: "boom" }).code).toBe("provider");
  });

  it("an error code this version does not know maps by status, keeping the server's code", () => {
    const rebuilt = errorFromStatus({
      code: GRPC_STATUS.UNAVAILABLE,
      message: "new kind",
      metadata: { [ERROR_CODE_METADATA_KEY]: "quota_exhausted" },
    });
    expect(rebuilt).toMatchObject({
      code: "network",
      details: { serverErrorCode: "quota_exhausted" },
    });
  });

  it("details that are not JSON are left out instead of failing the status", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const status = errorToStatus(
      new RatatoskrError({ code: "data", message: "odd", details: cyclic }),
    );
    expect(status.detail.detailsJson).toBeUndefined();
    expect(status.code).toBe(GRPC_STATUS.INTERNAL);
  });

  it("a key in an upstream message, body, details or partial appears nowhere in the status, nor in the rebuilt error", () => {
    const error = new RatatoskrError({
      code: "authentication",
      message: `upstream said: invalid key ${CANARY}`,
      body: `{"key":"${CANARY}"}`,
      details: { echoed: CANARY },
      partial: { content: `text ${CANARY}` },
      cause: new Error(`socket ${CANARY}`),
    });
    const status = errorToStatus(error);
    expect(status.message).not.toContain(CANARY);
    expect(JSON.stringify(status.metadata)).not.toContain(CANARY);
    const detailBytes = new TextDecoder().decode(toBinary(pb.ErrorDetailSchema, status.detail));
    expect(detailBytes).toContain("[REDACTED]");
    expect(detailBytes).not.toContain(CANARY);
    const rebuilt = errorFromStatus({
      ...status,
      detail: throughWire(pb.ErrorDetailSchema, status.detail),
    });
    expect(inspect(rebuilt, { depth: Number.POSITIVE_INFINITY })).not.toContain(CANARY);
    expect(JSON.stringify(rebuilt)).not.toContain(CANARY);
  });
});
