/**
 * A loopback server whose every answer is a huge body (100 MiB by default),
 * generated lazily with backpressure, that counts the bytes it handed to the
 * socket before the client went away — for "an error body is read only up to
 * a bound, and the rest is cancelled" tests.
 */
import type { ServerResponse } from "node:http";
import { startLoopbackServer } from "./loopback-server.ts";

/** 100 MiB: the default body size. */
export const HUGE_BODY_BYTES = 100 * 1024 * 1024;

/**
 * What loopback socket buffers may hold when a client cancels a body (the
 * kernel's send and receive buffers, the HTTP client's): about 4 MiB was
 * measured on Linux; 16 MiB leaves room. A bounded reader's server-side
 * count stays below its bound plus this; an unbounded one reads the whole
 * {@link HUGE_BODY_BYTES}.
 */
export const LOOPBACK_BUFFER_BYTES = 16 * 1024 * 1024;

const CHUNK_BYTES = 64 * 1024;

/** Options of {@link startHugeResponseServer}. */
export interface HugeResponseServerOptions {
  /** Status of every answer (default 500). */
  status?: number;
  /** Body size in bytes, `head` included (default {@link HUGE_BODY_BYTES}). */
  totalBytes?: number;
  /** What the body starts with, e.g. `{"error":{"message":"` (default empty). */
  head?: string;
  /** What the body ends with, e.g. `"}}` so that the whole body is valid JSON (default empty). */
  tail?: string;
  /** The one ASCII character the rest of the body repeats (default `x`). */
  fill?: string;
  /** Response headers (default `content-type: application/json`; `content-length` is always set). */
  headers?: Record<string, string>;
}

/** What the server did for one request. */
export interface HugeResponseOutcome {
  /** Body bytes passed to the socket (an upper bound of what the client could read). */
  bytesWritten: number;
  /** Whether the whole body was written (false: the client closed the connection first). */
  complete: boolean;
}

/** A running {@link startHugeResponseServer}. */
export interface HugeResponseServer {
  /** Base URL, e.g. `http://127.0.0.1:43123`; every path gets the huge answer. */
  readonly url: string;
  /** One promise per request received, in order; settles when that response ended or its connection closed. */
  readonly outcomes: Array<Promise<HugeResponseOutcome>>;
  /** Stop listening and destroy every open socket. */
  close(): Promise<void>;
}

/** Start a server whose every answer is a huge body, written only as fast as the client reads it. */
export async function startHugeResponseServer(
  options: HugeResponseServerOptions = {},
): Promise<HugeResponseServer> {
  const status = options.status ?? 500;
  const totalBytes = options.totalBytes ?? HUGE_BODY_BYTES;
  const head = Buffer.from(options.head ?? "", "utf8");
  const tail = Buffer.from(options.tail ?? "", "utf8");
  const fill = Buffer.alloc(CHUNK_BYTES, options.fill ?? "x");
  const outcomes: Array<Promise<HugeResponseOutcome>> = [];
  const loopback = await startLoopbackServer(
    (_request, response) => {
      const chunks = bodyChunks(head, fill, tail, totalBytes);
      outcomes.push(writeHugeBody(response, status, options.headers, chunks, totalBytes));
    },
    { record: false },
  );
  return { url: loopback.url, outcomes, close: () => loopback.close() };
}

/** `head`, then `fill` repeated, then `tail`: `totalBytes` in all, made one chunk at a time. */
function* bodyChunks(head: Buffer, fill: Buffer, tail: Buffer, totalBytes: number) {
  if (head.byteLength + tail.byteLength > totalBytes)
    throw new RangeError("head and tail do not fit totalBytes");
  yield head;
  for (let left = totalBytes - head.byteLength - tail.byteLength; left > 0; left -= fill.byteLength)
    yield fill.subarray(0, Math.min(fill.byteLength, left));
  yield tail;
}

async function writeHugeBody(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> | undefined,
  chunks: Iterable<Buffer>,
  totalBytes: number,
): Promise<HugeResponseOutcome> {
  let closed = false;
  const whenClosed = new Promise<void>((resolve) =>
    response.on("close", () => {
      closed = true;
      resolve();
    }),
  );
  response.writeHead(status, {
    "content-type": "application/json",
    ...headers,
    "content-length": String(totalBytes),
  });
  let bytesWritten = 0;
  for (const chunk of chunks) {
    if (closed) break;
    const flushed = response.write(chunk);
    bytesWritten += chunk.byteLength;
    if (!flushed) {
      await Promise.race([
        new Promise<void>((resolve) => response.once("drain", resolve)),
        whenClosed,
      ]);
    }
  }
  if (!closed) response.end();
  await whenClosed;
  return { bytesWritten, complete: bytesWritten >= totalBytes && response.writableFinished };
}
