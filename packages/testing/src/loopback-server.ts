/**
 * Loopback HTTP servers for tests and benchmarks. They listen on 127.0.0.1
 * only, on an ephemeral port, with TCP_NODELAY, and track their sockets so
 * `close()` leaves nothing behind.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** A running loopback server. */
export interface LoopbackServer {
  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  /** The Node.js HTTP server. */
  readonly server: Server;
  /** Requests received so far (method, url, headers, body), in order. */
  readonly requests: RecordedRequest[];
  /** Sockets currently open (for leak checks). */
  openSockets(): number;
  /** Stop listening and destroy every open socket. */
  close(): Promise<void>;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  /** The HTTP method. */
  method: string;
  /** The path and query (`/v1/chat/completions?x=1`). */
  url: string;
  /** The request headers, lower-cased. */
  headers: IncomingMessage["headers"];
  /** The whole body, as text. */
  body: string;
}

/** A request handler; `body` is the whole request body as text. */
export type LoopbackHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
) => void | Promise<void>;

/** Start a loopback server; `record: false` skips keeping requests (benchmarks). */
export async function startLoopbackServer(
  handler: LoopbackHandler,
  { record = true }: { record?: boolean } = {},
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on("data", (chunk: Buffer) => parts.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(parts).toString("utf8");
      if (record) {
        requests.push({
          method: request.method ?? "GET",
          url: request.url ?? "/",
          headers: request.headers,
          body,
        });
      }
      Promise.resolve(handler(request, response, body)).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: String(error) } }));
      });
    });
  });
  server.on("connection", (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // Idle keep-alive sockets stay open for as long as the server runs (0: no
  // keep-alive timeout). With any timeout, a busy CI machine can let the
  // server close a socket the client still holds as reusable (a test that runs
  // longer than the timeout is enough), and the next request on it fails with
  // ECONNRESET. close() destroys every socket anyway.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string")
    throw new Error("loopback server has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    requests,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Write a Server-Sent Events response from pre-formatted SSE text blocks. */
export function writeSse(response: ServerResponse, blocks: readonly string[], status = 200): void {
  response.writeHead(status, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  for (const block of blocks) response.write(block);
  response.end();
}
