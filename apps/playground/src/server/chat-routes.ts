/**
 * The Chat page's API: one user turn, with the demo tools executed on the
 * server, streamed as Server-Sent Events. At most `LIMITS.concurrentChats`
 * turns stream at once.
 */
import { Hono } from "hono";
import { streamChatTurn } from "./chat-event-stream.ts";
import { errorHandlerFor } from "./error-response.ts";
import { LIMITS } from "./request-limits.ts";
import { chatRequest } from "./request-schemas.ts";
import type { PlaygroundServerContext } from "./server-context.ts";
import { validJson } from "./validate-request.ts";

/** `POST /chat`: `{messages, model, tools?, reasoning?, temperature?}` → an SSE stream of the turn. */
export function chatRoutes(context: PlaygroundServerContext) {
  let openStreams = 0;
  return new Hono()
    .post("/chat", validJson(chatRequest), async (c) => {
      if (openStreams >= LIMITS.concurrentChats) {
        return c.json(
          {
            error: {
              code: "rate_limited",
              message: `At most ${LIMITS.concurrentChats} chats at once`,
            },
          },
          429,
        );
      }
      openStreams++;
      try {
        return await streamChatTurn(c, context.gateway, c.req.valid("json"), () => {
          openStreams--;
        });
      } catch (error) {
        // The route failed before the stream opened: onEnd never runs.
        openStreams--;
        throw error;
      }
    })
    .onError(errorHandlerFor("chat"));
}
