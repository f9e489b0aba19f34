/**
 * One text generation streamed to the browser as Server-Sent Events (Hono's
 * `streamSSE()`): first where the model routes, then the gateway's
 * `generateStream` events, then the timing. The first event is awaited
 * before the stream opens, so a generation that cannot start (no provider
 * serves `generate`, a refused setting, a failed request) is answered as a
 * JSON error with its HTTP status and, for a missing provider, what to
 * configure. When the browser goes away (Stop, a closed tab), the request's
 * signal aborts, which cancels the upstream request.
 */
import {
  type GenerateEvent,
  type GenerateOptions,
  RatatoskrError,
  type Usage,
} from "@ratatoskr/core";
import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { PlaygroundModelGateway } from "../build-playground-gateway.ts";
import { abortWhenBrowserLeaves, type RouteEvent, routeEvent, sendEvent } from "./sse-events.ts";

/** What the browser asks for. */
export interface GenerateRunRequest {
  prompt: string;
  model: string;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
}

/** Sent first: where the gateway routes the model. */
export type GenerateRouteEvent = RouteEvent;

/** Sent last: the timing of the whole generation, and who answered. */
export interface GenerateStatsEvent {
  type: "stats";
  /** Milliseconds from the request to the last event. */
  latencyMs: number;
  /** Milliseconds from the request to the first text, when any came. */
  firstTokenMs: number | undefined;
  usage: Usage | undefined;
  finishReason: string | undefined;
  provider: string | undefined;
  model: string | undefined;
}

/** The generation failed after it started streaming (an abort included). */
export interface GenerateErrorEvent {
  type: "error";
  code: string;
  message: string;
}

/** An event of the generation stream. */
export type GenerateStreamEvent =
  | GenerateRouteEvent
  | GenerateEvent
  | GenerateErrorEvent
  | GenerateStatsEvent;

/** The gateway methods a generation uses. */
type GenerateGateway = Pick<PlaygroundModelGateway, "generateStream" | "route">;

function send(stream: SSEStreamingApi, event: GenerateStreamEvent): Promise<void> {
  return sendEvent(stream, event);
}

/** The gateway's options for `request`, tied to `signal`. */
function generateOptions(request: GenerateRunRequest, signal: AbortSignal): GenerateOptions {
  const options: GenerateOptions = { model: request.model, signal };
  if (request.maxTokens !== undefined) options.maxTokens = request.maxTokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  return options;
}

/** A failure as the stream's `error` event (RatatoskrError messages are redacted at their source). */
function errorEvent(error: unknown, signal: AbortSignal): GenerateErrorEvent {
  if (RatatoskrError.isInstance(error))
    return { type: "error", code: error.code, message: error.message };
  return signal.aborted
    ? { type: "error", code: "aborted", message: "The request was aborted" }
    : { type: "error", code: "internal", message: "Internal error in the playground server" };
}

/** Route the model, start the generation and wait for its first event (or its failure). */
async function startGeneration(
  gateway: GenerateGateway,
  request: GenerateRunRequest,
  signal: AbortSignal,
) {
  const route = await gateway.route("generate", request.model);
  const events = gateway
    .generateStream(request.prompt, generateOptions(request, signal))
    [Symbol.asyncIterator]();
  const first = await events.next();
  return { route, events, first };
}

/**
 * Stream one generation as SSE. Throws (before anything is sent) when the
 * generation cannot start, for the route's error handler to answer. `onEnd`
 * runs once, when the generation is over or the browser has gone, also when
 * this throws.
 */
export async function streamGeneration(
  c: Context,
  gateway: GenerateGateway,
  request: GenerateRunRequest,
  onEnd: () => void,
): Promise<Response> {
  const started = performance.now();
  const upstream = abortWhenBrowserLeaves(c.req.raw);
  const finish = () => {
    upstream.release();
    onEnd();
  };
  let generation: Awaited<ReturnType<typeof startGeneration>>;
  try {
    generation = await startGeneration(gateway, request, upstream.signal);
  } catch (error) {
    finish();
    throw error;
  }
  const { route, events, first } = generation;
  return streamSSE(c, async (stream) => {
    stream.onAbort(upstream.abort);
    let firstTokenMs: number | undefined;
    let done: Extract<GenerateEvent, { type: "done" }> | undefined;
    let next = first;
    try {
      await send(stream, routeEvent(route));
      while (next.done !== true) {
        const event = next.value;
        if (event.type === "text" && firstTokenMs === undefined)
          firstTokenMs = Math.round(performance.now() - started);
        if (event.type === "done") done = event;
        await send(stream, event);
        // The browser has gone: pull nothing more (returning the iterator ends the upstream call).
        if (stream.aborted) break;
        next = await events.next();
      }
    } catch (error) {
      next = { done: true, value: undefined };
      if (!stream.aborted) await send(stream, errorEvent(error, upstream.signal));
    } finally {
      if (next.done !== true) await events.return?.();
      if (!stream.aborted) {
        await send(stream, {
          type: "stats",
          latencyMs: Math.round(performance.now() - started),
          firstTokenMs,
          usage: done?.usage,
          finishReason: done?.finishReason,
          provider: done?.provider ?? route.provider,
          model: done?.model,
        });
      }
      finish();
    }
  });
}
