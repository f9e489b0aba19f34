/**
 * `startRatd()`: the daemon. One port serves `ratatoskr.v1` (gRPC, gRPC-Web
 * and Connect, over HTTP/2 cleartext or TLS, HTTP/1.1 too), the standard
 * gRPC health check, and an HTTP fallback for everything else (where the
 * OpenAI-compatible API mounts).
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createSecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import type { AddressInfo, Server, Socket } from "node:net";
import { type ConnectRouter, createContextValues } from "@connectrpc/connect";
import { type ConnectNodeAdapterOptions, connectNodeAdapter } from "@connectrpc/connect-node";
import { RatatoskrError } from "@ratatoskr/core";
import { DEFAULT_HOST, DEFAULT_PORT } from "../defaults.ts";
import { createRatatoskrService } from "../service/ratatoskr-service.ts";
import { providerIds, type ServedGateway } from "../service/served-gateway.ts";
import type { MetricsCollector } from "../telemetry/metrics-collector.ts";
import { bearerAuthInterceptor, bearerTokenMatches } from "./bearer-auth.ts";
import { CallLimiter } from "./call-limiter.ts";
import { createCleartextListener } from "./cleartext-listener.ts";
import { CLIENT_KEY, clientKeyOf } from "./client-identity.ts";
import { createGrpcHealthService, GRPC_HEALTH_SERVICE, HealthChanges } from "./grpc-health.ts";
import { limitedFallback } from "./limited-fallback.ts";
import { isLoopbackHost } from "./listen-address.ts";
import { withMetricsRoute } from "./metrics-route.ts";

/** The largest request message ratd reads unless configured otherwise: 16 MiB. */
export const DEFAULT_READ_MAX_BYTES = 16 * 1024 * 1024;

/** The most calls ratd serves at once unless configured otherwise. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 256;

/** The `retry-after` a call refused by a concurrency limit is told, unless configured otherwise: 1 s. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** How long `close()` lets calls in flight finish unless told otherwise: 10 s. */
export const DEFAULT_GRACE_MS = 10_000;

/** A Node HTTP handler: HTTP/1.1 (`IncomingMessage`) or HTTP/2 (the compatibility API). */
export type HttpFallbackHandler = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void;

/** Options of {@link startRatd}. */
export interface RatdOptions {
  /** The gateway to serve (a `Gateway` from `@ratatoskr/gateway`, or any `ModelGateway`). */
  gateway: ServedGateway;
  /** Where to listen (default `127.0.0.1`). Any other than loopback needs a `token`. */
  host?: string;
  /** The port (default 9741; 0: a free port, see `Ratd.port`). */
  port?: number;
  /**
   * The bearer token every call must carry (`authorization: Bearer <token>`);
   * calls without it are `UNAUTHENTICATED` (HTTP 401 on the fallback).
   * Required to listen beyond loopback.
   */
  token?: string;
  /** Serve TLS (HTTP/2 with ALPN, HTTP/1.1 too) with this certificate chain and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** The largest request message read, in bytes (default {@link DEFAULT_READ_MAX_BYTES}). */
  readMaxBytes?: number;
  /** The most calls served at once; more are `RESOURCE_EXHAUSTED` (default {@link DEFAULT_MAX_CONCURRENT_CALLS}). */
  maxConcurrentCalls?: number;
  /**
   * The most calls served at once for one client (its connection's peer
   * address; see `client-identity.ts`), gRPC calls and HTTP `POST`s
   * together; more are refused at once as `RESOURCE_EXHAUSTED` (HTTP 429).
   * Default: only the global limit. Must not exceed `maxConcurrentCalls`.
   */
  maxConcurrentCallsPerClient?: number;
  /**
   * The wait a call refused by a concurrency limit is told to take, in
   * seconds: the `retry-after` metadata (gRPC), `Retry-After` header (HTTP)
   * and `retryAfterMs` of its `rate_limited` error (default
   * {@link DEFAULT_RETRY_AFTER_SECONDS}).
   */
  retryAfterSeconds?: number;
  /**
   * Handles every request that is not an RPC (the OpenAI-compatible HTTP API
   * mounts here: `createOpenAIHttpHandler(gateway, options)`). Without one,
   * such requests get 404. When `token` is set, requests without it get 401
   * before reaching the handler.
   */
  httpFallback?: HttpFallbackHandler;
  /** The version the `Health` RPC reports. */
  version?: string;
  /**
   * Serve Prometheus metrics on `GET /metrics` (`createMetricsCollector()`;
   * give the gateway its `hooks`). With `token` set, `/metrics` needs it
   * too unless `requireToken` is false (a scraper inside the network
   * without credentials).
   */
  metrics?: RatdMetricsOptions;
}

