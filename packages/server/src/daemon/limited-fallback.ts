/**
 * The daemon's HTTP fallback (the OpenAI-compatible API) under the same
 * {@link CallLimiter} as the RPCs: a `POST` (a model call) is admitted
 * against the global and per-client limits, so one client's HTTP and gRPC
 * calls share one budget. A refused request gets 429 with `Retry-After`
 * (seconds) and OpenAI's error body; a request still running when the
 * shutdown's grace period ends is cut off. Other methods (`GET /v1/models`,
 * probes) are not counted.
 */
import type { ServerResponse } from "node:http";
import { RatatoskrError } from "@ratatoskr/core";
import { errorResponseOf } from "../openai-http/openai-error.ts";
import { sendError } from "../openai-http/send-json.ts";
import type { CallLimiter } from "./call-limiter.ts";
import { clientKeyOf } from "./client-identity.ts";
import type { HttpFallbackHandler } from "./start-ratd.ts";

/** `handler`, with its `POST` requests admitted by `limiter`. */
export function limitedFallback(
  handler: HttpFallbackHandler,
  limiter: CallLimiter,
): HttpFallbackHandler {
  return (request, response) => {
    if (request.method !== "POST") return handler(request, response);
    const closed = new AbortController();
    let slot: ReturnType<CallLimiter["admit"]>;
    try {
      slot = limiter.admit(clientKeyOf(request), closed.signal);
    } catch (error) {
      if (!RatatoskrError.isInstance(error)) throw error;
      // Leave the body unread: an HTTP/1.1 connection closes after the answer.
      if (request.httpVersionMajor < 2)
        (response as ServerResponse).setHeader("connection", "close");
      return sendError(response as ServerResponse, errorResponseOf(error));
    }
    response.once("close", () => {
      closed.abort();
      slot.leave();
    });
    // The daemon's own abort (the grace period is over): end the request.
    slot.signal.addEventListener(
      "abort",
      () => {
        if (!closed.signal.aborted) response.destroy();
      },
      { once: true },
    );
    handler(request, response);
  };
}
