/**
 * The request and response types the handler accepts: Node's `http`
 * server objects, or `http2`'s compatibility API objects, which offer the
 * same members used here.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/** A request from `node:http` or `node:http2` (compatibility API). */
export type HttpRequest = IncomingMessage | Http2ServerRequest;

/** A response from `node:http` or `node:http2` (compatibility API). */
export type HttpResponse = ServerResponse | Http2ServerResponse;

/**
 * The request as `http`'s type: the members read here (`method`, `url`,
 * `headers`, `socket`, `httpVersionMajor`, the body's events) exist on both.
 */
export function asRequest(request: HttpRequest): IncomingMessage {
  return request as IncomingMessage;
}

/**
 * The response as `http`'s type: the members used here (`writeHead`,
 * `write`, `end`, `headersSent`, `writableEnded`, `destroyed`, the `drain`
 * and `close` events) exist on both.
 */
export function asResponse(response: HttpResponse): ServerResponse {
  return response as ServerResponse;
}
