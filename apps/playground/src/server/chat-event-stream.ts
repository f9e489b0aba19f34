/**
 * One chat turn streamed to the browser as Server-Sent Events (Hono's
 * `streamSSE()`): first where the model routes, then every event of the
 * tool loop, each as an SSE event named after its `type` with the event as
 * JSON data (its closing `stats` with the turn's cost, priced from the
 * model's registry record where the gateway put no cost on the usage). When the browser goes away (Stop, a closed tab), the turn's
 * signal aborts, which cancels the upstream request.
 */
import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { PlaygroundModelGateway } from "../build-playground-gateway.ts";
import { CAPABILITY_HINTS, type CapabilityHint } from "../capability-hints.ts";
import { type ChatTurnRequest, type PlaygroundChatEvent, runChatTurn } from "../chat-tool-loop.ts";
import { type RecordGateway, registryRecord } from "./model-records.ts";
import { abortWhenBrowserLeaves, type RouteEvent, routeEvent, sendEvent } from "./sse-events.ts";

/** Sent first: where the gateway routes the model (provider null on a miss). */
export type ChatRouteEvent = RouteEvent;

/** Sent after the route on a miss: what to configure to get chat. */
export interface ChatHintsEvent {
  type: "hints";
  hints: CapabilityHint[];
}

/** An event of the chat stream: the route and hints, then the tool loop's events. */
export type ChatStreamEvent = ChatRouteEvent | ChatHintsEvent | PlaygroundChatEvent;

/** The gateway methods a chat turn uses (the registry's record for the turn's cost). */
type ChatGateway = Pick<PlaygroundModelGateway, "chatStream" | "route"> & RecordGateway;

function send(stream: SSEStreamingApi, event: ChatStreamEvent): Promise<void> {
  return sendEvent(stream, event);
}

/**
 * Stream one turn as SSE. `onEnd` runs once, when the turn is over or the
 * browser has gone.
 */
export async function streamChatTurn(
  c: Context,
  gateway: ChatGateway,
  request: ChatTurnRequest,
  onEnd: () => void,
): Promise<Response> {
  const route = await gateway.route("chat", request.model);
  const pricing = (await registryRecord(gateway, request.model))?.pricing;
  return streamSSE(c, async (stream) => {
    const upstream = abortWhenBrowserLeaves(c.req.raw);
    stream.onAbort(upstream.abort);
    try {
      await send(stream, routeEvent(route));
      if (route.provider === undefined)
        await send(stream, { type: "hints", hints: CAPABILITY_HINTS.chat });
      for await (const event of runChatTurn(gateway, request, {
        signal: upstream.signal,
        pricing,
      })) {
        await send(stream, event);
        // The browser has gone: pull nothing more (leaving the loop ends the upstream call too).
        if (stream.aborted) break;
      }
    } finally {
      upstream.release();
      onEnd();
    }
  });
}
