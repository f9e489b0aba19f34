/**
 * Server-sent events in OpenAI's framing: one `data: <json>` event per
 * chunk, then `data: [DONE]`. The stream's first event is awaited before
 * the response starts, so a call that fails at once (bad input, unknown
 * model) still answers with its HTTP status and an error body; a failure
 * after that ends the stream with an `error` event (OpenAI's error body)
 * and no `[DONE]`. Writes wait for the client to drain.
 */
import type { ServerResponse } from "node:http";
import { abortedError } from "@ratatoskr/core";

/** Write one event, waiting for the socket to drain when its buffer is full; throws once the client left. */
async function writeEvent(
  response: ServerResponse,
  signal: AbortSignal,
  data: string,
): Promise<void> {
  if (signal.aborted) throw abortedError(signal);
  if (response.write(`data: ${data}\n\n`)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      response.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    response.on("drain", done);
    signal.addEventListener("abort", done);
  });
}

/**
 * Stream `events` to the client as chunks: `first()` before the first
 * event's chunks, `chunksOf(event)` for each event, then `[DONE]`.
 * `signal` aborts when the client leaves. The iterator is closed
 * (cancelling the upstream call) whatever happens.
 */
export async function serveEventStream<E>(
  response: ServerResponse,
  signal: AbortSignal,
  events: AsyncIterable<E>,
  chunksOf: (event: E) => readonly unknown[],
  first: () => readonly unknown[] = () => [],
): Promise<void> {
  const iterator = events[Symbol.asyncIterator]();
  let finished = false;
  try {
    let next = await iterator.next();
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    });
    for (const chunk of first()) await writeEvent(response, signal, JSON.stringify(chunk));
    while (next.done !== true) {
      for (const chunk of chunksOf(next.value))
        await writeEvent(response, signal, JSON.stringify(chunk));
      next = await iterator.next();
    }
    finished = true;
    await writeEvent(response, signal, "[DONE]");
    response.end();
  } finally {
    if (!finished) await iterator.return?.().catch(() => undefined);
  }
}

/** End a started stream with an `error` event carrying OpenAI's error body. */
export function endStreamWithError(response: ServerResponse, body: unknown): void {
  if (response.writableEnded) return;
  response.end(`data: ${JSON.stringify(body)}\n\n`);
}
