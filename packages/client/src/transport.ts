/**
 * The client's transport to the daemon: gRPC (default) or Connect over one
 * HTTP/2 connection, with the bearer token as `authorization` metadata. The
 * token lives only in the interceptor's closure: nothing the client object
 * holds shows it.
 */
import type { Interceptor, Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import type { ServiceClientTls } from "./client-options.ts";

/** A transport and the connection it owns. */
export interface ClientTransport {
  transport: Transport;
  /** Close the connection (and every call open on it). */
  close(): void;
}

/** The interceptor that sends `token` as `authorization: Bearer <token>`. */
function bearerToken(token: string): Interceptor {
  const value = `Bearer ${token}`;
  return (next) => (request) => {
    request.header.set("authorization", value);
    return next(request);
  };
}

/** node's TLS options for `tls`. */
function tlsOptions(tls: ServiceClientTls | undefined): Record<string, unknown> {
  if (tls === undefined) return {};
  const options: Record<string, unknown> = {};
  if (tls.ca !== undefined) options.ca = tls.ca;
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.servername !== undefined) options.servername = tls.servername;
  if (tls.rejectUnauthorized !== undefined) options.rejectUnauthorized = tls.rejectUnauthorized;
  return options;
}

/** The transport to `url`. */
export function createClientTransport(
  url: URL,
  protocol: "grpc" | "connect",
  token: string | undefined,
  tls: ServiceClientTls | undefined,
): ClientTransport {
  const baseUrl = url.href.replace(/\/$/, "");
  const sessionManager = new Http2SessionManager(baseUrl, undefined, tlsOptions(tls));
  const interceptors = token === undefined ? [] : [bearerToken(token)];
  const options = { baseUrl, httpVersion: "2" as const, sessionManager, interceptors };
  const transport =
    protocol === "connect" ? createConnectTransport(options) : createGrpcTransport(options);
  return { transport, close: () => sessionManager.abort() };
}
