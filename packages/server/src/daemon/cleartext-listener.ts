/**
 * One cleartext port for HTTP/2 (h2c with prior knowledge: gRPC, Connect)
 * and HTTP/1.1 (Connect JSON, gRPC-Web, the OpenAI-compatible API). Node's
 * `http2.createServer` ignores `allowHTTP1` without TLS, so the listener
 * reads the first bytes of each connection: the HTTP/2 preface
 * (`PRI * HTTP/2.0…`) goes to an HTTP/2 server, anything else to an
 * HTTP/1.1 server. (With TLS, ALPN does this: `createSecureServer({allowHTTP1: true})`.)
 */
import { createServer as createHttp1Server, type Server as Http1Server } from "node:http";
import { createServer as createHttp2Server, type Http2Server, type Http2Session } from "node:http2";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { Duplex } from "node:stream";
import { rememberPeerAddress } from "./client-identity.ts";

/** Both halves of the listener, and the listener itself. */
export interface CleartextListener {
  /** Listens and dispatches each connection. */
  readonly server: Server;
  readonly http1: Http1Server;
  readonly http2: Http2Server;
}

type Handler = Parameters<typeof createHttp1Server>[1] & Parameters<typeof createHttp2Server>[1];

/** The first bytes of the HTTP/2 connection preface; no HTTP/1.1 method starts so. */
const PREFACE_START = "PRI";

/**
 * Hands an HTTP/2 connection to the HTTP/2 server through a stream of its
 * own, starting with the bytes already read (an HTTP/2 session reads a
 * native socket below what `unshift` puts back).
 */
function replaying(socket: Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => {
      socket.resume();
    },
    write: (chunk, encoding, callback) => {
      socket.write(chunk, encoding, callback);
    },
    final: (callback) => {
      socket.end();
      callback();
    },
    destroy: (error, callback) => {
      socket.destroy();
      callback(error);
    },
  });
  duplex.push(head);
  socket.on("data", (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("close", () => duplex.destroy());
  socket.on("error", (error) => duplex.destroy(error));
  Object.assign(duplex, {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    remoteFamily: socket.remoteFamily,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
    setTimeout: (...args: Parameters<Socket["setTimeout"]>) => socket.setTimeout(...args),
    setNoDelay: (...args: Parameters<Socket["setNoDelay"]>) => socket.setNoDelay(...args),
    setKeepAlive: (...args: Parameters<Socket["setKeepAlive"]>) => socket.setKeepAlive(...args),
  });
  return duplex;
}

/** A cleartext listener serving `handler` over HTTP/2 and HTTP/1.1 on one port. */
export function createCleartextListener(handler: Handler): CleartextListener {
  const http1 = createHttp1Server(handler);
  const http2 = createHttp2Server(handler);
  const server = createNetServer((socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < PREFACE_START.length) return;
      socket.off("data", onData);
      if (head.subarray(0, PREFACE_START.length).toString("latin1") === PREFACE_START) {
        socket.pause();
        // The HTTP/2 session wraps the replaying stream, which hides the
        // peer address from its requests: remember it per session (the
        // session is created while "connection" is emitted).
        const remember = (session: Http2Session) =>
          rememberPeerAddress(session, socket.remoteAddress);
        http2.once("session", remember);
        http2.emit("connection", replaying(socket, head));
        http2.off("session", remember);
      } else {
        socket.unshift(head);
        http1.emit("connection", socket);
      }
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
  });
  return { server, http1, http2 };
}