/** {@link RatdOptions.metrics}. */
export interface RatdMetricsOptions {
  /** The collector whose metrics are served. */
  collector: MetricsCollector;
  /** Whether `/metrics` needs the bearer token when one is set (default true). */
  requireToken?: boolean;
}

/** Options of {@link Ratd.close}. */
export interface RatdCloseOptions {
  /** How long calls in flight may still finish before they are aborted, in ms (default {@link DEFAULT_GRACE_MS}). */
  graceMs?: number;
}

/** A running daemon. */
export interface Ratd {
  /** The host it listens on. */
  readonly host: string;
  /** The port it listens on (the one chosen when asked for 0). */
  readonly port: number;
  /** `http://host:port` (`https://` with TLS), for Connect clients. */
  readonly url: string;
  /** `host:port`, for grpc-js clients. */
  readonly address: string;
  /** Calls in flight now. */
  readonly inFlight: number;
  /**
   * Stop: accept no more connections or calls, let calls in flight finish
   * within the grace period, then abort the rest (their gateway calls see
   * the abort) and close every connection.
   */
  close(options?: RatdCloseOptions): Promise<void>;
}

function configurationError(message: string, field: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message, details: { field } });
}

function positiveInteger(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw configurationError(`${field} must be a positive integer, got ${String(value)}`, field);
  }
  return value;
}

/**
 * Check daemon options without starting anything: a typed `configuration`
 * error naming the field for a bad one, and for a non-loopback host without
 * a bearer token.
 */
export function checkRatdOptions(options: Omit<RatdOptions, "gateway">): void {
  const host = options.host ?? DEFAULT_HOST;
  if (typeof host !== "string" || host.trim() === "") {
    throw configurationError("host must be a non-empty string", "host");
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw configurationError(
      `port must be an integer from 0 to 65535, got ${String(port)}`,
      "port",
    );
  }
  if (
    options.token !== undefined &&
    (typeof options.token !== "string" || options.token.trim() === "")
  ) {
    throw configurationError("token must be a non-empty string when given", "token");
  }
  if (options.token === undefined && !isLoopbackHost(host)) {
    throw configurationError(
      `refusing to listen on ${host} without a bearer token: anyone who can reach it could spend your provider keys. Set a token (--token or RATATOSKR_TOKEN), or listen on loopback (127.0.0.1)`,
      "token",
    );
  }
  positiveInteger(options.readMaxBytes, DEFAULT_READ_MAX_BYTES, "readMaxBytes");
  const maxConcurrent = positiveInteger(
    options.maxConcurrentCalls,
    DEFAULT_MAX_CONCURRENT_CALLS,
    "maxConcurrentCalls",
  );
  const perClient = positiveInteger(
    options.maxConcurrentCallsPerClient,
    maxConcurrent,
    "maxConcurrentCallsPerClient",
  );
  if (perClient > maxConcurrent) {
    throw configurationError(
      `maxConcurrentCallsPerClient (${perClient}) must not exceed maxConcurrentCalls (${maxConcurrent})`,
      "maxConcurrentCallsPerClient",
    );
  }
  positiveInteger(options.retryAfterSeconds, DEFAULT_RETRY_AFTER_SECONDS, "retryAfterSeconds");
}

function notFound(
  _request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
): void {
  const http1 = response as ServerResponse;
  http1.writeHead(404, { "content-type": "application/json" });
  http1.end(JSON.stringify({ error: { message: "not found", type: "not_found" } }));
}

function guardedFallback(
  handler: HttpFallbackHandler,
  token: string | undefined,
): HttpFallbackHandler {
  if (token === undefined) return handler;
  return (request, response) => {
    if (bearerTokenMatches(request.headers.authorization, token)) return handler(request, response);
    const http1 = response as ServerResponse;
    http1.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" });
    http1.end(
      JSON.stringify({
        error: { message: "missing or wrong bearer token", type: "authentication" },
      }),
    );
  };
}

