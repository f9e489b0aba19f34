/**
 * Who a call comes from, for the per-client concurrency limit: the peer
 * address of its connection (`peer:127.0.0.1`, `peer:::1`).
 *
 * Not the bearer token: ratd checks one shared token, so its hash would put
 * every authenticated client under one key and turn the per-client limit
 * into a second global one. Clients behind one NAT or proxy share an
 * address, and so share a per-client budget.
 */
import type { IncomingMessage } from "node:http";
import type { Http2ServerRequest, Http2Session } from "node:http2";
import { createContextKey, type HandlerContext } from "@connectrpc/connect";

/** Peer addresses of HTTP/2 sessions whose requests cannot see them (see {@link rememberPeerAddress}). */
const peerAddresses = new WeakMap<Http2Session, string>();

/**
 * Remember the peer address of an HTTP/2 session served over a wrapped
 * stream (the cleartext listener's), whose requests' `socket.remoteAddress`
 * is undefined.
 */
export function rememberPeerAddress(session: Http2Session, address: string | undefined): void {
  if (address !== undefined) peerAddresses.set(session, address);
}

/** The key of a call whose peer address is unknown (a closed socket). */
export const UNKNOWN_CLIENT = "peer:unknown";

/** The context value carrying a call's client key (set by the daemon's Connect adapter). */
export const CLIENT_KEY = createContextKey<string>(UNKNOWN_CLIENT, {
  description: "ratd client key",
});

/** The client key of a Node request: its connection's peer address. */
export function clientKeyOf(request: IncomingMessage | Http2ServerRequest): string {
  const address =
    request.socket?.remoteAddress ??
    ("stream" in request ? peerAddresses.get(request.stream.session as Http2Session) : undefined);
  return address === undefined ? UNKNOWN_CLIENT : `peer:${address}`;
}

/** The client key of a Connect call (see {@link CLIENT_KEY}). */
export function clientKeyOfCall(context: HandlerContext): string {
  return context.values.get(CLIENT_KEY);
}
