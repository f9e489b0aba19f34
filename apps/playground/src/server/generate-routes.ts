/**
 * The Generate page's API: a raw text completion of a prompt, streamed as
 * Server-Sent Events. At most `LIMITS.concurrentGenerations` generations
 * stream at once.
 */
import { Hono } from "hono";
import { errorHandlerFor } from "./error-response.ts";
import { streamGeneration } from "./generate-event-stream.ts";
import { LIMITS } from "./request-limits.ts";
import { generateRequest } from "./request-schemas.ts";
import type { PlaygroundServerContext } from "./server-context.ts";
import { validJson } from "./validate-request.ts";

/** `POST /generate`: `{prompt, model, maxTokens?, temperature?}` → an SSE stream of the text. */
export function generateRoutes(context: PlaygroundServerContext) {
  let openStreams = 0;
  return new Hono()
    .post("/generate", validJson(generateRequest), async (c) => {
      if (openStreams >= LIMITS.concurrentGenerations) {
        return c.json(
          {
            error: {
              code: "rate_limited",
              message: `At most ${LIMITS.concurrentGenerations} generations at once`,
            },
          },
          429,
        );
      }
      openStreams++;
      // streamGeneration runs the callback once, also when it throws before the stream opens.
      return streamGeneration(c, context.gateway, c.req.valid("json"), () => {
        openStreams--;
      });
    })
    .onError(errorHandlerFor("generate"));
}
