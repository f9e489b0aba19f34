/**
 * A loopback mock of an OpenAI-compatible server (the OpenAI wire: `/v1/chat/completions`,
 * JSON bodies, SSE streams). Each request gets the next scripted reply, written
 * byte for byte (optionally in small pieces, slowly, or cut off), so a client
 * parses real bytes in a server's real wire format. Built on
 * {@link startLoopbackServer}; no test runner is loaded.
 */
import type { ServerResponse } from "node:http";
import { type LoopbackServer, startLoopbackServer } from "./loopback-server.ts";

/** One scripted answer of an {@link OpenAIWireMockServer}. */
export interface OpenAIWireMockReply {
  /** The HTTP status (default 200). */
  status?: number;
  /** The response headers (default none). */
  headers?: Record<string, string>;
  /** The body, sent byte for byte. */
  body?: string;
  /** Write the body in pieces of this many bytes (default: one write). */
  chunkSize?: number;
  /** Milliseconds to wait before each piece. */
  delayMs?: number;
  /** Milliseconds to wait before the status line and headers (a server slow to answer). */
  headersDelayMs?: number;
  /** Destroy the socket after the body instead of ending the response (a reset mid-stream). */
  destroy?: boolean;
  /** Keep the response open after the body (a stalled upstream). */
  hang?: boolean;
}

/** A request as an {@link OpenAIWireMockServer} saw it, with its JSON body parsed. */
export interface OpenAIWireMockRequest {
  /** The HTTP method. */
  method: string;
  /** The path and query (`/v1/chat/completions`). */
  path: string;
  /** The request headers, lower-cased. */
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body parsed; the raw text when it is not JSON; `undefined` when empty. */
  body: unknown;
  /** Set when the client closed the connection before the reply ended. */
  clientClosedEarly: boolean;
}

/** A running OpenAI-wire mock server (see {@link startOpenAIWireMockServer}). */
export interface OpenAIWireMockServer {
  /** `http://127.0.0.1:<port>` (no path). */
  readonly url: string;
  /** Requests received so far, in order. */
  readonly requests: OpenAIWireMockRequest[];
  /** Queue replies, answered in order; a request with none queued gets a 500. */
  reply(...replies: OpenAIWireMockReply[]): void;
  /** Drop the queued replies and the recorded requests (call it between tests). */
  reset(): void;
  /** Sockets currently open (for leak checks). */
  openSockets(): number;
  /** Stop listening and destroy every open socket. */
  close(): Promise<void>;
}

/** An SSE reply (`text/event-stream`, status 200) from fixture text; `extra` adds chunking, delays, cuts. */
export function sseReply(
  body: string,
  extra: Omit<OpenAIWireMockReply, "body"> = {},
): OpenAIWireMockReply {
  return {
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    body,
    ...extra,
  };
}

/** A JSON reply: `body` is sent as-is when a string, else serialised. */
export function jsonReply(
  status: number,
  body: string | unknown,
  headers: Record<string, string> = {},
): OpenAIWireMockReply {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

const sleep = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

async function writeReply(response: ServerResponse, reply: OpenAIWireMockReply): Promise<void> {
  const body = Buffer.from(reply.body ?? "", "utf8");
  const size = reply.chunkSize ?? Math.max(1, body.length);
  for (let offset = 0; offset < body.length; offset += size) {
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (response.destroyed) return;
    response.write(body.subarray(offset, offset + size));
  }
  if (reply.destroy) {
    // Let the written bytes reach the client first, then reset.
    await sleep((reply.delayMs ?? 0) + 10);
    response.socket?.destroy();
    return;
  }
  if (!reply.hang) response.end();
}

/**
 * Start an OpenAI-wire mock on 127.0.0.1 (an ephemeral port). Script it with
 * `reply(sseReply(fixture), jsonReply(429, body))`, read `requests`, and
 * `reset()` between tests; `close()` when done.
 */
export async function startOpenAIWireMockServer(): Promise<OpenAIWireMockServer> {
  const queue: OpenAIWireMockReply[] = [];
  const requests: OpenAIWireMockRequest[] = [];
  const server: LoopbackServer = await startLoopbackServer(
    async (request, response, text) => {
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // keep the raw text
      }
      const record: OpenAIWireMockRequest = {
        method: request.method ?? "GET",
        path: request.url ?? "/",
        headers: request.headers,
        body,
        clientClosedEarly: false,
      };
      requests.push(record);
      response.on("close", () => {
        if (!response.writableFinished) record.clientClosedEarly = true;
      });
      const reply =
        queue.shift() ?? jsonReply(500, { error: { message: "mock: no scripted reply" } });
      if (reply.headersDelayMs !== undefined) await sleep(reply.headersDelayMs);
      if (response.destroyed) return;
      response.writeHead(reply.status ?? 200, reply.headers ?? {});
      response.flushHeaders();
      await writeReply(response, reply);
    },
    { record: false },
  );
  return {
    url: server.url,
    requests,
    reply: (...replies) => {
      queue.push(...replies);
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    openSockets: () => server.openSockets(),
    close: () => server.close(),
  };
}
