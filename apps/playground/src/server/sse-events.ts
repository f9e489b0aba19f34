/**
 * What the playground's two streamed answers (a chat turn, a generation)
 * share: the `route` event they send first, writing an event as an SSE
 * message named after its `type`, and the upstream signal that aborts when
 * the browser closes the request (Stop, a closed tab).
 */
import { RatatoskrError } from "@ratatoskr/core";
import type { SSEStreamingApi } from "hono/streaming";

/** Sent first: where the gateway routes the model (provider null on a miss). */
export interface RouteEvent {
  type: "route";
  provider: string | null;
  rule: string | null;
  providerModel: string;
  explanation: string;
}

/** The `route` event of a `gateway.route()` answer. */
export function routeEvent(route: {
  provider?: string | undefined;
  rule?: string | undefined;
  providerModel: string;
  explanation: string;
}): RouteEvent {
  return {
    type: "route",
    provider: route.provider ?? null,
    rule: route.rule ?? null,
    providerModel: route.providerModel,
    explanation: route.explanation,
  };
}

/** Write `event` as one SSE message named after its `type`, with the event as JSON data. */
export function sendEvent(stream: SSEStreamingApi, event: { type: string }): Promise<void> {
  return stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
}

/** The upstream side of a streamed answer: aborted, typed, when the browser leaves. */
export interface UpstreamAbort {
  /** Aborts with an `aborted` error once the browser has gone (or when `abort()` is called). */
  readonly signal: AbortSignal;
  /** Abort now, as if the browser had gone (the SSE stream's `onAbort`). */
  abort(): void;
  /** Stop listening to the browser's request (call once the answer is over). */
  release(): void;
}

/** An upstream signal tied to `request`'s own: the browser closing the request aborts it. */
export function abortWhenBrowserLeaves(request: Request): UpstreamAbort {
  const upstream = new AbortController();
  const abort = () =>
    upstream.abort(
      new RatatoskrError({ code: "aborted", message: "The browser closed the request" }),
    );
  request.signal.addEventListener("abort", abort, { once: true });
  if (request.signal.aborted) abort();
  return {
    signal: upstream.signal,
    abort,
    release: () => request.signal.removeEventListener("abort", abort),
  };
}
