/**
 * A loopback ratatoskr.v1 server for the client's tests: the server
 * package's `createRatatoskrService(gateway)` on `connectNodeAdapter` and a
 * plain HTTP/2 server on an ephemeral port, optionally checking a bearer
 * token. The fault tests use it because they drop every connection at
 * once, mid-call, as a crashed daemon would (`ratd` closes gracefully); the
 * other tests run against the real daemon (`startRatd`, see gateways.ts).
 */
import { createServer, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createRatatoskrService, type ServedGateway } from "@ratatoskr/server";

/** A started loopback server. */
export interface ServedService {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The port it listens on (to start another server there later). */
  port: number;
  /** Stop accepting and end every connection, calls in flight included. */
  close(): Promise<void>;
}

/** Options of {@link serveGateway}. */
export interface ServeOptions {
  /** The bearer token every call must carry (`UNAUTHENTICATED` otherwise). */
  token?: string;
  /** The port (default: an ephemeral one). */
  port?: number;
}

/** Answers `UNAUTHENTICATED` unless the call carries `authorization: Bearer <token>`. */
function requireToken(token: string): Interceptor {
  return (next) => (request) => {
    if (request.header.get("authorization") !== `Bearer ${token}`) {
      throw new ConnectError("a valid bearer token is required", Code.Unauthenticated);
    }
    return next(request);
  };
}

/** Serve `gateway` over ratatoskr.v1 on 127.0.0.1. */
export async function serveGateway(
  gateway: ServedGateway,
  options: ServeOptions = {},
): Promise<ServedService> {
  const sessions = new Set<Http2Session>();
  const server = createServer(
    connectNodeAdapter({
      routes: createRatatoskrService(gateway),
      interceptors: options.token === undefined ? [] : [requireToken(options.token)],
    }),
  );
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
