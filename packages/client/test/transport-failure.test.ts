/**
 * Which failures the client may retry before anything was delivered: the
 * ones no Ratatoskr daemon answered — a daemon that could not be reached, a
 * connection that went away, a call cut in transit (a stream that ended
 * without gRPC trailers, a refused or reset HTTP/2 stream, a reset
 * connection), as a load balancer in front of a dying daemon produces them.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { isTransportFailure } from "../src/index.ts";

/** A Node error with a `code`, as http2 and net raise them. */
function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("isTransportFailure", () => {
  it.each([
    ["UNAVAILABLE (unreachable)", new ConnectError("connect ECONNREFUSED", Code.Unavailable)],
    ["CANCELLED (connection gone)", new ConnectError("stream closed", Code.Canceled)],
    [
      "a stream that ended without trailers",
      new ConnectError("protocol error: missing status", Code.Internal),
    ],
    [
      "a refused HTTP/2 stream raised by Node",
      new ConnectError(
        "Stream closed with error code NGHTTP2_REFUSED_STREAM",
        Code.Internal,
        undefined,
        undefined,
        nodeError("Stream closed with error code NGHTTP2_REFUSED_STREAM", "ERR_HTTP2_STREAM_ERROR"),
      ),
    ],
    [
      "a reset connection",
      new ConnectError(
        "read ECONNRESET",
        Code.Aborted,
        undefined,
        undefined,
        nodeError("read ECONNRESET", "ECONNRESET"),
      ),
    ],
  ])("retries %s", (_name, error) => {
    expect(isTransportFailure(error)).toBe(true);
  });

  it.each([
    [
      "a daemon's own UNAVAILABLE (its metadata names the code)",
      withCode(new ConnectError("upstream down", Code.Unavailable)),
    ],
    [
      "a daemon's INTERNAL cut message with its metadata",
      withCode(new ConnectError("protocol error: missing status", Code.Internal)),
    ],
    ["INTERNAL for another reason", new ConnectError("invalid protobuf", Code.Internal)],
    ["INVALID_ARGUMENT", new ConnectError("bad", Code.InvalidArgument)],
    [
      "RESOURCE_EXHAUSTED (a limit: retry-after applies)",
      new ConnectError("busy", Code.ResourceExhausted),
    ],
    ["not a ConnectError", new Error("protocol error: missing status")],
  ])("does not retry %s", (_name, error) => {
    expect(isTransportFailure(error)).toBe(false);
  });
});

/** `error` as a Ratatoskr daemon sends it: its error code in the metadata. */
function withCode(error: ConnectError): ConnectError {
  error.metadata.set("ratatoskr-error-code", "network");
  return error;
}
