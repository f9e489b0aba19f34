/**
 * How every RPC of the client runs: under the caller's signal and deadline,
 * transport failures before anything was delivered retried with backoff,
 * and every failure turned into the typed `RatatoskrError` the daemon had
 * (`errorFromConnectError`).
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { abortedError, RatatoskrError } from "@ratatoskr/core";
import {
  ERROR_CODE_METADATA_KEY,
  ErrorDetailSchema,
  errorFromConnectError,
} from "@ratatoskr/protocol";
import type { ResolvedRetry } from "./client-options.ts";

/** What a call hands the runner: its signal and deadline. */
export interface RunOptions {
  signal?: AbortSignal | undefined;
  /** Deadline in ms; 0: none; default: the client's. */
  timeout?: number | undefined;
}

/** What one attempt passes to Connect. */
export interface AttemptOptions {
  signal: AbortSignal;
  timeoutMs?: number;
}

/**
 * A call cut in transit: an HTTP/2 stream that ended without gRPC's
 * trailers (the daemon, or the connection to it through a proxy, died after
 * the response headers), a stream the peer refused or reset, a connection
 * reset. Connect reports these as `INTERNAL` or `ABORTED`; like grpc-go,
 * which reads a stream closed without trailers as `UNAVAILABLE`, the
 * client treats them as the transport failures they are.
 */
const CUT_IN_TRANSIT =
  /protocol error: missing status|NGHTTP2_REFUSED_STREAM|ERR_HTTP2_STREAM_ERROR|ERR_HTTP2_STREAM_CANCEL|ERR_HTTP2_SESSION_ERROR|ECONNRESET|socket hang up/;

/** The messages and Node error codes of `error` and its causes. */
function describeChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const { message, code } = current as { message?: unknown; code?: unknown };
    if (typeof message === "string") parts.push(message);
    if (typeof code === "string") parts.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(" | ");
}

/**
 * Whether `error` is a transport failure that no Ratatoskr server answered
 * (no error code in its metadata, no error detail): `UNAVAILABLE` (the
 * daemon could not be reached), `CANCELLED` (the connection went away; the
 * caller's own abort is told apart before this is asked), or a call cut in
 * transit (see `CUT_IN_TRANSIT`: no trailers, a refused or reset stream).
 * A daemon's own `UNAVAILABLE` answer (an upstream network error, which
 * the daemon's gateway already retried) is not one.
 */
export function isTransportFailure(error: unknown): error is ConnectError {
  if (!(error instanceof ConnectError)) return false;
  if (error.metadata.has(ERROR_CODE_METADATA_KEY)) return false;
  if (error.findDetails(ErrorDetailSchema).length > 0) return false;
  if (error.code === Code.Unavailable || error.code === Code.Canceled) return true;
  if (error.code !== Code.Internal && error.code !== Code.Aborted && error.code !== Code.Unknown) {
    return false;
  }
  return CUT_IN_TRANSIT.test(describeChain(error));
}

/** Node's codes for a TLS handshake that refused the daemon's certificate. */
const TLS_REFUSAL = /CERT|SELF_SIGNED|ERR_TLS|ERR_SSL/;

/**
 * The TLS reason when `error` is a handshake that refused the daemon's
 * certificate (no daemon answered: no Ratatoskr code in its metadata).
 */
function tlsRefusal(error: unknown): string | undefined {
  if (!(error instanceof ConnectError) || error.metadata.has(ERROR_CODE_METADATA_KEY)) {
    return undefined;
  }
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === "string" && TLS_REFUSAL.test(cause.code) ? cause.code : undefined;
}

/**
 * The typed error of a failed attempt: the caller's abort; a refused TLS
 * certificate or a transport failure as `network`; else the daemon's error
 * rebuilt.
 */
function typed(error: unknown, signal: AbortSignal | undefined): RatatoskrError {
  if (signal?.aborted) return abortedError(signal);
  if (RatatoskrError.isInstance(error)) return error;
  const refusal = tlsRefusal(error);
  if (refusal !== undefined) {
    return new RatatoskrError({
      code: "network",
      message: `TLS: the daemon's certificate was refused (${refusal}); trust its CA with options.tls.ca`,
      isRetryable: false,
    });
  }
  if (isTransportFailure(error)) {
    return errorFromConnectError(
      new ConnectError(
        `the daemon could not be reached or the connection was lost: ${error.rawMessage}`,
        Code.Unavailable,
      ),
    );
  }
  return errorFromConnectError(error);
}

/** Wait `ms`, or reject with the abort when `signal` fires first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Runs unary calls and server streams with one client's retry and deadline settings. */
export class RpcRunner {
  readonly #retry: ResolvedRetry;
  readonly #timeout: number | undefined;

  constructor(retry: ResolvedRetry, timeout: number | undefined) {
    this.#retry = retry;
    this.#timeout = timeout;
  }

  /** The wait before retry number `retry` (0-based). */
  #delay(retry: number): number {
    return Math.min(this.#retry.maxDelayMs, this.#retry.initialDelayMs * 2 ** retry);
  }

  /** The deadline (epoch ms) of a call, or undefined for none. */
  #deadline(options: RunOptions): number | undefined {
    const timeout = options.timeout ?? this.#timeout;
    return timeout === undefined || timeout === 0 ? undefined : Date.now() + timeout;
  }

  /** One attempt's Connect options; a deadline already past is a `timeout` error. */
  #attempt(signal: AbortSignal, deadline: number | undefined): AttemptOptions {
    if (deadline === undefined) return { signal };
    const left = deadline - Date.now();
    if (left <= 0) {
      throw errorFromConnectError(new ConnectError("deadline exceeded", Code.DeadlineExceeded));
    }
    return { signal, timeoutMs: left };
  }

  /** Whether a failed attempt number `attempt` (0-based) may be retried. */
  #retryable(error: unknown, attempt: number, signal: AbortSignal | undefined): boolean {
    return attempt < this.#retry.retries && !signal?.aborted && isTransportFailure(error);
  }

  /** Run a unary call. */
  async unary<T>(options: RunOptions, call: (attempt: AttemptOptions) => Promise<T>): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) throw abortedError(signal);
    const deadline = this.#deadline(options);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await call(this.#attempt(controller.signal, deadline));
        } catch (error) {
          if (!this.#retryable(error, attempt, signal)) throw typed(error, signal);
          await pause(this.#delay(attempt), signal);
        }
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Run a server stream. A transport failure before the first message is
   * retried; after it, every failure ends the stream with its typed error.
   * Leaving the loop early (or the caller's abort) cancels the RPC.
   */
  async *stream<T>(
    options: RunOptions,
    open: (attempt: AttemptOptions) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    const { signal } = options;
    if (signal?.aborted) throw abortedError(signal);
    const deadline = this.#deadline(options);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let delivered = false;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          for await (const message of open(this.#attempt(controller.signal, deadline))) {
            delivered = true;
            yield message;
          }
          return;
        } catch (error) {
          if (delivered || !this.#retryable(error, attempt, signal)) throw typed(error, signal);
          await pause(this.#delay(attempt), signal);
        }
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      // Ends the RPC when the caller left early; a no-op once it completed.
      controller.abort();
    }
  }
}