/**
 * Start the daemon. Resolves once it listens; rejects with a typed
 * `configuration` error for bad options (a non-loopback host without a
 * token among them) and with the listen error (a port in use).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(...).build();
 * const ratd = await startRatd({ gateway }); // 127.0.0.1:9741
 * process.once("SIGTERM", () => void ratd.close({ graceMs: 10_000 }));
 * ```
 */
export async function startRatd(options: RatdOptions): Promise<Ratd> {
  checkRatdOptions(options);
  const host = options.host ?? DEFAULT_HOST;
  const { gateway, token } = options;
  const limiter = new CallLimiter({
    maxConcurrent: options.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS,
    maxConcurrentPerClient: options.maxConcurrentCallsPerClient,
    retryAfterSeconds: options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
  });
  const serving = () => limiter.accepting && providerIds(gateway).length > 0;
  const ratatoskr = createRatatoskrService(gateway, {
    gate: limiter,
    accepting: () => limiter.accepting,
    ...(options.version === undefined ? {} : { version: options.version }),
  });
  const healthChanges = new HealthChanges();
  const health = createGrpcHealthService(serving, healthChanges);
  const handler = connectNodeAdapter({
    routes: (router: ConnectRouter) => {
      ratatoskr(router);
      health(router);
    },
    readMaxBytes: options.readMaxBytes ?? DEFAULT_READ_MAX_BYTES,
    contextValues: (request) => createContextValues().set(CLIENT_KEY, clientKeyOf(request)),
    interceptors: token === undefined ? [] : [bearerAuthInterceptor(token, [GRPC_HEALTH_SERVICE])],
    // The OpenAI-compatible HTTP API (packages/server/src/openai-http) mounts here.
    fallback: withMetricsRoute(
      guardedFallback(
        options.httpFallback === undefined
          ? notFound
          : limitedFallback(options.httpFallback, limiter),
        token,
      ),
      options.metrics,
      (handler) => guardedFallback(handler, token),
    ) as NonNullable<ConnectNodeAdapterOptions["fallback"]>,
  });

  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  const trackSession = (session: Http2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  };
  const trackSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  let server: Server;
  let closeInner = () => {};
  if (options.tls === undefined) {
    const listener = createCleartextListener(handler);
    listener.http2.on("session", trackSession);
    listener.server.on("connection", trackSocket);
    server = listener.server;
    // A keep-alive HTTP/1.1 connection ends once its answer is sent, when closing.
    listener.http1.on("request", (_request, response: ServerResponse) => {
      response.once("finish", () => {
        if (!limiter.accepting) setImmediate(() => listener.http1.closeIdleConnections());
      });
    });
    closeInner = () => {
      listener.http1.close();
      listener.http1.closeIdleConnections();
      listener.http2.close();
    };
  } else {
    const [cert, key] = await Promise.all([
      readFile(options.tls.certFile).catch((error: unknown) => {
        throw configurationError(
          `cannot read the TLS certificate: ${(error as Error).message}`,
          "tls.certFile",
        );
      }),
      readFile(options.tls.keyFile).catch((error: unknown) => {
        throw configurationError(
          `cannot read the TLS key: ${(error as Error).message}`,
          "tls.keyFile",
        );
      }),
    ]);
    const secure = createSecureServer({ allowHTTP1: true, cert, key }, handler);
    secure.on("session", trackSession);
    secure.on("secureConnection", trackSocket);
    server = secure;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = async (closeOptions: RatdCloseOptions = {}): Promise<void> => {
    const graceMs = closeOptions.graceMs ?? DEFAULT_GRACE_MS;
    limiter.close();
    // Watch streams send NOT_SERVING and end, so they hold no session open.
    healthChanges.end();
    // Resolves once every connection has ended.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    closeInner();
    // Graceful: open HTTP/2 streams finish, new ones are refused (GOAWAY),
    // and each session ends once its last stream has.
    for (const session of sessions) session.close();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, graceMs));
    });
    await Promise.race([closed, graceOver]);
    clearTimeout(timer);
    limiter.abortAll(
      new RatatoskrError({ code: "aborted", message: "ratd shut down before the call finished" }),
    );
    await limiter.drained();
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    host,
    port,
    url: `${options.tls === undefined ? "http" : "https"}://${hostInUrl}:${port}`,
    address: `${hostInUrl}:${port}`,
    get inFlight() {
      return limiter.inFlight;
    },
    close: (closeOptions) => {
      closing ??= close(closeOptions);
      return closing;
    },
  };
}
