/**
 * What the playground can do: `GET /api/status` (providers, capabilities,
 * model suggestions) and `GET /api/route` (`gateway.route()` explained,
 * with what to configure on a miss).
 */
import { Hono } from "hono";
import { CAPABILITY_HINTS } from "../capability-hints.ts";
import { errorHandlerFor } from "./error-response.ts";
import { playgroundStatus } from "./playground-status.ts";
import { routeQuery } from "./request-schemas.ts";
import type { PlaygroundServerContext } from "./server-context.ts";
import { validQuery } from "./validate-request.ts";

/** `GET /status` and `GET /route?capability=&model=`. */
export function statusRoutes(context: PlaygroundServerContext) {
  return new Hono()
    .get("/status", (c) => c.json(playgroundStatus(context)))
    .get("/route", validQuery(routeQuery), (c) => {
      const { capability, model } = c.req.valid("query");
      const decision = context.gateway.route(capability, model);
      return c.json({
        ...decision,
        hints: decision.provider === undefined ? CAPABILITY_HINTS[capability] : [],
      });
    })
    .onError(errorHandlerFor());
}
